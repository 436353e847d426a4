import { listModels, type ModelTask } from '@residual/models';
import { defineCommand, JSON_OPTION } from '../command.js';
import { formatCount, formatTable } from '../format.js';

/** The task column's words: what the model outputs. */
const TASK_LABELS: Record<ModelTask, string> = {
  'image-classification': 'classification',
  'semantic-segmentation': 'segmentation',
  'language-model': 'language',
};

export const modelsCommand = defineCommand({
  name: 'models',
  summary: 'List the registered architectures with their parameters and MACs.',
  description:
    'Lists every architecture in the model registry: its name, family, task (classification, ' +
    'segmentation: a class per pixel, or language), trainable parameters ' +
    '(as PyTorch counts them, at the default input shape and number of classes), total ' +
    'parameters (with batch-norm statistics, as Keras counts them), multiply-accumulates per ' +
    "image at the default input shape, and the reference it reproduces. 'residual summary " +
    "<model>' shows one model layer by layer.",
  options: [JSON_OPTION],
  examples: ['residual models', 'residual models --json'],
  async run(values, terminal) {
    const rows = listModels().map((entry) => ({
      name: entry.name,
      family: entry.family,
      task: entry.task ?? 'image-classification',
      trainableParams: entry.trainableParams,
      totalParams: entry.totalParams,
      macs: entry.macs,
      inputShape: [...entry.defaultInputShape],
      numClasses: entry.defaultNumClasses,
      reference: entry.reference.detail
        ? `${entry.reference.title} (${entry.reference.detail})`
        : entry.reference.title,
      url: entry.reference.url,
      description: entry.description,
    }));
    if (values.json) {
      terminal.out(`${JSON.stringify(rows, null, 2)}\n`);
      return 0;
    }
    const table = [
      ['model', 'family', 'task', 'trainable params', 'MACs', 'input'],
      ...rows.map((r) => [
        r.name,
        r.family,
        TASK_LABELS[r.task],
        r.trainableParams.toLocaleString('en-US'),
        formatCount(r.macs),
        r.inputShape.join('×'),
      ]),
    ];
    terminal.out(formatTable(table, [3, 4]));
    return 0;
  },
});
