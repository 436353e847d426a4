import type * as tf from '@tensorflow/tfjs';
import { ModelError } from './model-error.js';
import type { CommonModelOptions, ModelOptions } from './model-options.js';

/** Where a registered architecture comes from. */
export interface ModelReference {
  /** Paper or library, e.g. "He et al. 2015, Deep Residual Learning for Image Recognition". */
  title: string;
  url: string;
  /** What exactly the entry reproduces, e.g. "Table 6, option A". */
  detail?: string;
}

export type ModelTask = 'image-classification' | 'semantic-segmentation' | 'language-model';

/** One registered architecture: how to build it and what it is held to. */
export interface ModelEntry<Options extends CommonModelOptions = CommonModelOptions> {
  name: string;
  /** Family name, e.g. `resnet`, `cifar_resnet` or `cifar_plain`. */
  family: string;
  description: string;
  /**
   * What the model reads: 'image-classification' (default) takes images
   * [batch, ...defaultInputShape] and outputs [batch, classes] logits; 'language-model' takes
   * int32 token ids [batch, length ≤ defaultInputShape[0]] and outputs next-token logits
   * [batch, length, vocabulary]; 'semantic-segmentation' takes images and outputs per-pixel
   * logits [batch, height, width, classes] at the input's size (FCN and DeepLabv3 with their
   * auxiliary head: a second output of the same shape).
   */
  task?: ModelTask;
  /** [height, width, channels] for images; [context length] for language models. */
  defaultInputShape: readonly number[];
  /** Classes, or the vocabulary size of a language model. */
  defaultNumClasses: number;
  /** Trainable parameters at the default input shape and classes, as PyTorch counts them. */
  trainableParams: number;
  /** Trainable plus non-trainable (batch-norm moving statistics), as Keras counts them. */
  totalParams: number;
  /**
   * Multiply-accumulates per image (per sequence of the full context, for a language model)
   * at the default input shape: convolutions and fully connected layers, as torchvision's
   * "GFLOPS" column counts them, plus attention's products (see `countMacs`).
   */
  macs: number;
  reference: ModelReference;
  /** Options this entry understands, beyond the common ones. */
  options: readonly string[];
  build(options: Options): tf.LayersModel;
}

const registry = new Map<string, ModelEntry>();

/** Adds an architecture to the registry; a name can be registered once. */
export function registerModel<Options extends CommonModelOptions>(
  entry: ModelEntry<Options>,
): void {
  if (registry.has(entry.name)) {
    throw new ModelError(`A model named "${entry.name}" is already registered.`);
  }
  registry.set(entry.name, entry as unknown as ModelEntry);
}

/** Every registered architecture, in registration order. */
export function listModels(): ModelEntry[] {
  return [...registry.values()];
}

/** The registry entry for `name`. @throws ModelError naming the known models. */
export function getModelEntry(name: string): ModelEntry {
  const entry = registry.get(name);
  if (entry === undefined) {
    throw new ModelError(`Unknown model "${name}". Known: ${[...registry.keys()].join(', ')}.`);
  }
  return entry;
}

/**
 * Builds the registered architecture `name` with fresh (seeded, when `options.seed` is set)
 * weights. @throws ModelError for an unknown name, option or option value.
 */
export function createModel(name: string, options: ModelOptions = {}): tf.LayersModel {
  const entry = getModelEntry(name);
  // A language model's input and output sizes are its context and vocabulary options.
  const common = entry.task === 'language-model' ? ['seed'] : ['inputShape', 'numClasses', 'seed'];
  const accepted = [...common, ...entry.options];
  for (const key of Object.keys(options)) {
    if (!accepted.includes(key)) {
      throw new ModelError(`${name}: unknown option "${key}". Accepted: ${accepted.join(', ')}.`);
    }
  }
  try {
    return entry.build(options);
  } catch (error) {
    // tfjs-layers walks a functional graph recursively when it builds the model. Our blocks
    // keep that walk on the residual stream (see addResidual in @residual/layers), so even
    // cifar_resnet1202 under Fixup fits Node's default stack (~1 MB); a network deeper still
    // can outgrow it, which V8 reports as a RangeError.
    if (error instanceof RangeError && /Maximum call stack size exceeded/.test(error.message)) {
      throw new ModelError(
        `${name}: building its graph overflowed the JavaScript stack (tfjs-layers walks the graph recursively); in Node.js, run with a larger stack: node --stack-size=4000 …`,
        { cause: error },
      );
    }
    throw error;
  }
}
