import { basicBlock, convBn, heNormalInitializers, relu } from '@residual/layers';
import * as tf from '@tensorflow/tfjs';
import { ModelError } from './model-error.js';
import {
  type CommonModelOptions,
  checkChoice,
  checkInputShape,
  checkNumClasses,
} from './model-options.js';

/** The ResNet paper's CIFAR shortcut options: A zero-pads (no parameters), B projects. */
export type CifarShortcut = 'A' | 'B';
export const CIFAR_SHORTCUTS: readonly CifarShortcut[] = ['A', 'B'];

export interface CifarResNetOptions extends CommonModelOptions {
  /** Shortcut where a stage changes width and resolution. Default 'A' (the paper's CIFAR choice). */
  shortcut?: CifarShortcut;
}

export interface CifarResNetSpec {
  /** Registry name, also the model's name. */
  name: string;
  /** Weighted layers, 6n + 2. */
  depth: number;
  /** false builds the plain counterpart: the same layers without any shortcut. */
  residual: boolean;
}

const STAGE_WIDTHS = [16, 32, 64] as const;

/**
 * The ResNet paper's CIFAR-10 networks (He et al. 2015, §4.2): a 3×3 stem with 16 filters, three
 * stages of n basic blocks with 16, 32 and 64 filters at 32², 16² and 8², global average
 * pooling and a fully connected layer: 6n + 2 weighted layers. Outputs logits.
 */
export function cifarResNet(
  spec: CifarResNetSpec,
  options: CifarResNetOptions = {},
): tf.LayersModel {
  const { name, depth, residual } = spec;
  if ((depth - 2) % 6 !== 0 || depth < 8) {
    throw new ModelError(`${name}: depth must be 6n + 2 with n >= 1, got ${depth}.`);
  }
  const blocksPerStage = (depth - 2) / 6;
  const inputShape = checkInputShape(name, options.inputShape ?? [32, 32, 3]);
  const numClasses = checkNumClasses(name, options.numClasses ?? 10);
  const shortcut = checkChoice(name, 'shortcut', options.shortcut ?? 'A', CIFAR_SHORTCUTS);
  const kernelInitializer = heNormalInitializers(options.seed);

  const input = tf.input({ shape: [...inputShape], name: 'input' });
  let x = convBn(input, {
    filters: STAGE_WIDTHS[0],
    kernelSize: 3,
    name: 'stem',
    kernelInitializer,
  });
  x = relu(x, 'stem_relu');
  STAGE_WIDTHS.forEach((filters, stage) => {
    for (let block = 0; block < blocksPerStage; block++) {
      x = basicBlock(x, {
        filters,
        strides: stage > 0 && block === 0 ? 2 : 1,
        shortcut: residual ? (shortcut === 'A' ? 'zero-pad' : 'projection') : null,
        name: `stage${stage + 1}_block${block + 1}`,
        kernelInitializer,
      });
    }
  });
  x = tf.layers.globalAveragePooling2d({ name: 'avg_pool' }).apply(x) as tf.SymbolicTensor;
  const logits = tf.layers
    .dense({ units: numClasses, kernelInitializer: kernelInitializer('logits'), name: 'logits' })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name });
}
