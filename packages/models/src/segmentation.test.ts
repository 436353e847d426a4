// Segmentation networks: torchvision's dilated backbone, any input size and channel count,
// the encoder's residual options, and the errors a user can make.
import { initBackend } from '@residual/backend';
import { expectNoLeakedTensors } from '@residual/backend/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { countParameters } from './count-parameters.js';
import { freezeLayers } from './freeze-layers.js';
import './index.js';
import { createModel, listModels } from './registry.js';
import { createSegmentationModel, segmentationEncoders } from './segmentation.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

const config = (model: tf.LayersModel, layer: string) =>
  model.getLayer(layer).getConfig() as { strides: number[]; dilationRate: number | number[] };
const dilation = (model: tf.LayersModel, layer: string) =>
  [config(model, layer).dilationRate].flat()[0];

async function shapesOf(model: tf.LayersModel, input: number[]): Promise<number[][]> {
  const x = tf.randomNormal(input, 0, 1, 'float32', 1);
  const y = await expectNoLeakedTensors(() => model.predict(x) as tf.Tensor | tf.Tensor[]);
  const outputs = Array.isArray(y) ? y : [y];
  const shapes = outputs.map((t) => t.shape);
  tf.dispose([x, ...outputs]);
  return shapes;
}

describe('the dilated ResNet backbone', () => {
  it("replaces strides with dilation as torchvision's _make_layer does", () => {
    const backbone = createModel('resnet50', {
      features: true,
      inputShape: [64, 64, 3],
      replaceStrideWithDilation: [false, true, true],
    });
    expect(backbone.outputs.map((o) => o.shape)).toEqual([
      [null, 16, 16, 256],
      [null, 8, 8, 512],
      [null, 8, 8, 1024],
      [null, 8, 8, 2048],
    ]);
    // The first block of a dilated stage keeps the previous dilation; the rest double it.
    expect(dilation(backbone, 'stage2_block1_2_conv')).toBe(1);
    expect(config(backbone, 'stage2_block1_2_conv').strides).toEqual([2, 2]);
    expect(dilation(backbone, 'stage3_block1_2_conv')).toBe(1);
    expect(dilation(backbone, 'stage3_block6_2_conv')).toBe(2);
    expect(dilation(backbone, 'stage4_block1_2_conv')).toBe(2);
    expect(dilation(backbone, 'stage4_block3_2_conv')).toBe(4);
    expect(config(backbone, 'stage4_block1_shortcut_conv').strides).toEqual([1, 1]);
    expect(countParameters(backbone).trainable).toBe(23_508_032); // resnet50 less its fc
  });

  it('refuses what torchvision or tfjs cannot dilate', () => {
    expect(() =>
      createModel('resnet18', { features: true, replaceStrideWithDilation: [false, true, true] }),
    ).toThrow(/^resnet18: replaceStrideWithDilation needs bottleneck blocks/);
    expect(() =>
      createModel('resnet50', { replaceStrideWithDilation: [true, false, true] }),
    ).toThrow(
      'resnet50: replaceStrideWithDilation [true,false,true]: a stage after a dilated one must be dilated too.',
    );
    expect(() => createModel('resnet50', { replaceStrideWithDilation: [true] })).toThrow(
      'resnet50: replaceStrideWithDilation must list 3 booleans (stages 2 to 4), got [true].',
    );
  });
});

