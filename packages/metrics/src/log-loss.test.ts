import { initBackend } from '@residual/backend';
import { expectNoLeakedTensors } from '@residual/backend/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { LogLoss } from './log-loss.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('LogLoss', () => {
  it('is the mean negative log softmax of the true class, over batches', async () => {
    const loss = new LogLoss();
    expect(loss.result()).toBeNaN();
    const logits = tf.tensor2d([[0, 0]]);
    await expectNoLeakedTensors(() => loss.update([0], logits)); // softmax [1/2, 1/2]: ln 2
    loss.update([1], [[Math.log(3), 0]]); // softmax [3/4, 1/4]: ln 4
    expect(loss.result()).toBeCloseTo((Math.log(2) + Math.log(4)) / 2, 6);
    expect(loss.count).toBe(2);
    logits.dispose();
  });

  it('stays finite for large logits (log-sum-exp)', () => {
    const loss = new LogLoss();
    loss.update(
      [1, 0],
      [
        [1000, 0],
        [1000, 0],
      ],
    );
    expect(loss.result()).toBeCloseTo(500, 9); // (1000 + 0) / 2
  });

  it('takes probabilities, clipping a zero at epsilon', () => {
    const loss = new LogLoss({ from: 'probabilities' });
    loss.update(
      [0, 1],
      [
        [0.25, 0.75],
        [1, 0],
      ],
    );
    expect(loss.result()).toBeCloseTo((-Math.log(0.25) - Math.log(1e-15)) / 2, 6);
  });

  it('matches tf.losses.softmaxCrossEntropy to float32 precision', () => {
    const logits = tf.tensor2d([
      [1.5, -0.3, 2.2],
      [0.1, 0.2, 0.3],
      [-4, 8, 1],
    ]);
    const labels = [2, 0, 1];
    const loss = new LogLoss();
    loss.update(labels, logits);
    const reference = tf.tidy(() =>
      tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(labels, 'int32'), 3), logits).dataSync(),
    )[0];
    expect(Math.abs(loss.result() - reference)).toBeLessThan(1e-6);
    logits.dispose();
  });

  it('rejects logits passed as probabilities, naming the row', () => {
    expect(() =>
      new LogLoss({ from: 'probabilities' }).update(
        [0, 0],
        [
          [0.5, 0.5],
          [2, 1],
        ],
      ),
    ).toThrow("Probability row 1 sums to 3, not 1; pass { from: 'logits' } for logits.");
    expect(() => new LogLoss({ from: 'odds' as never })).toThrow(
      "Scores must be one of logits, probabilities, got 'odds'.",
    );
  });
});
