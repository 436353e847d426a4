import { listModels } from '@residual/models';
import { type Command, JSON_OPTION } from '../command.js';

export const modelsCommand: Command = {
  name: 'models',
  summary: 'List the registered architectures with their parameter counts.',
  description:
    'Lists every architecture in the model registry: its name, family, trainable parameters ' +
    '(as PyTorch counts them, at the default input shape and number of classes), default input ' +
    'shape and the reference it reproduces.',
  options: [JSON_OPTION],
  examples: ['residual models', 'residual models --json'],
  async run(values, terminal) {
    const rows = listModels().map((entry) => ({
      name: entry.name,
      family: entry.family,
      trainableParams: entry.trainableParams,
      inputShape: [...entry.defaultInputShape],
      numClasses: entry.defaultNumClasses,
      reference: entry.reference.detail
        ? `${entry.reference.title} (${entry.reference.detail})`
        : entry.reference.title,
      description: entry.description,
    }));
    if (values.json) {
      terminal.out(`${JSON.stringify(rows, null, 2)}\n`);
      return 0;
    }
    const table = [
      ['model', 'family', 'trainable params', 'input'],
      ...rows.map((r) => [
        r.name,
        r.family,
        r.trainableParams.toLocaleString('en-US'),
        r.inputShape.join('×'),
      ]),
    ];
    const widths = table[0].map((_, col) => Math.max(...table.map((row) => row[col].length)));
    for (const row of table) {
      terminal.out(
        `${row
          .map((cell, col) => (col === 2 ? cell.padStart(widths[col]) : cell.padEnd(widths[col])))
          .join('  ')
          .trimEnd()}\n`,
      );
    }
    return 0;
  },
};
