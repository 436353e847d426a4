import { Rng } from '@residual/backend';
import type { ImageSplit } from '@residual/datasets';
import * as tf from '@tensorflow/tfjs';

/**
 * A tiny two-class image set the tests can learn in a few steps: class 0 has its ink in the
 * left half of an 8×8 image, class 1 in the right half, plus noise.
 */
export function halvesSplit(count: number, seed: number): ImageSplit {
  const rng = new Rng(seed);
  const images = new Uint8Array(count * 64);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    labels[n] = n % 2;
    for (let i = 0; i < 64; i++) {
      const left = i % 8 < 4;
      const ink = left === (labels[n] === 0) ? 150 : 0;
      images[n * 64 + i] = Math.min(255, ink + rng.nextInt(100));
    }
  }
  return { images, labels, count, imageShape: [8, 8, 1] };
}

/** A small conv net with batch norm, seeded; its layer names are fixed, as a registry model's are. */
export function smallConvNet(seed: number, filters = 4): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [8, 8, 1],
        filters,
        kernelSize: 3,
        padding: 'same',
        name: 'conv',
        kernelInitializer: tf.initializers.heNormal({ seed }),
      }),
      tf.layers.batchNormalization({ name: 'bn' }),
      tf.layers.reLU(),
      // Flatten, not global pooling: the classes differ by where the ink is.
      tf.layers.flatten(),
      tf.layers.dense({
        units: 2,
        name: 'logits',
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
      }),
    ],
  });
}

/**
 * A tiny language model with the registry's contract (int32 tokens [batch, context] → logits
 * [batch, context, vocab]): an embedding, then a dense layer at every position. It learns
 * bigram statistics, which is enough to test training, resume and sampling.
 */
export function tinyLanguageModel(
  seed: number,
  vocabSize: number,
  context: number,
): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.embedding({
        inputDim: vocabSize,
        outputDim: 8,
        inputLength: context,
        name: 'token_embedding',
        embeddingsInitializer: tf.initializers.randomNormal({ stddev: 0.02, seed }),
      }),
      tf.layers.dense({
        units: vocabSize,
        name: 'logits',
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
      }),
    ],
  });
}

/** A text with strong bigram structure: repeated words over a small alphabet. */
export function tinyCorpus(length: number, seed: number): Int32Array {
  const rng = new Rng(seed);
  const words = [
    [0, 1, 2],
    [3, 4],
    [5, 6, 7, 8],
    [9, 1],
  ];
  const tokens = new Int32Array(length);
  let i = 0;
  while (i < length) {
    for (const token of words[rng.nextInt(words.length)]) if (i < length) tokens[i++] = token;
    if (i < length) tokens[i++] = 10;
  }
  return tokens;
}

/**
 * A tiny fully-convolutional residual network for segmentation tests, seeded: a 3×3 stem at
 * full resolution, a stride-2 convolution, one residual block at half resolution (two 3×3
 * convolutions with batch norm around an identity shortcut), upsampling added back to the stem
 * (a skip connection), a 3×3 convolution and a 1×1 head of per-pixel logits
 * [batch, size, size, classes]. With `aux`, a second output like FCN's and DeepLab's auxiliary
 * head: logits from the half-resolution block, which the loss upsamples.
 */
export function tinySegmenter(
  seed: number,
  options: { size: number; classes: number; aux?: boolean; filters?: number },
): tf.LayersModel {
  const { size, classes, filters = 16 } = options;
  let id = 0;
  const conv = (kernelSize: number, units: number, name: string, strides = 1) =>
    tf.layers.conv2d({
      filters: units,
      kernelSize,
      strides,
      padding: 'same',
      name,
      kernelInitializer: tf.initializers.heNormal({ seed: seed + id++ }),
    });
  // Batch-norm momentum 0.9 (PyTorch's 0.1): the moving statistics settle within a short test.
  const normalized = (x: tf.SymbolicTensor, name: string) =>
    tf.layers
      .batchNormalization({ name: `${name}_bn`, momentum: 0.9 })
      .apply(x) as tf.SymbolicTensor;
  const convBnRelu = (x: tf.SymbolicTensor, name: string, strides = 1) =>
    tf.layers
      .reLU()
      .apply(
        normalized(conv(3, filters, name, strides).apply(x) as tf.SymbolicTensor, name),
      ) as tf.SymbolicTensor;
  const input = tf.input({ shape: [size, size, 3] });
  const stem = convBnRelu(input, 'stem');
  const down = convBnRelu(stem, 'down', 2);
  const branch = normalized(
    conv(3, filters, 'block_conv2').apply(convBnRelu(down, 'block_conv1')) as tf.SymbolicTensor,
    'block_conv2',
  );
  const block = tf.layers.reLU().apply(tf.layers.add().apply([down, branch])) as tf.SymbolicTensor;
  const up = tf.layers.upSampling2d({ size: [2, 2], name: 'up' }).apply(block) as tf.SymbolicTensor;
  const merged = convBnRelu(tf.layers.add().apply([stem, up]) as tf.SymbolicTensor, 'merge');
  const main = conv(1, classes, 'head').apply(merged) as tf.SymbolicTensor;
  if (!options.aux) return tf.model({ inputs: input, outputs: main, name: 'tiny_segmenter' });
  const aux = conv(1, classes, 'aux_head').apply(block) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: [main, aux], name: 'tiny_segmenter_aux' });
}
