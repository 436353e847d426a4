// Loading by Keras name into a small model named as our ResNets are: the name mapping, strict
// refusal in one line, and the report of a non-strict load.
import { initBackend } from '@residual/backend';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { importKerasWeights, KERAS_RESNET_BN_EPSILON } from './import-keras-weights.js';
import { InteropError } from './interop-error.js';
import { kerasLayerName } from './keras-layer-names.js';
import type { SourceTensor, StateDict } from './source-tensor.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** stem conv → one block's projection and BN → classifier, named as resnet50v2's layers. */
function smallModel(): tf.LayersModel {
  const input = tf.input({ shape: [4, 4, 3] });
  let x = tf.layers.conv2d({ filters: 2, kernelSize: 1, name: 'stem_conv' }).apply(input);
  x = tf.layers.batchNormalization({ epsilon: 1e-5, name: 'stage1_block1_preact_bn' }).apply(x);
  x = tf.layers.conv2d({ filters: 2, kernelSize: 1, name: 'stage1_block1_shortcut_conv' }).apply(x);
  x = tf.layers.globalAveragePooling2d({ name: 'avg_pool' }).apply(x);
  const y = tf.layers.dense({ units: 2, name: 'logits' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: y, name: 'small' });
}

function tensor(shape: number[], start: number): SourceTensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return {
    shape,
    dtype: 'float32',
    data: Float32Array.from({ length: size }, (_, i) => start + i),
  };
}

function kerasWeights(): StateDict {
  return new Map([
    ['conv1_conv/kernel', tensor([1, 1, 3, 2], 1)],
    ['conv1_conv/bias', tensor([2], 10)],
    ['conv2_block1_preact_bn/gamma', tensor([2], 20)],
    ['conv2_block1_preact_bn/beta', tensor([2], 30)],
    ['conv2_block1_preact_bn/moving_mean', tensor([2], 40)],
    // Small variances, where Keras' larger epsilon shows in float32.
    [
      'conv2_block1_preact_bn/moving_variance',
      { shape: [2], dtype: 'float32', data: Float32Array.of(1e-4, 2e-4) },
    ],
    ['conv2_block1_0_conv/kernel', tensor([1, 1, 2, 2], 60)],
    ['conv2_block1_0_conv/bias', tensor([2], 70)],
    ['predictions/kernel', tensor([2, 2], 80)],
    ['predictions/bias', tensor([2], 90)],
  ]);
}

describe('kerasLayerName', () => {
  it('maps our stage/block names to Keras applications names', () => {
    expect(kerasLayerName('stem_conv')).toBe('conv1_conv');
    expect(kerasLayerName('stage3_block6_2_bn')).toBe('conv4_block6_2_bn');
    expect(kerasLayerName('stage1_block1_shortcut_conv')).toBe('conv2_block1_0_conv');
    expect(kerasLayerName('post_bn')).toBe('post_bn');
    expect(kerasLayerName('logits')).toBe('predictions');
  });
});

describe('importKerasWeights', () => {
  it('loads every weight by its Keras name, absorbing the epsilon difference', () => {
    const model = smallModel();
    const report = importKerasWeights(model, kerasWeights(), { fileName: 'w.h5' });
    expect(report.loaded).toHaveLength(10);
    expect(report.missing).toEqual([]);
    const byName = new Map(model.weights.map((w) => [w.originalName, w.read().arraySync()]));
    expect(byName.get('stem_conv/bias')).toEqual([10, 11]);
    expect(byName.get('logits/kernel')).toEqual([
      [80, 81],
      [82, 83],
    ]);
    const variance = byName.get('stage1_block1_preact_bn/moving_variance') as number[];
    const offset = KERAS_RESNET_BN_EPSILON - 1e-5;
    expect(variance[0]).toBe(Math.fround(Math.fround(1e-4) + offset));
    expect(variance[0]).not.toBe(Math.fround(1e-4));
    model.dispose();
  });

  it('refuses, in one line naming the file, weights that do not fit, and loads nothing', () => {
    const model = smallModel();
    const before = model.getWeights()[0].arraySync();
    const weights = kerasWeights();
    weights.delete('predictions/bias');
    weights.set('conv5_block3_3_conv/kernel', tensor([1], 0));
    weights.set('conv1_conv/kernel', tensor([7, 7, 3, 64], 0));
    expect(() => importKerasWeights(model, weights, { fileName: 'other.h5' })).toThrow(
      new InteropError(
        'other.h5: does not fit model small: 1 missing (predictions/bias); ' +
          '1 unexpected (conv5_block3_3_conv/kernel); ' +
          '1 wrongly shaped (conv1_conv/kernel [1, 1, 3, 2] vs file [7, 7, 3, 64]); ' +
          'pass strict: false to load what fits.',
      ),
    );
    expect(model.getWeights()[0].arraySync()).toEqual(before);
    model.dispose();
  });

  it('with strict: false loads what fits and reports the rest', () => {
    const model = smallModel();
    const weights = kerasWeights();
    weights.delete('predictions/bias');
    weights.set('extra/kernel', tensor([1], 0));
    const report = importKerasWeights(model, weights, { fileName: 'w.h5', strict: false });
    expect(report.loaded).toHaveLength(9);
    expect(report.missing).toEqual(['predictions/bias']);
    expect(report.unexpected).toEqual(['extra/kernel']);
    expect(report.mismatched).toEqual([]);
    model.dispose();
  });
});
