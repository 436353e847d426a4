import { initBackend, Rng } from '@residual/backend';
import { expectTensorsClose } from '@residual/backend/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { foldBatchNorm } from './fold-batch-norm.js';
import './index.js';
import { createModel } from './registry.js';
import { resNet } from './resnet.js';
import { resNetV2 } from './resnet-v2.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** Gives every batch norm random statistics, as training would (fresh ones are the identity). */
function randomizeBatchNorms(model: tf.LayersModel, seed: number): void {
  const rng = new Rng(seed);
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    const [gamma, beta, mean, variance] = layer.getWeights();
    const random = (t: tf.Tensor, lo: number, hi: number) =>
      tf.tensor(
        Array.from({ length: t.size }, () => lo + (hi - lo) * rng.nextFloat()),
        t.shape,
      );
    layer.setWeights([
      random(gamma, 0.5, 1.5),
      random(beta, -0.5, 0.5),
      random(mean, -0.3, 0.3),
      random(variance, 0.2, 2),
    ]);
  }
}

function predictions(model: tf.LayersModel, x: tf.Tensor): number[] {
  return tf.tidy(() => Array.from((model.predict(x) as tf.Tensor).dataSync()));
}

describe('foldBatchNorm', () => {
  it('folds every conv → BN (→ ReLU) of a CIFAR ResNet and predicts the same', () => {
    const model = createModel('cifar_resnet8', { seed: 1, inputShape: [12, 12, 3] });
    randomizeBatchNorms(model, 2);
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    const { model: folded, report } = foldBatchNorm(model);
    // A stem and 3 blocks of two convolutions: 7 batch norms; the stem's ReLU and each block's
    // inner ReLU follow a batch norm directly; a block's last ReLU follows the addition.
    expect(report.foldedBatchNorms).toHaveLength(7);
    expect(report.fusedActivations).toEqual(['stem_relu', ...[1, 2, 3].map(blockRelu)]);
    expect(folded.layers.filter((l) => l.getClassName() === 'BatchNormalization')).toEqual([]);
    expect(folded.layers.length).toBe(model.layers.length - 11);
    const x = tf.randomNormal([3, 12, 12, 3], 0, 1, 'float32', 4);
    expectTensorsClose(predictions(folded, x), predictions(model, x), { rtol: 1e-4, atol: 1e-5 });
    // The model it came from is untouched.
    expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
  });

  it('folds the batch norms after grouped convolutions too (ResNeXt), without their ReLUs', () => {
    const model = resNet(
      { name: 'tiny_resnext', block: 'bottleneck', depths: [1, 1], groups: 4, widthPerGroup: 4 },
      { seed: 1, inputShape: [32, 32, 3], numClasses: 5 },
    );
    randomizeBatchNorms(model, 3);
    const { model: folded, report } = foldBatchNorm(model);
    const batchNorms = model.layers.filter((l) => l.getClassName() === 'BatchNormalization');
    expect(report.foldedBatchNorms).toHaveLength(batchNorms.length);
    const x = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 5);
    expectTensorsClose(predictions(folded, x), predictions(model, x), { rtol: 1e-3, atol: 1e-4 });
  });

  it('leaves a pre-activation network’s batch norms that precede convolutions', () => {
    const model = resNetV2(
      { name: 'tiny_resnet_v2', depths: [1, 1] },
      { seed: 1, inputShape: [32, 32, 3], numClasses: 5 },
    );
    randomizeBatchNorms(model, 4);
    const { model: folded, report } = foldBatchNorm(model);
    const remaining = folded.layers.filter((l) => l.getClassName() === 'BatchNormalization');
    expect(remaining.length).toBeGreaterThan(0);
    expect(report.foldedBatchNorms.length + remaining.length).toBe(
      model.layers.filter((l) => l.getClassName() === 'BatchNormalization').length,
    );
    const x = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 6);
    expectTensorsClose(predictions(folded, x), predictions(model, x), { rtol: 1e-4, atol: 1e-5 });
  });

  it('keeps a batch norm whose convolution output is also read elsewhere', () => {
    const input = tf.input({ shape: [6, 6, 2] });
    const conv = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'conv' });
    const y = conv.apply(input) as tf.SymbolicTensor;
    const bn = tf.layers.batchNormalization({ name: 'bn' }).apply(y) as tf.SymbolicTensor;
    const sum = tf.layers.add({ name: 'sum' }).apply([y, bn]) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: sum });
    expect(foldBatchNorm(model).report.foldedBatchNorms).toEqual([]);
  });

  it('refuses a Sequential model, naming it', () => {
    const model = tf.sequential({
      name: 'stack',
      layers: [tf.layers.dense({ units: 2, inputShape: [3] })],
    });
    expect(() => foldBatchNorm(model)).toThrow(/stack is not a functional model/);
  });
});

function blockRelu(stage: number): string {
  return `stage${stage}_block1_1_relu`;
}
