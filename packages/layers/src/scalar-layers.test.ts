import { initBackend } from '@residual/backend';
import { expectNoLeakedTensors, expectTensorsClose } from '@residual/backend/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ScalarBias } from './scalar-bias.js';
import { ScalarMultiply } from './scalar-multiply.js';
import { expectGradientsMatchNumeric, roundTrip } from './test-helpers.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const layers = {
  ScalarMultiply: () => new ScalarMultiply({ initialValue: 0.5, name: 'scalar' }),
  ScalarBias: () => new ScalarBias({ name: 'scalar' }),
};

describe.each(Object.entries(layers))('%s', (className, create) => {
  it('holds one parameter whatever the input, and keeps the shape', () => {
    const layer = create();
    const x = tf.randomNormal([2, 3, 3, 5], 0, 1, 'float32', 1);
    const y = layer.apply(x) as tf.Tensor;
    expect(layer.countParams()).toBe(1);
    expect(layer.getClassName()).toBe(className);
    expect(y.shape).toEqual(x.shape);
    expect(layer.computeOutputShape([null, 3, 3, 5])).toEqual([null, 3, 3, 5]);
  });

  it('has the gradients of its maths (checked numerically) and leaks nothing', async () => {
    const layer = create();
    const x = tf.variable(
      tf.randomNormal([2, 2, 2, 3], 0, 1, 'float32', 2),
      true,
      `x_${className}`,
    );
    const probe = tf.randomNormal([2, 2, 2, 3], 0, 1, 'float32', 3);
    const loss = () => (layer.apply(x) as tf.Tensor).mul(probe).sum() as tf.Scalar;
    tf.dispose(loss());
    const variables = [x, layer.trainableWeights[0].read() as tf.Variable];
    await expectNoLeakedTensors(() => expectGradientsMatchNumeric(loss, variables));
  });

  it('round-trips through model.toJSON() and tf.models.modelFromJSON', async () => {
    const input = tf.input({ shape: [4] });
    const model = tf.model({ inputs: input, outputs: create().apply(input) as tf.SymbolicTensor });
    model.setWeights([tf.scalar(0.25)]);
    const restored = await roundTrip(model);
    expect(restored.getLayer('scalar').getClassName()).toBe(className);
    const x = tf.tensor2d([[1, -2, 3, 0]]);
    expectTensorsClose(restored.predict(x) as tf.Tensor, model.predict(x) as tf.Tensor);
    // Its one-element weight of shape [] survives the weights file too.
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved as tf.io.ModelArtifacts));
    expectTensorsClose(loaded.getLayer('scalar').getWeights()[0], tf.scalar(0.25));
  });
});

describe('ScalarMultiply', () => {
  it('starts at 0 by default, silencing its input (ReZero, SkipInit)', () => {
    const layer = new ScalarMultiply();
    const y = layer.apply(tf.ones([2, 3])) as tf.Tensor;
    expectTensorsClose(y, tf.zeros([2, 3]));
    expect(layer.getConfig().initialValue).toBe(0);
  });
});
