import { initBackend } from '@residual/backend';
import { expectNoLeakedTensors, expectTensorsClose } from '@residual/backend/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ChannelScale } from './channel-scale.js';
import { expectGradientsMatchNumeric, roundTrip } from './test-helpers.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('ChannelScale', () => {
  it('multiplies each channel by its own factor, all starting at initialValue', () => {
    const layer = new ChannelScale({ initialValue: 1e-4, name: 'scale' });
    const x = tf.randomNormal([2, 3, 5], 0, 1, 'float32', 1);
    expectTensorsClose(layer.apply(x) as tf.Tensor, tf.mul(x, 1e-4));
    expect(layer.countParams()).toBe(5);
    layer.setWeights([tf.tensor1d([1, 2, 3, 4, 5])]);
    expectTensorsClose(layer.apply(x) as tf.Tensor, tf.mul(x, tf.tensor1d([1, 2, 3, 4, 5])));
  });

  it('has the gradients of its maths (checked numerically) and round-trips', async () => {
    const layer = new ChannelScale({ initialValue: 0.5, name: 'scale' });
    const x = tf.variable(tf.randomNormal([2, 3, 4], 0, 1, 'float32', 2), true, 'scale_x');
    const probe = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 3);
    const loss = () => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, probe)) as tf.Scalar;
    tf.dispose(loss());
    const variables = [x, layer.trainableWeights[0].read() as tf.Variable];
    await expectNoLeakedTensors(() => expectGradientsMatchNumeric(loss, variables));
    const input = tf.input({ shape: [null, 4] });
    const model = tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor });
    const restored = await roundTrip(model);
    expect(restored.getLayer('scale').getConfig().initialValue).toBe(0.5);
    expectTensorsClose(restored.predict(x) as tf.Tensor, model.predict(x) as tf.Tensor);
  });
});
