import { initBackend } from '@residual/backend';
import { expectNoLeakedTensors, expectTensorsClose } from '@residual/backend/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { maskCounts, setMaskCounts } from './mask-counts.js';
import { SeededDropout } from './seeded-dropout.js';
import { roundTrip } from './test-helpers.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('SeededDropout', () => {
  it('is the identity at inference and drops rate of the values while training, scaled', async () => {
    const layer = new SeededDropout({ rate: 0.25, seed: 1, name: 'drop' });
    const x = tf.ones([64, 64]);
    expectTensorsClose(layer.apply(x) as tf.Tensor, x);
    const y = await expectNoLeakedTensors(() => layer.apply(x, { training: true }) as tf.Tensor);
    const values = Array.from(y.dataSync());
    const kept = values.filter((v) => v !== 0);
    expect(kept.every((v) => Math.abs(v - 1 / 0.75) < 1e-6)).toBe(true);
    expect(Math.abs(1 - kept.length / values.length - 0.25)).toBeLessThan(0.03);
  });

  it('draws a new mask each step, the same masks run after run', () => {
    const masks = () => {
      const layer = new SeededDropout({ rate: 0.5, seed: 9, name: 'block1_mlp_dropout' });
      const x = tf.ones([8, 8]);
      return [0, 1].map((_) =>
        Array.from((layer.apply(x, { training: true }) as tf.Tensor).dataSync()),
      );
    };
    const [first, second] = masks();
    expect(second).not.toEqual(first);
    expect(masks()).toEqual([first, second]);
  });

  it('rejects a rate outside [0, 1) and round-trips', async () => {
    expect(() => new SeededDropout({ rate: 1, name: 'drop' })).toThrow(
      'drop: dropout rate must be in [0, 1), got 1.',
    );
    const input = tf.input({ shape: [4] });
    const output = new SeededDropout({ rate: 0.1, seed: 2, name: 'drop' }).apply(input);
    const model = tf.model({ inputs: input, outputs: output as tf.SymbolicTensor });
    const restored = await roundTrip(model);
    expect(restored.getLayer('drop').getConfig()).toMatchObject({ rate: 0.1, seed: 2 });
  });
});

describe('maskCounts and setMaskCounts', () => {
  it('resume a model with the masks an uninterrupted run would draw', () => {
    const build = () => {
      const input = tf.input({ shape: [16] });
      const output = new SeededDropout({ rate: 0.5, seed: 4, name: 'drop' }).apply(input);
      return tf.model({ inputs: input, outputs: output as tf.SymbolicTensor });
    };
    const x = tf.ones([4, 16]);
    const step = (model: tf.LayersModel) =>
      Array.from((model.apply(x, { training: true }) as tf.Tensor).dataSync());
    const uninterrupted = build();
    step(uninterrupted);
    const third = [step(uninterrupted), step(uninterrupted)][1];
    const resumed = build();
    setMaskCounts(resumed, maskCounts(uninterrupted));
    expect(maskCounts(resumed)).toEqual({ drop: 3 });
    setMaskCounts(resumed, { drop: 2 });
    expect(step(resumed)).toEqual(third);
    expect(() => setMaskCounts(resumed, { nope: 1 })).toThrow(/no seeded-mask layer named "nope"/);
  });
});
