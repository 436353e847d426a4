import { initBackend } from '@residual/backend';
import { expectNoLeakedTensors, expectTensorsClose } from '@residual/backend/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DropPath, stochasticDepthRate } from './drop-path.js';
import { expectGradientsMatchNumeric, roundTrip } from './test-helpers.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const x = () => tf.randomNormal([64, 2, 2, 3], 0, 1, 'float32', 1);

describe('DropPath', () => {
  it('is the identity at inference', () => {
    const input = x();
    const layer = new DropPath({ rate: 0.5, seed: 1 });
    expectTensorsClose(layer.apply(input) as tf.Tensor, input, { rtol: 0, atol: 0 });
    expectTensorsClose(layer.apply(input, { training: false }) as tf.Tensor, input);
  });

  it('while training drops whole examples and scales the kept ones by 1 / (1 − rate)', async () => {
    const input = x();
    const layer = new DropPath({ rate: 0.25, seed: 2 });
    const y = await expectNoLeakedTensors(
      () => layer.apply(input, { training: true }) as tf.Tensor,
    );
    const ratio = tf.div(y, input).reshape<tf.Tensor2D>([64, 12]).arraySync();
    const kept = ratio.filter((row) => row.every((r) => Math.abs(r - 1 / 0.75) < 1e-5)).length;
    const dropped = ratio.filter((row) => row.every((r) => r === 0)).length;
    expect(kept + dropped).toBe(64);
    expect(dropped).toBeGreaterThan(6); // 16 expected; P(≤ 6) < 0.002
    expect(dropped).toBeLessThan(28);
  });

  it('draws a new mask at each training call, the same sequence for the same seed', () => {
    const masks = (seed: number) => {
      const layer = new DropPath({ rate: 0.5, seed, name: 'drop' });
      const ones = tf.ones([32, 1, 1, 1]);
      return [0, 1].map((_) =>
        Array.from((layer.apply(ones, { training: true }) as tf.Tensor).dataSync()),
      );
    };
    const [first, second] = masks(3);
    expect(first).not.toEqual(second);
    expect(masks(3)).toEqual([first, second]);
    expect(masks(4)[0]).not.toEqual(first);
  });

  it('has the gradient of its maths for a fixed mask (checked numerically)', async () => {
    const input = tf.variable(tf.randomNormal([8, 2, 2, 2], 0, 1, 'float32', 5), true, 'drop_x');
    const probe = tf.randomNormal([8, 2, 2, 2], 0, 1, 'float32', 6);
    // A fresh layer per evaluation replays call 0 of the seeded stream: the same mask.
    const loss = () =>
      (
        new DropPath({ rate: 0.5, seed: 7, name: 'drop' }).apply(input, {
          training: true,
        }) as tf.Tensor
      )
        .mul(probe)
        .sum() as tf.Scalar;
    await expectNoLeakedTensors(() => expectGradientsMatchNumeric(loss, [input], { samples: 16 }));
  });

  it('round-trips with its rate and seed', async () => {
    const input = tf.input({ shape: [2, 2, 3] });
    const layer = new DropPath({ rate: 0.2, seed: 9, name: 'drop' });
    const model = tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor });
    const restored = (await roundTrip(model)).getLayer('drop') as DropPath;
    expect([restored.rate, restored.seed]).toEqual([0.2, 9]);
    expect(restored.computeOutputShape([null, 2, 2, 3])).toEqual([null, 2, 2, 3]);
  });

  it('rejects a rate outside [0, 1)', () => {
    expect(() => new DropPath({ rate: 1, name: 'd' })).toThrow('d: rate must be in [0, 1), got 1.');
  });
});

describe('stochasticDepthRate', () => {
  it('decays linearly from rate / L for the first block to the rate for the last', () => {
    const rates = [0, 1, 2, 3].map((i) => stochasticDepthRate(0.2, i, 4));
    expectTensorsClose(rates, [0.05, 0.1, 0.15, 0.2]);
  });
});
