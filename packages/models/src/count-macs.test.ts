import { initBackend } from '@residual/backend';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { countMacs, layerOutputShapes } from './count-macs.js';
import './index.js';
import { summarizeModel } from './model-summary.js';
import { createModel, getModelEntry } from './registry.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('countMacs', () => {
  it('counts convolutions (grouped, depthwise) and dense layers, nothing else', () => {
    const input = tf.input({ shape: [8, 8, 4] });
    let x = tf.layers
      .conv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'same' })
      .apply(input);
    x = tf.layers.batchNormalization({}).apply(x);
    x = tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same' }).apply(x);
    x = tf.layers.globalAveragePooling2d({}).apply(x);
    x = tf.layers.dense({ units: 5 }).apply(x) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: x });
    // 4×4 positions × 3·3·4·6, then 4×4 × 3·3·6, then 6·5
    expect(countMacs(model)).toBe(16 * 216 + 16 * 54 + 30);
    expect(countMacs(model, [16, 16, 4])).toBe(64 * 216 + 64 * 54 + 30);
  });

  it("propagates shapes without rebuilding: a 32×32 build reports the 224×224 model's MACs", () => {
    const atDefault = createModel('resnet18', { seed: 1 });
    const small = createModel('resnet18', { seed: 1, inputShape: [32, 32, 3] });
    expect(countMacs(small, [224, 224, 3])).toBe(countMacs(atDefault));
    const shapes = layerOutputShapes(small, [224, 224, 3]);
    for (const layer of atDefault.layers) {
      expect(shapes.get(small.getLayer(layer.name))?.[0]).toEqual(layer.outputShape);
    }
  });

  it("resnet50 at 224×224 is within 1% of torchvision's 4.09 GMACs", () => {
    expect(Math.abs(getModelEntry('resnet50').macs / 4.09e9 - 1)).toBeLessThan(0.01);
  });

  it('agrees with the published MACs ("GFLOPS") of every torchvision model', () => {
    const torchvision: Record<string, number> = {
      resnet18: 1.81,
      resnet34: 3.66,
      resnet50: 4.09,
      resnet101: 7.8,
      resnet152: 11.51,
      resnext50_32x4d: 4.23,
      resnext101_32x8d: 16.41,
      resnext101_64x4d: 15.46,
      wide_resnet50_2: 11.4,
      wide_resnet101_2: 22.75,
    };
    for (const [name, giga] of Object.entries(torchvision)) {
      expect(Math.abs(getModelEntry(name).macs / (giga * 1e9) - 1), name).toBeLessThan(0.01);
    }
  });
});

describe('summarizeModel', () => {
  it('lists every layer with its output shape, parameters and MACs, and the totals', () => {
    const model = createModel('cifar_resnet8', { seed: 1 });
    const summary = summarizeModel(model);
    expect(summary.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
    expect(summary.layers.find((l) => l.name === 'stem_conv')).toEqual({
      name: 'stem_conv',
      className: 'Conv2D',
      outputShapes: [[32, 32, 16]],
      params: 432,
      macs: 32 * 32 * 432,
      inputs: ['input'],
    });
    const adds = summary.layers.filter((l) => l.className === 'Add');
    // Each residual Add takes the shortcut (identity, then option A's padding) and the branch.
    expect(adds.map((l) => l.inputs)).toEqual([
      ['stem_relu', 'stage1_block1_2_bn'],
      ['stage2_block1_shortcut_to_channels_last', 'stage2_block1_2_bn'],
      ['stage3_block1_shortcut_to_channels_last', 'stage3_block1_2_bn'],
    ]);
    expect([summary.trainable, summary.total, summary.macs]).toEqual([75_290, 75_770, 12_239_488]);
    expect(summarizeModel(model, [64, 64, 3]).macs).toBe(countMacs(model, [64, 64, 3]));
  });
});
