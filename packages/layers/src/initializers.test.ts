import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { gptNormalInitializers, heNormalInitializers, layerSeed } from './initializers.js';

describe('heNormalInitializers', () => {
  it('gives the same weights for the same seed and layer name, and differs otherwise', () => {
    const draw = (seed: number, name: string) =>
      Array.from(heNormalInitializers(seed)(name).apply([3, 3, 4, 4]).dataSync());
    expect(draw(1, 'stem_conv')).toEqual(draw(1, 'stem_conv'));
    expect(draw(1, 'stem_conv')).not.toEqual(draw(2, 'stem_conv'));
    expect(draw(1, 'stem_conv')).not.toEqual(draw(1, 'stage1_block1_1_conv'));
  });

  it('has the He standard deviation sqrt(2 / fan_in)', () => {
    const values = heNormalInitializers(5)('c').apply([3, 3, 64, 64]);
    const std = tf.moments(values).variance.sqrt().dataSync()[0];
    // tfjs draws from a normal truncated at 2σ, whose std is 0.88 of the nominal one.
    expect(std).toBeGreaterThan(Math.sqrt(2 / 576) * 0.8);
    expect(std).toBeLessThan(Math.sqrt(2 / 576) * 1.05);
  });

  it('derives 31-bit seeds', () => {
    const seed = layerSeed(123, 'stage3_block9_2_conv');
    expect(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 31).toBe(true);
  });
});

describe('gptNormalInitializers', () => {
  it('draws N(0, (0.02·gain)²), the same for the same seed and name, zeros at gain 0', () => {
    const draw = (seed: number, name: string, gain?: number) =>
      gptNormalInitializers(seed)(name, gain).apply([64, 64]);
    expect(Array.from(draw(1, 'block1_mlp_fc').dataSync())).toEqual(
      Array.from(draw(1, 'block1_mlp_fc').dataSync()),
    );
    expect(Array.from(draw(1, 'block1_mlp_fc').dataSync())).not.toEqual(
      Array.from(draw(1, 'block2_mlp_fc').dataSync()),
    );
    const std = (t: tf.Tensor) => tf.moments(t).variance.sqrt().dataSync()[0];
    expect(Math.abs(std(draw(2, 'a')) / 0.02 - 1)).toBeLessThan(0.03);
    expect(Math.abs(std(draw(2, 'a', 0.25)) / 0.005 - 1)).toBeLessThan(0.03);
    expect(tf.max(tf.abs(draw(2, 'a', 0))).dataSync()[0]).toBe(0);
  });
});
