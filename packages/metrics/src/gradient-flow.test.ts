import { initBackend } from '@residual/backend';
import { expectNoLeakedTensors } from '@residual/backend/testing';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradientFlow } from './gradient-flow.js';
import { tinyBatch, tinyNetwork } from './test-networks.js';

let batch: ReturnType<typeof tinyBatch>;

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  batch = tinyBatch(16, 1);
});

afterAll(() => {
  tf.dispose([batch.images, batch.labels]);
});

describe('gradientFlow', () => {
  it('reports every trainable layer in network order, with its weights', async () => {
    const model = tinyNetwork({ residual: true, blocks: 2, seed: 1 });
    const flow = await expectNoLeakedTensors(() => gradientFlow(model, batch));
    expect(flow.layers.map((l) => l.name)).toEqual([
      'stem_conv',
      'stem_bn',
      'block1_1_conv',
      'block1_1_bn',
      'block1_2_conv',
      'block1_2_bn',
      'block2_1_conv',
      'block2_1_bn',
      'block2_2_conv',
      'block2_2_bn',
      'logits',
    ]);
    expect(flow.layers[0]).toMatchObject({ className: 'Conv2D', parameters: 3 * 3 * 3 * 4 });
    expect(flow.layers[1].weights.map((w) => w.name)).toEqual(['stem_bn/gamma', 'stem_bn/beta']);
    expect(flow.layers.every((l) => l.gradientNorm > 0)).toBe(true);
    expect(flow.summary.firstConv).toBe('stem_conv');
    expect(flow.summary.lastConv).toBe('block2_2_conv');
  });

  it('matches gradients taken directly, and the loss of a training-mode forward pass', () => {
    const model = tinyNetwork({ residual: false, blocks: 2, seed: 2 });
    const flow = gradientFlow(model, batch, { learningRate: 0.5 });
    const stemKernel = model.getLayer('stem_conv').trainableWeights[0].read() as tf.Variable;
    const { value, grads } = tf.variableGrads(
      () =>
        tf.losses.softmaxCrossEntropy(
          tf.oneHot(batch.labels, 3),
          model.apply(batch.images, { training: true }) as tf.Tensor,
        ) as tf.Scalar,
      [stemKernel],
    );
    const expectedNorm = tf.norm(grads[stemKernel.name]).dataSync()[0];
    const stem = flow.layers[0];
    expect(stem.gradientNorm).toBeCloseTo(expectedNorm, 5);
    expect(stem.weightNorm).toBeCloseTo(
      tf.tidy(() => tf.norm(stemKernel).dataSync()[0]),
      5,
    );
    expect(stem.updateRatio).toBeCloseTo((0.5 * stem.gradientNorm) / stem.weightNorm, 9);
    expect(flow.summary.loss).toBeCloseTo(value.dataSync()[0], 5);
    expect(flow.summary.firstToLastRatio).toBeCloseTo(
      stem.gradientNorm / flow.layers.find((l) => l.name === 'block2_2_conv')!.gradientNorm,
      9,
    );
    tf.dispose([value, grads[stemKernel.name]]);
  });

  it('reports the mean and std of each block output', () => {
    const model = tinyNetwork({ residual: true, blocks: 2, seed: 3 });
    const flow = gradientFlow(model, batch);
    expect(flow.activations.map((a) => a.layer)).toEqual(['block1_out', 'block2_out']);
    const probe = tf.model({ inputs: model.inputs, outputs: model.getLayer('block2_out').output });
    const output = probe.apply(batch.images, { training: true }) as tf.Tensor;
    const values = Array.from(output.dataSync());
    output.dispose();
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    expect(flow.activations[1].mean).toBeCloseTo(mean, 5);
    expect(flow.activations[1].std).toBeCloseTo(std, 5);
  });

  it('leaves the weights and the batch-norm moving statistics as they were', () => {
    const model = tinyNetwork({ residual: true, blocks: 1, seed: 4 });
    const before = model.getWeights().map((w) => w.arraySync());
    gradientFlow(model, batch);
    expect(model.getWeights().map((w) => w.arraySync())).toEqual(before);
  });

  it('shows a zero-γ branch switched off: its convolutions get no gradient, its γ does', () => {
    const model = tinyNetwork({ residual: true, blocks: 2, seed: 5, zeroGamma: true });
    const flow = gradientFlow(model, batch);
    const norm = (name: string) => flow.layers.find((l) => l.name === name)!;
    expect(flow.summary.zeroGradientLayers).toEqual([
      'block1_1_conv',
      'block1_1_bn',
      'block1_2_conv',
      'block2_1_conv',
      'block2_1_bn',
      'block2_2_conv',
    ]);
    const [gamma, beta] = norm('block2_2_bn').weights;
    expect(gamma.gradientNorm).toBeGreaterThan(0);
    expect(beta.gradientNorm).toBeGreaterThan(0);
    expect(norm('stem_conv').gradientNorm).toBeGreaterThan(0);
    expect(flow.summary.firstToLastRatio).toBe(Number.POSITIVE_INFINITY);
    // without the shortcut, nothing below the zero γ learns at all
    const plain = gradientFlow(
      tinyNetwork({ residual: false, blocks: 2, seed: 5, zeroGamma: true }),
      batch,
    );
    expect(plain.layers.find((l) => l.name === 'stem_conv')!.gradientNorm).toBe(0);
  });

  it('takes the ratio layers, activation layers and loss from options, and names a bad one', () => {
    const model = tinyNetwork({ residual: true, blocks: 2, seed: 6 });
    const flow = gradientFlow(model, batch, {
      ratioLayers: ['block1_1_conv', 'logits'],
      activationLayers: ['stem_relu'],
      loss: (labels, output) =>
        tf.mean(tf.square(tf.sub(output, tf.oneHot(tf.cast(labels, 'int32'), 3)))),
    });
    expect(flow.summary.firstConv).toBe('block1_1_conv');
    expect(flow.summary.lastConv).toBe('logits');
    expect(flow.activations.map((a) => a.layer)).toEqual(['stem_relu']);
    expect(() => gradientFlow(model, batch, { ratioLayers: ['stem_conv', 'nope'] })).toThrow(
      /ratioLayers: no layer with trainable weights named "nope"\. Known: stem_conv, stem_bn, /,
    );
    expect(() => gradientFlow(model, batch, { activationLayers: ['nope'] })).toThrow(
      'Model "tiny_resnet" has no layer "nope" to take activations from.',
    );
  });
});
