import { initBackend } from '@residual/backend';
import { expectNoLeakedTensors } from '@residual/backend/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Accuracy } from './accuracy.js';
import { ConfusionMatrix } from './confusion-matrix.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('Accuracy', () => {
  it('accumulates over batches of logits', async () => {
    const accuracy = new Accuracy();
    expect(accuracy.result()).toBeNaN();
    const labels = tf.tensor1d([0, 1], 'int32');
    const logits = tf.tensor2d([
      [2, 1],
      [3, 0],
    ]);
    await expectNoLeakedTensors(() => {
      accuracy.update(labels, logits);
      accuracy.update([1, 1, 0], [1, 0, 0]);
    });
    // batch 1: 1 of 2 right; batch 2: 2 of 3 right
    expect(accuracy.result()).toBe(3 / 5);
    expect(accuracy.count).toBe(5);
  });

  it('rejects batches whose sizes disagree', () => {
    expect(() => new Accuracy().update([1, 2], [1])).toThrow('2 labels for 1 predictions.');
  });
});

describe('ConfusionMatrix', () => {
  it('counts true class by predicted class, including classes never seen', () => {
    const matrix = new ConfusionMatrix(3);
    matrix.update(
      [0, 0, 1, 1],
      tf.tensor2d([
        [5, 1, 0],
        [0, 2, 1],
        [0, 9, 1],
        [1, 0, 0],
      ]),
    );
    matrix.update([1], [1]);
    expect(matrix.counts()).toEqual([
      [1, 1, 0],
      [1, 2, 0],
      [0, 0, 0],
    ]);
    expect(matrix.total()).toBe(5);
    expect(matrix.accuracy()).toBe(3 / 5);
    expect(JSON.parse(JSON.stringify(matrix))).toEqual({ numClasses: 3, counts: matrix.counts() });
  });

  it('rejects a label outside its classes', () => {
    expect(() => new ConfusionMatrix(3).update([3], [0])).toThrow(
      'Label 3 at 0 is outside the 3 classes.',
    );
  });
});
