import { initBackend } from '@residual/backend';
import { expectNoLeakedTensors, expectTensorsClose } from '@residual/backend/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { LayerNormalization } from './layer-normalization.js';
import { expectGradientsMatchNumeric, roundTrip } from './test-helpers.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

/** tfjs-layers' own class, which this one replaces in the serialization registry. */
const TfLayerNormalization = Object.getPrototypeOf(LayerNormalization) as typeof LayerNormalization;

function withWeights(layer: tf.layers.Layer, width: number): tf.layers.Layer {
  layer.apply(tf.zeros([1, 1, width]));
  layer.setWeights([
    tf.randomNormal([width], 1, 0.3, 'float32', 3),
    tf.randomNormal([width], 0, 0.3, 'float32', 4),
  ]);
  return layer;
}

describe('LayerNormalization', () => {
  it("computes tfjs-layers' LayerNormalization, without its tiling", async () => {
    const args = { axis: -1, epsilon: 1e-5 };
    const ours = withWeights(new LayerNormalization(args), 16);
    const theirs = withWeights(new TfLayerNormalization(args), 16);
    const x = tf.randomNormal([3, 5, 16], 2, 3, 'float32', 1);
    const y = await expectNoLeakedTensors(() => ours.apply(x) as tf.Tensor);
    expectTensorsClose(y, theirs.apply(x) as tf.Tensor, { rtol: 1e-5, atol: 1e-5 });
    // Mean 0 and variance 1 before γ and β: check against the definition too.
    const plain = new LayerNormalization({ ...args, center: false, scale: false });
    const { mean, variance } = tf.moments(plain.apply(x) as tf.Tensor, -1);
    expectTensorsClose(mean, tf.zeros([3, 5]), { atol: 1e-5 });
    expectTensorsClose(variance, tf.ones([3, 5]), { rtol: 1e-4, atol: 1e-4 });
  });

  it('has the gradients of its maths (checked numerically) and leaks nothing', async () => {
    const layer = withWeights(new LayerNormalization({ axis: -1, epsilon: 1e-5 }), 6);
    const x = tf.variable(tf.randomNormal([2, 3, 6], 0, 1, 'float32', 5), true, 'ln_x');
    const probe = tf.randomNormal([2, 3, 6], 0, 1, 'float32', 6);
    const loss = () => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, probe)) as tf.Scalar;
    const variables = [x, ...layer.trainableWeights.map((w) => w.read() as tf.Variable)];
    await expectNoLeakedTensors(() =>
      expectGradientsMatchNumeric(loss, variables, { epsilon: 5e-3, samples: 12 }),
    );
  });

  it('serializes as the standard Keras class and loads back as this one', async () => {
    const input = tf.input({ shape: [null, 8] });
    const output = new LayerNormalization({ axis: -1, epsilon: 1e-5, name: 'ln' }).apply(input);
    const model = tf.model({ inputs: input, outputs: output as tf.SymbolicTensor });
    const restored = await roundTrip(model);
    expect(restored.getLayer('ln')).toBeInstanceOf(LayerNormalization);
    expect(restored.getLayer('ln').getClassName()).toBe('LayerNormalization');
    const x = tf.randomNormal([2, 4, 8], 0, 1, 'float32', 7);
    expectTensorsClose(restored.predict(x) as tf.Tensor, model.predict(x) as tf.Tensor);
  });
});
