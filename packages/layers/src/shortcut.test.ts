import { expectTensorsClose } from '@residual/backend/testing';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { heNormalInitializers } from './initializers.js';
import { shortcut } from './shortcut.js';

describe('zero-pad shortcut (option A)', () => {
  it('equals x[:, ::2, ::2, :] with zero channels padded on both sides', () => {
    const input = tf.input({ shape: [5, 5, 4] });
    const output = shortcut(input, {
      kind: 'zero-pad',
      filters: 8,
      strides: 2,
      name: 's',
      kernelInitializer: heNormalInitializers(0),
    });
    const model = tf.model({ inputs: input, outputs: output });
    expect(model.countParams()).toBe(0);
    const x = tf.randomNormal([2, 5, 5, 4], 0, 1, 'float32', 9);
    const subsampled = tf.stridedSlice(x, [0, 0, 0, 0], [2, 5, 5, 4], [1, 2, 2, 1]);
    const expected = tf.pad(subsampled, [
      [0, 0],
      [0, 0],
      [0, 0],
      [2, 2],
    ]);
    expectTensorsClose(model.predict(x) as tf.Tensor, expected, { rtol: 0, atol: 0 });
  });

  it('refuses an identity shortcut across a shape change', () => {
    const input = tf.input({ shape: [8, 8, 16] });
    expect(() =>
      shortcut(input, {
        kind: 'identity',
        filters: 32,
        strides: 2,
        name: 'stage2_block1_shortcut',
        kernelInitializer: heNormalInitializers(0),
      }),
    ).toThrow(/stage2_block1_shortcut: an identity shortcut needs stride 1 and equal channels/);
  });
});
