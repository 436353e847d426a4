import { initBackend } from '@residual/backend';
import { expectTensorsClose } from '@residual/backend/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { countParameters } from './count-parameters.js';
import type { ModelOptions } from './model-options.js';
import './index.js';
import { createModel } from './registry.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('cifar ResNets', () => {
  it('cifar_resnet20 has exactly 269,722 trainable parameters (PyTorch count, option A)', () => {
    expect(countParameters(createModel('cifar_resnet20')).trainable).toBe(269_722);
  });

  it('cifar_resnet110 has 1,727,962, and option B adds the two projections', () => {
    expect(countParameters(createModel('cifar_resnet110')).trainable).toBe(1_727_962);
    const projections = 16 * 32 + 2 * 32 + 32 * 64 + 2 * 64;
    expect(countParameters(createModel('cifar_resnet20', { shortcut: 'B' })).trainable).toBe(
      269_722 + projections,
    );
  });

  it('takes inputShape and numClasses', () => {
    const model = createModel('cifar_resnet20', { inputShape: [28, 28, 1], numClasses: 7 });
    expect(model.inputs[0].shape).toEqual([null, 28, 28, 1]);
    expect(model.outputs[0].shape).toEqual([null, 7]);
  });

  it('names layers by stage and block, the same in every build', () => {
    const names = createModel('cifar_resnet20').layers.map((l) => l.name);
    expect(names).toContain('stage2_block1_1_conv');
    expect(names).toContain('stage3_block3_add');
    expect(createModel('cifar_resnet20').layers.map((l) => l.name)).toEqual(names);
  });

  it("builds cifar_resnet1202 under Fixup and ReZero within Node's default stack", () => {
    // tfjs-layers maps a functional graph by recursing into each layer's inputs: with the branch
    // first in every addition that recursion ran through all 6,017 (Fixup) and 4,816 (ReZero)
    // layers and overflowed; stream first it runs down the blocks (see addResidual).
    const fixupAndReZero: ModelOptions[] = [{ norm: 'none' }, { residualScale: 'rezero' }];
    for (const options of fixupAndReZero) {
      const model = createModel('cifar_resnet1202', options);
      expect(model.layers.length).toBeGreaterThan(4800);
      model.dispose();
    }
  });

  it('builds the same weights from the same seed', () => {
    const a = createModel('cifar_resnet8', { seed: 3 }).getWeights();
    const b = createModel('cifar_resnet8', { seed: 3 }).getWeights();
    const c = createModel('cifar_resnet8', { seed: 4 }).getWeights();
    a.forEach((w, i) => {
      expectTensorsClose(w, b[i], { rtol: 0, atol: 0 });
    });
    expect(a[0].dataSync()).not.toEqual(c[0].dataSync());
  });

  it('pre-activation nets end in BN → ReLU and add nothing after each addition', () => {
    const model = createModel('cifar_preact_resnet110');
    const names = model.layers.map((l) => l.name);
    expect(names.slice(-4)).toEqual(['post_bn', 'post_relu', 'avg_pool', 'logits']);
    expect(model.getLayer('stage1_block1_add').outboundNodes[0].outboundLayer.name).toBe(
      'stage1_block2_preact_bn',
    );
    // He et al. 2016, §4.1: the first block activates the stem before splitting.
    const sources = model.getLayer('stage1_block1_add').inboundNodes[0].inboundLayers;
    expect(sources.map((l) => l.name)).toEqual([
      'stage1_block1_preact_relu',
      'stage1_block1_2_conv',
    ]);
  });

  it('Wide ResNets widen every stage k times and project with a bias-free 1×1 convolution', () => {
    const model = createModel('wrn16_4');
    expect(model.getLayer('stage1_block1_shortcut_conv').getWeights()).toHaveLength(1);
    expect(model.getLayer('stage3_block2_2_conv').getWeights()[0].shape).toEqual([3, 3, 256, 256]);
  });
});
