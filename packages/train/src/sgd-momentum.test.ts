import { initBackend } from '@residual/backend';
import { expectNoLeakedTensors, expectTensorsClose } from '@residual/backend/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SgdMomentum } from './sgd-momentum.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

/** A dense layer with batch norm after it: a kernel, a bias, γ and β. */
function denseWithBatchNorm(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [2], units: 2, kernelInitializer: 'ones', name: 'fc' }),
      tf.layers.batchNormalization({ name: 'bn' }),
    ],
  });
}

describe('SgdMomentum', () => {
  it('follows v ← μv + g + λw, w ← w − ηv, decaying kernels only by default', async () => {
    const model = denseWithBatchNorm();
    const optimizer = new SgdMomentum(model.trainableWeights, {
      momentum: 0.9,
      weightDecay: 0.1,
    });
    expect(optimizer.decayedWeights).toEqual(['fc/kernel']);
    const gradients = optimizer.variables.map((v) => tf.onesLike(v));
    await expectNoLeakedTensors(() => {
      optimizer.apply(gradients, 0.5);
      optimizer.apply(gradients, 0.25);
    });
    // kernel: v1 = 1 + 0.1·1 = 1.1, w1 = 1 − 0.55 = 0.45; v2 = 0.99 + 1 + 0.045 = 2.035,
    // w2 = 0.45 − 0.50875. bias (no decay): v1 = 1, w1 = −0.5; v2 = 1.9, w2 = −0.975.
    expectTensorsClose(model.getWeights()[0], tf.fill([2, 2], 0.45 - 0.50875));
    expectTensorsClose(model.getWeights()[1], tf.fill([2], -0.975));
    expectTensorsClose(model.getWeights()[2], tf.fill([2], 1 - 0.975)); // γ starts at 1
    tf.dispose(gradients);
    optimizer.dispose();
  });

  it("decays every weight with 'all', and adds μ·v again with Nesterov", () => {
    const model = denseWithBatchNorm();
    const optimizer = new SgdMomentum(model.trainableWeights, {
      momentum: 0.5,
      nesterov: true,
      weightDecay: 0.1,
      weightDecayAppliesTo: 'all',
    });
    expect(optimizer.decayedWeights).toHaveLength(4);
    const gradients = optimizer.variables.map((v) => tf.zerosLike(v));
    optimizer.apply(gradients, 1);
    // γ = 1: g = 0.1, v = 0.1, update = g + μv = 0.15.
    expectTensorsClose(model.getWeights()[2], tf.fill([2], 0.85));
    tf.dispose(gradients);
    optimizer.dispose();
  });

  it('saves and restores its momentum exactly, and refuses slots that do not fit', () => {
    const model = denseWithBatchNorm();
    const first = new SgdMomentum(model.trainableWeights);
    const gradients = first.variables.map((v) => tf.randomNormal(v.shape, 0, 1, 'float32', 3));
    first.apply(gradients, 0.1);
    const state = first.stateTensors();
    expect(Object.keys(state)).toEqual([
      'fc/kernel/momentum',
      'fc/bias/momentum',
      'bn/gamma/momentum',
      'bn/beta/momentum',
    ]);
    const second = new SgdMomentum(model.trainableWeights);
    second.restore(state);
    const restored = second.stateTensors();
    for (const name of Object.keys(state)) {
      expect(restored[name].dataSync()).toEqual(state[name].dataSync());
    }
    expect(() => second.restore({ ...state, 'fc/bias/momentum': tf.zeros([3]) })).toThrow(
      'the momentum of fc/bias has shape [3], the weight [2].',
    );
    tf.dispose([...gradients, ...Object.values(state), ...Object.values(restored)]);
    first.dispose();
    second.dispose();
  });
});
