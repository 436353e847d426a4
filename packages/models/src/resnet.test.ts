import { initBackend } from '@residual/backend';
import { expectTensorsClose } from '@residual/backend/testing';
import { DropPath } from '@residual/layers';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { countParameters } from './count-parameters.js';
import './index.js';
import { cifarResNet } from './cifar-resnet.js';
import type { ModelOptions } from './model-options.js';
import { createModel } from './registry.js';
import { resNet } from './resnet.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const small = { inputShape: [32, 32, 3] as const, seed: 1 };
const classesOf = (model: tf.LayersModel) => model.layers.map((l) => l.getClassName());

describe('ImageNet layouts', () => {
  it('pad like torchvision: 7×7/2 stem, padded max pool, 3×3/2 on each stage entry', () => {
    const model = createModel('resnet50', small);
    const names = model.layers.map((l) => l.name);
    expect(names.slice(1, 7)).toEqual([
      'stem_pad',
      'stem_conv',
      'stem_bn',
      'stem_relu',
      'stem_pool_pad',
      'stem_pool',
    ]);
    expect(model.getLayer('stem_conv').outputShape).toEqual([null, 16, 16, 64]);
    expect(model.getLayer('stage2_block1_2_conv').getConfig().strides).toEqual([2, 2]);
    expect(model.getLayer('stage4_block3_out').outputShape).toEqual([null, 1, 1, 2048]);
  });

  it('resnet50d has the deep stem and average-pool shortcuts', () => {
    const model = createModel('resnet50d', small);
    expect(model.getLayer('stem_1_conv').getWeights()[0].shape).toEqual([3, 3, 3, 32]);
    expect(model.getLayer('stem_3_conv').getWeights()[0].shape).toEqual([3, 3, 32, 64]);
    expect(model.getLayer('stage2_block1_shortcut_pool').getClassName()).toBe('AveragePooling2D');
    expect(model.getLayer('stage2_block1_shortcut_conv').getConfig().strides).toEqual([1, 1]);
  });

  it('seresnet50 gates every block with squeeze-and-excitation', () => {
    const model = createModel('seresnet50', small);
    expect(classesOf(model).filter((c) => c === 'Multiply')).toHaveLength(16);
    expect(model.getLayer('stage4_block1_se_reduce_conv').getWeights()[0].shape).toEqual([
      1, 1, 2048, 128,
    ]);
  });

  it('resnet50v2 follows Keras: stride on the last block of a stage, subsampled shortcut, post BN', () => {
    const model = createModel('resnet50v2', small);
    expect(model.getLayer('stage1_block3_2_conv').getConfig().strides).toEqual([2, 2]);
    expect(model.getLayer('stage1_block3_shortcut_subsample').getClassName()).toBe('MaxPooling2D');
    expect(model.getLayer('stage1_block1_shortcut_conv').getConfig().useBias).toBe(true);
    expect(model.getLayer('stem_conv').getConfig().useBias).toBe(true);
    expect(model.layers.slice(-4).map((l) => l.name)).toEqual([
      'post_bn',
      'post_relu',
      'avg_pool',
      'logits',
    ]);
  });

  it('plain18 has no shortcut and takes no residual option', () => {
    const model = createModel('plain18', small);
    expect(classesOf(model)).not.toContain('Add');
    expect(() => createModel('plain18', { residualScale: 'rezero' } as never)).toThrow(
      'plain18: unknown option "residualScale".',
    );
  });
});