describe('segmentation models', () => {
  it('FCN and DeepLabv3 take any size and channels, with or without the auxiliary head', async () => {
    const deeplab = createModel('deeplabv3_resnet50', {
      inputShape: [65, 47, 1],
      numClasses: 3,
      aux: false,
      seed: 1,
    });
    expect(await shapesOf(deeplab, [1, 65, 47, 1])).toEqual([[1, 65, 47, 3]]);
    expect(deeplab.layers.some((l) => l.name.startsWith('aux_'))).toBe(false);
    deeplab.dispose();
    const fcn = createSegmentationModel('fcn', 'resnet50', { inputShape: [33, 40, 3], seed: 1 });
    expect(fcn.outputNames).toEqual(['logits', 'aux_logits']);
    expect(await shapesOf(fcn, [2, 33, 40, 3])).toEqual([
      [2, 33, 40, 21],
      [2, 33, 40, 21],
    ]);
    fcn.dispose();
  }, 60_000);

  it('U-Net and FPN take multiples of 32, any channels and classes', async () => {
    const unet = createModel('unet_resnet18', { inputShape: [64, 96, 1], numClasses: 2 });
    expect(await shapesOf(unet, [1, 64, 96, 1])).toEqual([[1, 64, 96, 2]]);
    unet.dispose();
    const fpn = createModel('fpn_resnet18', { inputShape: [32, 64, 4], numClasses: 5 });
    expect(await shapesOf(fpn, [1, 32, 64, 4])).toEqual([[1, 32, 64, 5]]);
    fpn.dispose();
    expect(() => createModel('unet_resnet34', { inputShape: [65, 64, 3] })).toThrow(
      "unet_resnet34: inputShape height and width must be multiples of 32 (the encoder's stride), got [65,64,3].",
    );
  }, 60_000);

  it("passes the encoder's residual options through", () => {
    const model = createSegmentationModel('unet', 'resnet18', {
      inputShape: [32, 32, 3],
      zeroInitResidual: true,
      dropPathRate: 0.1,
      seed: 2,
    });
    const gamma = model.getLayer('stage1_block1_2_bn').getWeights()[0]!;
    expect(Array.from(gamma.dataSync()).every((v) => v === 0)).toBe(true);
    expect(model.layers.filter((l) => l.getClassName() === 'DropPath')).toHaveLength(8);
    model.dispose();
    const fixup = createSegmentationModel('fpn', 'resnet34', {
      inputShape: [32, 32, 3],
      norm: 'none',
    });
    expect(fixup.layers.some((l) => l.name === 'stage1_block1_scale')).toBe(true);
    expect(fixup.layers.some((l) => l.name.startsWith('stage') && l.name.endsWith('_bn'))).toBe(
      false,
    );
    fixup.dispose();
  }, 60_000);

  it("'all-but-head' freezes the encoder and leaves the decoder trainable", () => {
    const model = createModel('unet_resnet18', { inputShape: [32, 32, 3] });
    const frozen = freezeLayers(model, 'all-but-head');
    expect(frozen).toContain('stem_conv');
    expect(frozen).toContain('stage4_block2_2_bn');
    expect(frozen.every((name) => name.startsWith('stem') || name.startsWith('stage'))).toBe(true);
    const trainable = model.layers.filter((l) => l.trainable && l.weights.length > 0);
    expect(trainable.map((l) => l.name)).toContain('decoder1_1_conv');
    expect(trainable.map((l) => l.name)).toContain('logits');
    expect(trainable.some((l) => l.name.startsWith('stage'))).toBe(false);
    model.dispose();
  });

  it('says its task and encoders, and refuses what does not apply', () => {
    const segmentation = listModels().filter((e) => e.task === 'semantic-segmentation');
    expect(segmentation.map((e) => e.name)).toHaveLength(10);
    for (const entry of segmentation) expect(entry.defaultNumClasses).toBe(21);
    expect(segmentationEncoders()).toContain('resnet50');
    expect(segmentationEncoders()).not.toContain('cifar_resnet20');
    expect(segmentationEncoders()).not.toContain('plain18');
    expect(() => createModel('unet_resnet18', { aux: false })).toThrow(
      'unet_resnet18: unknown option "aux". Accepted: inputShape, numClasses, seed, zeroInitResidual, residualScale, dropPathRate, norm, shortcut.',
    );
    expect(() => createSegmentationModel('fcn', 'resnet18')).toThrow(
      /^resnet18: replaceStrideWithDilation needs bottleneck blocks/,
    );
    expect(() => createSegmentationModel('unet', 'cifar_resnet20')).toThrow(
      /^unet_cifar_resnet20: unknown encoder "cifar_resnet20"\. Known: resnet18, resnet34, /,
    );
    expect(() => createSegmentationModel('pspnet' as never, 'resnet50')).toThrow(
      "pspnet_resnet50: head must be one of 'fcn', 'deeplabv3', 'unet', 'fpn', got 'pspnet'.",
    );
  });
});
