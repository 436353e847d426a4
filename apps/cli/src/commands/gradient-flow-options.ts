import { TRANSFORMER_RESIDUAL_FORMS } from '@residual/layers';
import { BACKEND_OPTION, type CommandValues, JSON_OPTION } from '../command.js';
import { DATASET_SOURCE_OPTIONS } from '../datasets.js';
import { CHANNELS_OPTION, IMAGE_SIZE_OPTION } from '../image-shape.js';
import { integer, integerList, nameList, number, parsed, text } from '../options.js';
import { UsageError } from '../usage-error.js';

/** `residual gradient-flow`'s options, for image models and the transformer study alike. */
export const GRADIENT_FLOW_OPTIONS = [
  nameList('models', {
    placeholder: 'names',
    description:
      "Comma-separated registry names (see 'residual models'), or one language model (e.g. gpt_char_micro).",
    default: 'cifar_resnet56,cifar_plain56',
  }),
  integerList('depths', {
    placeholder: 'list',
    description: 'Comma-separated depths to build every family of --models at (e.g. 20,56,110).',
    min: 1,
  }),
  text('dataset', {
    placeholder: 'name',
    description:
      "Training images to measure and train on: a name from 'residual datasets' or a folder; for a language model, a text corpus or a UTF-8 file (default: digits, or moby-dick for a language model).",
  }),
  ...DATASET_SOURCE_OPTIONS,
  IMAGE_SIZE_OPTION,
  CHANNELS_OPTION,
  integer('steps', {
    placeholder: 'n',
    description: 'SGD steps (momentum 0.9) per network after the first measurement.',
    default: 0,
    min: 0,
  }),
  integer('batch-size', {
    placeholder: 'n',
    description: 'Images per batch.',
    default: 32,
    min: 1,
  }),
  number('lr', {
    placeholder: 'rate',
    description:
      'Learning rate of the training steps (default: 0.05, SGD; 0.001, AdamW, for a language model).',
    above: 0,
  }),
  nameList('residual-forms', {
    placeholder: 'list',
    description:
      'Language models: comma-separated residual forms to compare (default: pre-ln,post-ln,none,rezero,deepnorm).',
    choices: TRANSFORMER_RESIDUAL_FORMS,
  }),
  parsed(
    'steps-at',
    {
      placeholder: 'depth:steps,…',
      description: 'Language models: steps at some depths instead of --steps, e.g. 96:50.',
    },
    parseStepsAt,
  ),
  integer('warmup', {
    placeholder: 'steps',
    description:
      'Language models: steps of linear learning-rate warm-up before the constant rate (default 0: none, the point of the study; Xiong et al.’s control).',
    min: 0,
  }),
  integer('width', {
    placeholder: 'n',
    description: 'Language models: width of the residual stream (default 64).',
    min: 1,
  }),
  integer('heads', {
    placeholder: 'n',
    description: 'Language models: attention heads per block (default 4).',
    min: 1,
  }),
  integer('context', {
    placeholder: 'n',
    description: 'Language models: tokens per window (default 32).',
    min: 1,
  }),
  integer('seed', {
    placeholder: 'n',
    description: 'Seeds the initial weights and the batch order.',
    default: 0,
  }),
  BACKEND_OPTION,
  text('out', {
    placeholder: 'dir',
    description: 'Where to write the report and chart (default: runs/gradient-flow-<timestamp>).',
  }),
  JSON_OPTION,
] as const;

/** What `residual gradient-flow` receives. */
export type GradientFlowValues = CommandValues<typeof GRADIENT_FLOW_OPTIONS>;

/** `--steps-at 96:50,24:200`: steps per depth, overriding --steps there. */
function parseStepsAt(text: string, where: string): Map<number, number> {
  const map = new Map<number, number>();
  for (const part of text.split(',').map((p) => p.trim())) {
    const match = /^(\d+):(\d+)$/.exec(part);
    if (match === null || Number(match[1]) < 1) {
      throw new UsageError(`${where}: expected depth:steps pairs such as 96:50, got '${part}'.`);
    }
    map.set(Number(match[1]), Number(match[2]));
  }
  return map;
}
