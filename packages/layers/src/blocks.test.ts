import { initBackend } from '@residual/backend';
import { expectTensorsClose } from '@residual/backend/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { bottleneckBlock } from './bottleneck-block.js';
import { heNormalInitializers } from './initializers.js';
import { preActBasicBlock } from './pre-act-basic-block.js';
import { preActBottleneckBlock } from './pre-act-bottleneck-block.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const kernelInitializer = heNormalInitializers(1);

function trainableCount(model: tf.LayersModel): number {
  return model.trainableWeights.reduce((n, w) => n + tf.util.sizeFromShape(w.shape as number[]), 0);
}

function blockModel(
  inShape: number[],
  build: (x: tf.SymbolicTensor) => tf.SymbolicTensor,
): tf.LayersModel {
  const input = tf.input({ shape: inShape });
  return tf.model({ inputs: input, outputs: build(input) });
}

function strideOf(model: tf.LayersModel, name: string): number[] {
  return model.getLayer(name).getConfig().strides as number[];
}

describe('bottleneckBlock', () => {
  it('is 1×1 → 3×3 → 1×1 (×4) with the stride on the 3×3, as torchvision', () => {
    const model = blockModel([8, 8, 16], (x) =>
      bottleneckBlock(x, {
        filters: 8,
        strides: 2,
        shortcut: 'projection',
        name: 'stage2_block1',
        kernelInitializer,
      }),
    );
    expect(model.outputs[0].shape).toEqual([null, 4, 4, 32]);
    expect(strideOf(model, 'stage2_block1_1_conv')).toEqual([1, 1]);
    expect(strideOf(model, 'stage2_block1_2_conv')).toEqual([2, 2]);
    expect(strideOf(model, 'stage2_block1_shortcut_conv')).toEqual([2, 2]);
    // conv1 16·8, conv2 9·8·8, conv3 8·32, projection 16·32, and γ, β of four BNs
    expect(trainableCount(model)).toBe(128 + 576 + 256 + 512 + 2 * (8 + 8 + 32 + 32));
    expect(model.layers.at(-1)?.name).toBe('stage2_block1_out');
  });

  it('pads a strided 3×3 symmetrically, as PyTorch does', () => {
    const model = blockModel([8, 8, 4], (x) =>
      bottleneckBlock(x, {
        filters: 1,
        strides: 2,
        shortcut: 'projection',
        name: 'b',
        kernelInitializer,
      }),
    );
    expect(model.getLayer('b_2_pad').getConfig().padding).toEqual([
      [1, 1],
      [1, 1],
    ]);
    expect(model.getLayer('b_2_conv').getConfig().padding).toBe('valid');
  });

  it('groups the 3×3 convolution for ResNeXt (cardinality)', () => {
    const model = blockModel([8, 8, 16], (x) =>
      bottleneckBlock(x, {
        filters: 8,
        width: 16,
        groups: 4,
        shortcut: 'projection',
        name: 'b',
        kernelInitializer,
      }),
    );
    const conv2 = model.getLayer('b_2_conv');
    expect(conv2.getClassName()).toBe('GroupedConv2D');
    expect(conv2.getWeights()[0].shape).toEqual([3, 3, 4, 16]);
    expect(model.outputs[0].shape).toEqual([null, 8, 8, 32]);
  });

  it('keeps the identity shortcut when the shape is kept', () => {
    const model = blockModel([4, 4, 32], (x) =>
      bottleneckBlock(x, { filters: 8, shortcut: 'projection', name: 'b', kernelInitializer }),
    );
    expect(model.layers.some((l) => l.name.startsWith('b_shortcut'))).toBe(false);
  });
});

describe('pre-activation blocks (He et al. 2016)', () => {
  it('basic: BN → ReLU → conv → BN → ReLU → conv, nothing after the addition', () => {
    const model = blockModel([8, 8, 16], (x) =>
      preActBasicBlock(x, { filters: 16, shortcut: 'projection', name: 'b', kernelInitializer }),
    );
    expect(model.layers.slice(1).map((l) => l.name)).toEqual([
      'b_preact_bn',
      'b_preact_relu',
      'b_1_conv',
      'b_1_bn',
      'b_1_relu',
      'b_2_conv',
      'b_add',
    ]);
    expect(trainableCount(model)).toBe(32 + 2304 + 32 + 2304);
  });

  it('a projection takes the pre-activated input without a BN; an identity takes the raw input', () => {
    const projecting = blockModel([8, 8, 16], (x) =>
      preActBottleneckBlock(x, {
        filters: 16,
        strides: 2,
        shortcut: 'projection',
        name: 'b',
        kernelInitializer,
      }),
    );
    const shortcutConv = projecting.getLayer('b_shortcut_conv');
    expect(shortcutConv.inboundNodes[0].inboundLayers[0].name).toBe('b_preact_relu');
    expect(projecting.layers.some((l) => l.name === 'b_shortcut_bn')).toBe(false);
    const identity = blockModel([8, 8, 64], (x) =>
      preActBottleneckBlock(x, {
        filters: 16,
        shortcut: 'projection',
        name: 'b',
        kernelInitializer,
      }),
    );
    const add = identity.getLayer('b_add');
    expect(add.inboundNodes[0].inboundLayers.map((l) => l.name)).toContain(identity.layers[0].name);
  });

  it('preActivatedShortcut feeds even the identity the pre-activated input', () => {
    const model = blockModel([8, 8, 16], (x) =>
      preActBasicBlock(x, {
        filters: 16,
        shortcut: 'zero-pad',
        preActivatedShortcut: true,
        name: 'b',
        kernelInitializer,
      }),
    );
    const sources = model.getLayer('b_add').inboundNodes[0].inboundLayers.map((l) => l.name);
    // The carried stream first, then the branch (see addResidual).
    expect(sources).toEqual(['b_preact_relu', 'b_2_conv']);
  });

  it("useBias gives the last convolution and the projection biases (Keras' ResNetV2)", () => {
    const model = blockModel([8, 8, 16], (x) =>
      preActBottleneckBlock(x, {
        filters: 8,
        strides: 2,
        shortcut: 'projection',
        useBias: true,
        name: 'b',
        kernelInitializer,
      }),
    );
    const hasBias = (name: string) => model.getLayer(name).getConfig().useBias;
    expect(['b_1_conv', 'b_2_conv', 'b_3_conv', 'b_shortcut_conv'].map(hasBias)).toEqual([
      false,
      false,
      true,
      true,
    ]);
  });

  it('computes x + F(x): a zero last kernel leaves the input unchanged', () => {
    const model = blockModel([4, 4, 8], (x) =>
      preActBasicBlock(x, {
        filters: 8,
        shortcut: 'projection',
        zeroInitResidual: true,
        name: 'b',
        kernelInitializer,
      }),
    );
    const x = tf.randomNormal([2, 4, 4, 8], 0, 1, 'float32', 3);
    expectTensorsClose(model.predict(x) as tf.Tensor, x, { rtol: 0, atol: 0 });
  });
});
