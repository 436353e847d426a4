import { initBackend } from '@residual/backend';
import { expectNoLeakedTensors, expectTensorsClose } from '@residual/backend/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { basicBlock } from './basic-block.js';
import { bottleneckBlock } from './bottleneck-block.js';
import { heNormalInitializers } from './initializers.js';
import type { ResidualBlockOptions } from './residual-branch.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

type Variant = Partial<ResidualBlockOptions>;

function block(variant: Variant, inShape = [6, 6, 16], kind: 'basic' | 'bottleneck' = 'basic') {
  const input = tf.input({ shape: inShape });
  const options = {
    filters: kind === 'basic' ? 16 : 4,
    shortcut: 'projection' as const,
    name: 'b',
    kernelInitializer: heNormalInitializers(2),
    ...variant,
  };
  const output = kind === 'basic' ? basicBlock(input, options) : bottleneckBlock(input, options);
  return tf.model({ inputs: input, outputs: output });
}

const x = () => tf.randomNormal([2, 6, 6, 16], 0, 1, 'float32', 4);
const stdOf = (t: tf.Tensor) => tf.moments(t).variance.sqrt().dataSync()[0];

describe('branch scaling starts each block as the identity: relu(x + 0)', () => {
  const variants: [string, Variant][] = [
    ['zeroInitResidual (last BN γ = 0; Goyal et al. 2017)', { zeroInitResidual: true }],
    ['ReZero (α = 0; Bachlechner et al. 2020)', { residualScale: 'rezero' }],
    [
      'SkipInit without normalisation (De & Smith 2020)',
      { residualScale: 'skipinit', norm: 'none' },
    ],
    ['Fixup (Zhang et al. 2019)', { norm: 'none', fixupBranches: 8 }],
  ];
  for (const [title, variant] of variants) {
    for (const kind of ['basic', 'bottleneck'] as const) {
      it(`${title}, ${kind}`, () => {
        const model = block(variant, [6, 6, 16], kind);
        const input = x();
        expectTensorsClose(model.predict(input) as tf.Tensor, tf.relu(input), { atol: 1e-6 });
      });
    }
  }

  it('LayerScale (a 1e-5 factor per channel; Touvron et al. 2021), as a DepthwiseConv2D', () => {
    const model = block({ residualScale: 'layerscale' });
    const scale = model.getLayer('b_layer_scale');
    expect(scale.getClassName()).toBe('DepthwiseConv2D');
    expectTensorsClose(scale.getWeights()[0], tf.fill([1, 1, 16, 1], 1e-5));
    const input = x();
    expectTensorsClose(model.predict(input) as tf.Tensor, tf.relu(input), { atol: 1e-3 });
  });
});

describe('Fixup', () => {
  it('adds scalar biases and one multiplier, no normalisation, and shrinks the inner kernel by L^(-1/2)', () => {
    const fixup = block({ norm: 'none', fixupBranches: 16 });
    const classes = fixup.layers.map((l) => l.getClassName());
    expect(classes).not.toContain('BatchNormalization');
    expect(classes.filter((c) => c === 'ScalarBias')).toHaveLength(4);
    expect(classes.filter((c) => c === 'ScalarMultiply')).toHaveLength(1);
    expect(fixup.getLayer('b_1_conv').getConfig().useBias).toBe(false);
    const plain = block({ norm: 'none', residualScale: 'skipinit' });
    const ratio =
      stdOf(fixup.getLayer('b_1_conv').getWeights()[0]) /
      stdOf(plain.getLayer('b_1_conv').getWeights()[0]);
    expect(ratio).toBeCloseTo(16 ** -0.5, 1);
    expect(fixup.getLayer('b_2_conv').getWeights()[0].abs().max().dataSync()[0]).toBe(0);
  });

  it('scales a bottleneck branch by L^(-1/4) (m = 3 layers)', () => {
    const fixup = block({ norm: 'none', fixupBranches: 16 }, [6, 6, 16], 'bottleneck');
    const plain = block({ norm: 'none', residualScale: 'rezero' }, [6, 6, 16], 'bottleneck');
    const std = (m: tf.LayersModel) => stdOf(m.getLayer('b_2_conv').getWeights()[0]);
    expect(std(fixup) / std(plain)).toBeCloseTo(16 ** -0.25, 1);
  });

  it('is refused with batch norm or with another branch scale', () => {
    expect(() => block({ fixupBranches: 8 })).toThrow(
      "b: Fixup replaces normalisation; it needs norm 'none'.",
    );
    expect(() => block({ norm: 'none', fixupBranches: 8, residualScale: 'rezero' })).toThrow(
      "b: Fixup brings its own branch multiplier; residualScale must be 'none', got 'rezero'.",
    );
  });
});

describe('other options', () => {
  it('without normalisation (and no Fixup) the convolutions carry biases', () => {
    const model = block({ norm: 'none', residualScale: 'skipinit' }, [6, 6, 8]);
    expect(model.getLayer('b_1_conv').getConfig().useBias).toBe(true);
    expect(model.getLayer('b_shortcut_conv').getConfig().useBias).toBe(true);
  });

  it('squeeze-and-excitation gates the branch from standard layers (Hu et al. 2018)', () => {
    const model = block({ squeezeExcitation: true });
    const without = block({});
    // 16 → 8 → 16 channels (16/16 rounded up to 8, as timm), with biases
    expect(model.countParams() - without.countParams()).toBe(16 * 8 + 8 + 8 * 16 + 16);
    expect(model.getLayer('b_se_scale').getClassName()).toBe('Multiply');
  });

  it('stochastic depth drops the branch only while training', async () => {
    const model = block({ dropPathRate: 0.5, seed: 1 });
    expect(model.getLayer('b_drop_path').getClassName()).toBe('DropPath');
    const input = x();
    const reference = block({});
    reference.setWeights(model.getWeights());
    expectTensorsClose(model.predict(input) as tf.Tensor, reference.predict(input) as tf.Tensor);
    await expectNoLeakedTensors(() => {
      const { grads, value } = tf.variableGrads(
        () => (model.apply(input, { training: true }) as tf.Tensor).square().mean() as tf.Scalar,
      );
      tf.dispose([grads, value]);
    });
  });

  it('a plain block refuses the options that need a residual branch', () => {
    expect(() => block({ shortcut: null, residualScale: 'rezero', dropPathRate: 0.1 })).toThrow(
      'b: a plain block (shortcut: null) has no residual branch for residualScale, dropPathRate.',
    );
  });

  it('rejects an unknown residualScale, naming the accepted ones', () => {
    expect(() => block({ residualScale: 'halve' as never })).toThrow(
      "b: residualScale must be one of none, rezero, skipinit, layerscale, got 'halve'.",
    );
  });
});
