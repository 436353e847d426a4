import { initBackend } from '@residual/backend';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { maskCounts, restoreMaskCounts } from './mask-counts.js';

/** Stands in for a seeded-mask layer: it counts its training calls in `trainingCalls`. */
class CountingLayer extends tf.layers.Layer {
  static className = 'CountingLayerForTests';
  trainingCalls = 0;
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    if (kwargs.training) this.trainingCalls++;
    return Array.isArray(inputs) ? inputs[0] : inputs;
  }
}

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

function model(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.dense({ units: 2, inputShape: [2], name: 'dense' }),
      new CountingLayer({ name: 'drop' }),
    ],
  });
}

describe('maskCounts', () => {
  it('reads the training calls of counting layers and restores them into a fresh model', () => {
    const trained = model();
    const x = tf.ones([1, 2]);
    for (let i = 0; i < 3; i++) tf.dispose(trained.apply(x, { training: true }) as tf.Tensor);
    tf.dispose(trained.apply(x) as tf.Tensor);
    expect(maskCounts(trained)).toEqual({ drop: 3 });
    const fresh = model();
    restoreMaskCounts(fresh, maskCounts(trained), 'ckpt');
    expect(maskCounts(fresh)).toEqual({ drop: 3 });
    expect(() => restoreMaskCounts(fresh, { other: 1 }, 'ckpt')).toThrow(
      'ckpt does not fit the model: it counts 1 masks of layer other, which the model has no seeded masks for.',
    );
    x.dispose();
  });
});
