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
import { type CommandValues, defineCommand, JSON_OPTION } from '../command.js';
import { formatCount, formatTable } from '../format.js';
import { choice, flag, integer, number, parsed } from '../options.js';
import { UsageError } from '../usage-error.js';

const SUMMARY_OPTIONS = [
  JSON_OPTION,
  parsed(
    'input-shape',
    {
      placeholder: 'h,w,c',
      description: "Input image shape, e.g. 64,64,3 (default: the model's).",
    },
    parseShape,
  ),
  integer('num-classes', {
    placeholder: 'n',
    description: "Output classes (default: the model's).",
    min: 1,
  }),
  choice('pooling', {
    placeholder: 'kind',
    description: 'Global pooling before the classifier.',
    choices: POOLINGS,
  }),
  flag('features', { description: "Output every stage's feature map instead of logits." }),
  choice('shortcut', {
    placeholder: 'letter',
    description:
      'Shortcut where a stage changes shape: A zero-pad, B projection, D avg-pool + projection.',
    choices: SHORTCUT_OPTIONS,
  }),
  choice('residual-scale', {
    placeholder: 'kind',
    description: 'Residual branch scaling.',
    choices: RESIDUAL_SCALES,
  }),
  choice('norm', {
    placeholder: 'kind',
    description: "Normalisation; 'none' initialises with Fixup.",
    choices: NORMALIZATIONS,
  }),
  flag('zero-init-residual', { description: 'Start every residual branch at zero.' }),
  number('drop-path-rate', {
    placeholder: 'p',
    description: "Stochastic depth: the last block's drop probability.",
    min: 0,
    below: 1,
  }),
] as const;

type SummaryValues = CommandValues<typeof SUMMARY_OPTIONS>;

export const summaryCommand = defineCommand({
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
  options: SUMMARY_OPTIONS,
  examples: [
    'residual summary resnet50',
    'residual summary cifar_resnet20 --json',
    'residual summary resnet18 --input-shape 64,64,3 --num-classes 10',
    'residual summary resnet50 --features',
  ],
  async run(values, terminal) {
    const name = values.model;
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
});

/** The model options the command line sets; options left unset keep the model's defaults. */
function modelOptions(values: SummaryValues): ModelOptions {
  // Only the options given: a model refuses an option it does not have, even an undefined one.
  const options: ModelOptions = {};
  if (values['input-shape'] !== undefined) options.inputShape = values['input-shape'];
  if (values['num-classes'] !== undefined) options.numClasses = values['num-classes'];
  if (values.pooling !== undefined) options.pooling = values.pooling;
  if (values.features) options.features = true;
  if (values.shortcut !== undefined) options.shortcut = values.shortcut;
  if (values['residual-scale'] !== undefined) options.residualScale = values['residual-scale'];
  if (values.norm !== undefined) options.norm = values.norm;
  if (values['zero-init-residual']) options.zeroInitResidual = true;
  if (values['drop-path-rate'] !== undefined) options.dropPathRate = values['drop-path-rate'];
  return options;
}

/**
 * Runs `build`, naming the command-line option in a ModelError about a model option
 * (`numClasses` is `--num-classes` here), so the user reads the name they typed.
 */
function withOptionNames<T>(values: SummaryValues, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (!isResidualError(error)) throw error;
    // Only the options given: an error lists accepted names too.
    for (const { name } of SUMMARY_OPTIONS.filter(
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

/** `--input-shape 64,64,3` (or 64x64x3): three positive integers. */
function parseShape(text: string, where: string): [number, number, number] {
  const parts = text.split(/[,x×]/).map((part) => part.trim());
  if (parts.length !== 3 || parts.some((part) => !/^\d+$/.test(part) || Number(part) < 1)) {
    throw new UsageError(
      `${where}: expected height,width,channels of positive integers (e.g. 64,64,3), got '${text}'.`,
    );
  }
  const [height, width, channels] = parts.map(Number);
  return [height, width, channels];
}
