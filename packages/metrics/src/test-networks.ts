import * as tf from '@tensorflow/tfjs';

export interface TinyNetworkOptions {
  /** Add the block input to the branch (a residual network) or not (a plain one). */
  residual: boolean;
  blocks: number;
  seed: number;
  /** Initialise the γ of each branch's last batch norm to zero (Goyal et al. 2017). */
  zeroGamma?: boolean;
}

/**
 * A small CIFAR-style network for tests, built from tfjs layers (the metrics package does not
 * depend on @residual/models): a 3×3 stem, `blocks` basic blocks of width 4 on 6×6×3 inputs,
 * global average pooling and 3 logits. Layers are named as in @residual/layers.
 */
export function tinyNetwork(options: TinyNetworkOptions): tf.LayersModel {
  let seed = options.seed;
  const conv = (x: tf.SymbolicTensor, name: string) =>
    tf.layers
      .conv2d({
        filters: 4,
        kernelSize: 3,
        padding: 'same',
        useBias: false,
        kernelInitializer: tf.initializers.heNormal({ seed: seed++ }),
        name,
      })
      .apply(x) as tf.SymbolicTensor;
  const bn = (x: tf.SymbolicTensor, name: string, zeroGamma = false) =>
    tf.layers
      .batchNormalization({ name, gammaInitializer: zeroGamma ? 'zeros' : 'ones' })
      .apply(x) as tf.SymbolicTensor;
  const relu = (x: tf.SymbolicTensor, name: string) =>
    tf.layers.reLU({ name }).apply(x) as tf.SymbolicTensor;

  const input = tf.input({ shape: [6, 6, 3], name: 'input' });
  let x = relu(bn(conv(input, 'stem_conv'), 'stem_bn'), 'stem_relu');
  for (let b = 1; b <= options.blocks; b++) {
    const name = `block${b}`;
    let branch = relu(bn(conv(x, `${name}_1_conv`), `${name}_1_bn`), `${name}_1_relu`);
    branch = bn(conv(branch, `${name}_2_conv`), `${name}_2_bn`, options.zeroGamma);
    if (options.residual) {
      branch = tf.layers.add({ name: `${name}_add` }).apply([branch, x]) as tf.SymbolicTensor;
    }
    x = relu(branch, `${name}_out`);
  }
  x = tf.layers.globalAveragePooling2d({ name: 'avg_pool' }).apply(x) as tf.SymbolicTensor;
  const logits = tf.layers
    .dense({
      units: 3,
      kernelInitializer: tf.initializers.heNormal({ seed: seed++ }),
      name: 'logits',
    })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({
    inputs: input,
    outputs: logits,
    name: options.residual ? 'tiny_resnet' : 'tiny_plain',
  });
}

/** A seeded batch of `size` random 6×6×3 images with labels 0, 1, 2, 0, … */
export function tinyBatch(
  size: number,
  seed: number,
): { images: tf.Tensor4D; labels: tf.Tensor1D } {
  return {
    images: tf.randomNormal([size, 6, 6, 3], 0, 1, 'float32', seed),
    labels: tf.tensor1d(
      Array.from({ length: size }, (_, i) => i % 3),
      'int32',
    ),
  };
}