describe('heads and features', () => {
  it('changes the head: numClasses, max pooling, or no top at all', () => {
    const ten = createModel('resnet18', { ...small, numClasses: 10, pooling: 'max' });
    expect(ten.outputs[0].shape).toEqual([null, 10]);
    expect(ten.getLayer('max_pool').getClassName()).toBe('GlobalMaxPooling2D');
    const headless = createModel('resnet18', { ...small, includeTop: false });
    expect(headless.outputs[0].shape).toEqual([null, 1, 1, 512]);
    const pooled = createModel('resnet18', { ...small, includeTop: false, pooling: 'avg' });
    expect(pooled.outputs[0].shape).toEqual([null, 512]);
  });

  it("features: true outputs every stage's feature map, strides 4 to 32", () => {
    const model = createModel('resnet50', { inputShape: [64, 64, 3], features: true });
    expect(model.outputs.map((o) => o.shape)).toEqual([
      [null, 16, 16, 256],
      [null, 8, 8, 512],
      [null, 4, 4, 1024],
      [null, 2, 2, 2048],
    ]);
    const preact = createModel('wrn16_4', { features: true });
    expect(preact.outputs.map((o) => o.name.split('/')[0])).toEqual([
      'stage1_block2_add',
      'stage2_block2_add',
      'post_relu',
    ]);
  });
});

describe('residual variants on a registered model', () => {
  const build = (options: ModelOptions) => createModel('resnet18', { ...small, ...options });

  it('zeroInitResidual starts every block as the identity', () => {
    const model = build({ zeroInitResidual: true });
    const gamma = model.getLayer('stage3_block2_2_bn').getWeights()[0];
    expectTensorsClose(gamma, tf.zerosLike(gamma));
    expect(model.getLayer('stem_bn').getWeights()[0].dataSync()[0]).toBe(1);
  });

  it('ReZero adds one scalar per block; LayerScale one factor per channel', () => {
    const base = countParameters(build({})).trainable;
    expect(countParameters(build({ residualScale: 'rezero' })).trainable - base).toBe(8);
    expect(countParameters(build({ residualScale: 'layerscale' })).trainable - base).toBe(
      2 * (64 + 128 + 256 + 512),
    );
  });

  it("norm 'none' builds Fixup: no batch norm, scalar biases, a zero classifier", () => {
    const model = build({ norm: 'none' });
    expect(classesOf(model)).not.toContain('BatchNormalization');
    expect(model.getLayer('logits_bias').getClassName()).toBe('ScalarBias');
    expect(model.getLayer('logits').getWeights()[0].abs().max().dataSync()[0]).toBe(0);
    expect(model.getLayer('stage1_block1_scale').getClassName()).toBe('ScalarMultiply');
  });

  it('SkipInit removes batch norm by default and gates each branch with α = 0', () => {
    const model = build({ residualScale: 'skipinit' });
    expect(classesOf(model)).not.toContain('BatchNormalization');
    expect(model.getLayer('stage1_block1_alpha').getWeights()[0].dataSync()[0]).toBe(0);
    expect(model.getLayer('stage1_block1_1_conv').getConfig().useBias).toBe(true);
  });

  it('dropPathRate decays linearly over the blocks (Huang et al. 2016)', () => {
    const model = build({ dropPathRate: 0.2 });
    const rates = model.layers
      .filter((l) => l instanceof DropPath)
      .map((l) => (l as DropPath).rate);
    expectTensorsClose(
      rates,
      [1, 2, 3, 4, 5, 6, 7, 8].map((i) => (0.2 * i) / 8),
    );
  });

  it("shortcut 'A' zero-pads and 'D' averages before projecting", () => {
    expect(countParameters(build({ shortcut: 'A' })).trainable).toBe(
      11_689_512 - (64 * 128 + 128 * 256 + 256 * 512) - 2 * (128 + 256 + 512),
    );
    expect(build({ shortcut: 'D' }).getLayer('stage2_block1_shortcut_pool').getClassName()).toBe(
      'AveragePooling2D',
    );
  });
});

describe('the generic builders', () => {
  it('build variants that are not registered, and refuse impossible ones', () => {
    const tiny = resNet({ name: 'resnet10', block: 'basic', depths: [1, 1, 1, 1] }, small);
    expect(tiny.getLayer('stage4_block1_out').outputShape).toEqual([null, 1, 1, 512]);
    expect(() => resNet({ name: 'broken', block: 'basic', depths: [2, 0] })).toThrow(
      'broken: depths must list a positive number of blocks per stage, got [2,0].',
    );
    expect(() => cifarResNet({ name: 'broken', blocksPerStage: 1.5 })).toThrow(
      'broken: blocksPerStage must be a positive integer, got 1.5.',
    );
  });
});
