import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { expectNoLeakedTensors } from './expect-no-leaked-tensors.js';
import { expectTensorsClose } from './expect-tensors-close.js';

describe('expectTensorsClose', () => {
  it('accepts values within tolerance and names the worst element otherwise', () => {
    expectTensorsClose(tf.tensor([1, 2, 3]), [1, 2.000001, 3]);
    expect(() => expectTensorsClose(tf.tensor([1, 2, 3]), [1, 2.1, 3])).toThrow(
      /flat index 1: actual 2, expected 2.1/,
    );
    expectTensorsClose([100], [101], { rtol: 0.01 });
  });

  it('rejects different shapes and NaN against a number', () => {
    expect(() => expectTensorsClose(tf.zeros([2, 2]), tf.zeros([4]))).toThrow(/Shapes differ/);
    expect(() => expectTensorsClose([Number.NaN], [1])).toThrow(/differ/);
    expectTensorsClose([Number.NaN], [Number.NaN]);
  });
});

describe('expectNoLeakedTensors', () => {
  it('passes when only returned tensors survive', async () => {
    const result = await expectNoLeakedTensors(() => tf.tidy(() => tf.ones([2]).add(1)));
    expect(result.shape).toEqual([2]);
    result.dispose();
  });

  it('fails when a tensor is left behind', async () => {
    let leaked: tf.Tensor | undefined;
    await expect(
      expectNoLeakedTensors(() => {
        leaked = tf.ones([3]);
        return 1;
      }),
    ).rejects.toThrow(/Leaked 1 tensor/);
    leaked?.dispose();
  });
});
