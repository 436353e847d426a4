import { initBackend } from '@residual/backend';
import { expectNoLeakedTensors } from '@residual/backend/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Accuracy } from './accuracy.js';
import { TopKAccuracy } from './top-k-accuracy.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

// Rows chosen for their ties: (label, scores).
const LABELS = [2, 1, 0, 3];
const SCORES = [
  [1, 3, 3, 0], // true class tied for first with class 1
  [3, 3, 3, 3], // every class tied
  [5, 5, 1, 0], // true class tied for first with class 1, and it has the lower index
  [0, 1, 2, Number.NaN], // true class scored NaN
];

function topK(k: number, ties?: 'lower-index' | 'pessimistic'): number {
  const metric = new TopKAccuracy(k, { ties });
  metric.update(LABELS, SCORES);
  return metric.result();
}

describe('TopKAccuracy', () => {
  it('breaks ties toward the lower class index by default, as argmax and tf.topk do', () => {
    // ranks of the true class: 1 (class 1 first), 1 (class 0 first), 0, never (NaN)
    expect([1, 2, 3, 4].map((k) => topK(k))).toEqual([1 / 4, 3 / 4, 3 / 4, 3 / 4]);
  });

  it('ranks every tied class first when ties are pessimistic', () => {
    // ranks: 1, 3, 1, never
    expect([1, 2, 3, 4].map((k) => topK(k, 'pessimistic'))).toEqual([0, 2 / 4, 2 / 4, 3 / 4]);
  });

  it('gives top-1 accuracy equal to Accuracy on tied scores', async () => {
    const scores = tf.tensor2d(SCORES.slice(0, 3));
    const labels = tf.tensor1d(LABELS.slice(0, 3), 'int32');
    const top1 = new TopKAccuracy(1);
    const accuracy = new Accuracy();
    await expectNoLeakedTensors(() => {
      top1.update(labels, scores);
      accuracy.update(labels, scores);
    });
    expect(top1.result()).toBe(accuracy.result());
    tf.dispose([scores, labels]);
  });

  it('accumulates over batches', () => {
    const metric = new TopKAccuracy(2);
    expect(metric.result()).toBeNaN();
    metric.update(LABELS.slice(0, 1), SCORES.slice(0, 1));
    metric.update(LABELS.slice(1), SCORES.slice(1));
    expect(metric.result()).toBe(3 / 4);
    expect(metric.count).toBe(4);
    metric.reset();
    expect(metric.count).toBe(0);
  });

  it('rejects a bad k, tie rule, label or batch', () => {
    expect(() => new TopKAccuracy(0)).toThrow('Top-k accuracy needs a positive integer k, got 0.');
    expect(() => new TopKAccuracy(2, { ties: 'random' as never })).toThrow(
      "Top-k ties must be one of lower-index, pessimistic, got 'random'.",
    );
    expect(() => new TopKAccuracy(1).update([4], [[1, 2, 3, 4]])).toThrow(
      'Label 4 at 0 is outside the 4 classes.',
    );
    expect(() => new TopKAccuracy(1).update([0, 1], [[1, 2]])).toThrow(
      '2 labels for 1 predictions.',
    );
  });
});
