import { initBackend } from '@residual/backend';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { isSegmentationModel, networkCases, timeNetwork, trainableParameters } from './networks.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', threads: 1 });
});

describe('the network rows of pnpm bench', () => {
  it('measures a segmentation network at its own size and batches, with 4 classes per pixel', () => {
    const cases = networkCases(['cifar_resnet20', 'unet_resnet18'], [32], ['train'], {
      size: 64,
      batches: [16, 32],
    });
    expect(cases).toEqual([
      { model: 'cifar_resnet20', mode: 'train', batch: 32, size: 32, classes: 10 },
      { model: 'unet_resnet18', mode: 'train', batch: 16, size: 64, classes: 4 },
      { model: 'unet_resnet18', mode: 'train', batch: 32, size: 64, classes: 4 },
    ]);
  });

  it('leaves folded inference to the classifiers', () => {
    const cases = networkCases(['resnet18', 'fpn_resnet18'], [32], undefined, {
      size: 96,
      batches: [2],
    });
    expect(cases.map((c) => `${c.model} ${c.mode} ${c.batch} ${c.size}`)).toEqual([
      'resnet18 train 16 224',
      'resnet18 infer 16 224',
      'resnet18 infer-folded 16 224',
      'fpn_resnet18 train 2 96',
      'fpn_resnet18 infer 2 96',
    ]);
  });

  it('knows the segmentation networks from the registry', () => {
    expect(
      ['unet_resnet18', 'deeplabv3_resnet50', 'resnet18', 'no_such_model'].map(isSegmentationModel),
    ).toEqual([true, true, false, false]);
  });

  it('times a U-Net training step and an inference, leaving no tensor behind', async () => {
    const c = { model: 'unet_resnet18', batch: 2, size: 32, classes: 4 } as const;
    const before = tf.memory().numTensors;
    for (const mode of ['train', 'infer'] as const) {
      expect(await timeNetwork({ ...c, mode }, 1, 1), mode).toBeGreaterThan(0);
    }
    expect(trainableParameters({ ...c, mode: 'train' })).toBe(14_328_644);
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);
});
