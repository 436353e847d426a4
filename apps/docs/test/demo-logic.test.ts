import { initBackend } from '@residual/backend';
import { expectNoLeakedTensors } from '@residual/backend/testing';
import type { ImageDataset } from '@residual/datasets';
import { countParameters, createModel, summarizeModel } from '@residual/models';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { explorerEntries, smallestEntry } from '../src/explorer-entries.js';
import { convolutionGradients, pairedDepths, trainSideBySide } from '../src/side-by-side.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

/** Eight random 12×12 grey images per split: enough to run the demo's code, fast. */
function tinyDigits(): ImageDataset {
  const split = (seed: number) => ({
    images: Uint8Array.from({ length: 8 * 144 }, (_, i) => (i * 37 + seed * 11) % 256),
    labels: Uint8Array.from({ length: 8 }, (_, i) => (i + seed) % 10),
    count: 8,
    imageShape: [12, 12, 1] as const,
  });
  return {
    name: 'tiny',
    train: split(1),
    test: split(2),
    numClasses: 10,
    classNames: [...'0123456789'],
    normalization: { mean: [0.5], std: [0.25] },
  };
}

describe('the model explorer table', () => {
  it('offers every registry entry and starts with the smallest', () => {
    const entries = explorerEntries();
    expect(entries.length).toBeGreaterThan(0);
    const smallest = smallestEntry(entries);
    expect(smallest.trainableParams).toBe(Math.min(...entries.map((e) => e.trainableParams)));
  });

  it('lists every layer in order with its shape and parameters; an Add has two inputs', () => {
    const model = createModel('cifar_resnet8', { inputShape: [12, 12, 1], numClasses: 10 });
    const summary = summarizeModel(model);
    expect(summary.layers[0]).toMatchObject({
      name: 'input',
      outputShapes: [[12, 12, 1]],
      params: 0,
    });
    const adds = summary.layers.filter((layer) => layer.className === 'Add');
    expect(adds).toHaveLength(3);
    for (const add of adds) expect(add.inputs).toHaveLength(2);
    expect(summary.trainable).toBe(countParameters(model).trainable);
    expect(summary.total).toBe(countParameters(model).total);
    expect(summary.layers.reduce((n, layer) => n + layer.params, 0)).toBe(summary.total);
    model.dispose();
  });
});

describe('the per-layer gradient norms', () => {
  it('gives one finite, positive norm per convolution, input end first, and leaks nothing', async () => {
    const model = createModel('cifar_plain8', { inputShape: [12, 12, 1], numClasses: 10, seed: 1 });
    const images = tf.randomNormal([4, 12, 12, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
    const labels = tf.tensor1d([0, 1, 2, 3], 'int32');
    const norms = await expectNoLeakedTensors(() =>
      convolutionGradients(model, { images, labels }),
    );
    expect(norms.map((n) => n.name)).toEqual([
      'stem_conv',
      ...[1, 2, 3].flatMap((stage) => [
        `stage${stage}_block1_1_conv`,
        `stage${stage}_block1_2_conv`,
      ]),
    ]);
    for (const { gradientNorm } of norms) expect(gradientNorm).toBeGreaterThan(0);
    tf.dispose([images, labels]);
    model.dispose();
  });
});

describe('trainSideBySide', () => {
  it('offers the depths where both a plain and a residual network are registered', () => {
    expect(pairedDepths()).toEqual(expect.arrayContaining([8, 20, 56]));
  });

  it('trains both networks the same number of steps and reports losses and gradients', async () => {
    const steps: Record<string, number[]> = { plain: [], residual: [] };
    const measured: string[] = [];
    const before = tf.memory().numTensors;
    await trainSideBySide({
      depth: 8,
      steps: 2,
      batchSize: 4,
      learningRate: 0.05,
      seed: 1,
      gradientEvery: 2,
      data: tinyDigits(),
      onStep: ({ network, step, loss }) => {
        expect(Number.isFinite(loss)).toBe(true);
        steps[network].push(step);
      },
      onGradients: ({ network, step, layers }) => {
        expect(layers).toHaveLength(7);
        measured.push(`${network}@${step}`);
      },
    });
    expect(steps).toEqual({ plain: [1, 2], residual: [1, 2] });
    expect(measured.sort()).toEqual(['plain@0', 'plain@2', 'residual@0', 'residual@2']);
    expect(tf.memory().numTensors).toBe(before);
  });
});
