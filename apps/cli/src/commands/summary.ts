import { initBackend, isResidualError } from '@residual/backend';
import { NORMALIZATIONS, RESIDUAL_SCALES } from '@residual/layers';
import {
  createModel,
  getModelEntry,
  type ModelOptions,
  POOLINGS,
  SHORTCUT_OPTIONS,
  summarizeModel,
} from '@residual/models';
import { type Command, JSON_OPTION, type OptionValues } from '../command.js';
import { formatCount, formatTable } from '../format.js';
import { UsageError } from '../usage-error.js';

export const summaryCommand: Command = {
  name: 'summary',
  summary: 'Show one model layer by layer: output shapes, parameters, MACs.',
  description:
    'Builds a registered model and prints every layer with its output shape, parameters and ' +
    'multiply-accumulates per image, then the totals: trainable parameters (as PyTorch counts ' +
    'them), total parameters (with batch-norm statistics, as Keras counts them) and MACs. ' +
    'Model options change the network before it is summarised.',
  positionals: [
    { name: 'model', description: "Architecture from the registry (see 'residual models')." },
  ],
  options: [
    JSON_OPTION,
    {
      name: 'input-shape',
      type: 'string',
      placeholder: 'h,w,c',
      description: "Input image shape, e.g. 64,64,3 (default: the model's).",
    },
    {
      name: 'num-classes',
      type: 'integer',
      placeholder: 'n',
      description: "Output classes (default: the model's).",
    },
    {
      name: 'pooling',
      type: 'string',
      placeholder: 'kind',
      description: 'Global pooling before the classifier.',
      choices: POOLINGS,
    },
    {
      name: 'features',
      type: 'boolean',
      description: "Output every stage's feature map instead of logits.",
      default: false,
    },
    {
      name: 'shortcut',
      type: 'string',
      placeholder: 'letter',
      description:
        'Shortcut where a stage changes shape: A zero-pad, B projection, D avg-pool + projection.',
      choices: SHORTCUT_OPTIONS,
    },
    {
      name: 'residual-scale',
      type: 'string',
      placeholder: 'kind',
      description: 'Residual branch scaling.',
      choices: RESIDUAL_SCALES,
    },
    {
      name: 'norm',
      type: 'string',
      placeholder: 'kind',
      description: "Normalisation; 'none' initialises with Fixup.",
      choices: NORMALIZATIONS,
    },
    {
      name: 'zero-init-residual',
      type: 'boolean',
      description: 'Start every residual branch at zero.',
      default: false,
    },
    {
      name: 'drop-path-rate',
      type: 'number',
      placeholder: 'p',
      description: "Stochastic depth: the last block's drop probability.",
    },
  ],
  examples: [
    'residual summary resnet50',
    'residual summary cifar_resnet20 --json',
    'residual summary resnet18 --input-shape 64,64,3 --num-classes 10',
    'residual summary resnet50 --features',
  ],
  async run(values, terminal) {
    const name = values.model as string;
    const entry = getModelEntry(name);
    const options = modelOptions(values);
    await initBackend();
    const model = withOptionNames(values, () => createModel(name, options));
    const summary = summarizeModel(model);
    model.dispose();
    if (values.json) {
      terminal.out(`${JSON.stringify({ ...summary, reference: entry.reference }, null, 2)}\n`);
      return 0;
    }
    terminal.out(`${name}: ${entry.description}\n`);
    terminal.out(`reference: ${entry.reference.title} <${entry.reference.url}>\n\n`);
    const rows = summary.layers.map((layer) => [
      layer.name,
      layer.className,
      layer.outputShapes.map((shape) => shape.join('×')).join(', '),
      layer.params.toLocaleString('en-US'),
      layer.macs.toLocaleString('en-US'),
    ]);
    terminal.out(formatTable([['layer', 'type', 'output', 'params', 'MACs'], ...rows], [3, 4]));
    const count = (n: number) => n.toLocaleString('en-US');
    terminal.out(
      `\ninput ${summary.inputShape.join('×')}, ${summary.layers.length} layers\n` +
        `trainable params      ${count(summary.trainable)}\n` +
        `non-trainable params  ${count(summary.nonTrainable)}\n` +
        `total params          ${count(summary.total)}\n` +
        `MACs per image        ${count(summary.macs)} (${formatCount(summary.macs)})\n`,
    );
    return 0;
  },
};

/** The model options the command line sets; options left unset keep the model's defaults. */
function modelOptions(values: OptionValues): ModelOptions {
  const options: ModelOptions = {};
  if (values['input-shape'] !== undefined)
    options.inputShape = parseShape(values['input-shape'] as string);
  if (values['num-classes'] !== undefined) options.numClasses = values['num-classes'] as number;
  if (values.pooling !== undefined) options.pooling = values.pooling as ModelOptions['pooling'];
  if (values.features) options.features = true;
  if (values.shortcut !== undefined) options.shortcut = values.shortcut as ModelOptions['shortcut'];
  if (values['residual-scale'] !== undefined)
    options.residualScale = values['residual-scale'] as ModelOptions['residualScale'];
  if (values.norm !== undefined) options.norm = values.norm as ModelOptions['norm'];
  if (values['zero-init-residual']) options.zeroInitResidual = true;
  if (values['drop-path-rate'] !== undefined)
    options.dropPathRate = values['drop-path-rate'] as number;
  return options;
}

/**
 * Runs `build`, naming the command-line option in a ModelError about a model option
 * (`numClasses` is `--num-classes` here), so the user reads the name they typed.
 */
function withOptionNames<T>(values: OptionValues, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (!isResidualError(error)) throw error;
    // Only the options given: an error lists accepted names too.
    for (const { name } of summaryCommand.options.filter(
      (o) => values[o.name] !== undefined && values[o.name] !== o.default,
    )) {
      const camel = name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
      if (new RegExp(`\\b${camel}\\b`).test(error.message)) {
        throw new UsageError(`summary --${name}: ${error.message}`);
      }
    }
    throw error;
  }
}

function parseShape(text: string): [number, number, number] {
  const parts = text.split(/[,x×]/).map((part) => part.trim());
  if (parts.length !== 3 || parts.some((part) => !/^\d+$/.test(part) || Number(part) < 1)) {
    throw new UsageError(
      `summary --input-shape: expected height,width,channels of positive integers (e.g. 64,64,3), got '${text}'.`,
    );
  }
  return parts.map(Number) as [number, number, number];
}
