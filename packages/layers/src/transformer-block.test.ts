import { initBackend } from '@residual/backend';
import { expectNoLeakedTensors, expectTensorsClose } from '@residual/backend/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { customLayerClassNames } from './custom-layers.js';
import { gptNormalInitializers, type KernelInitializerFactory, layerSeed } from './initializers.js';
import { expectGradientsMatchNumeric, roundTrip } from './test-helpers.js';
import {
  caitLayerScaleInit,
  deepNormConstants,
  TRANSFORMER_RESIDUAL_FORMS,
  type TransformerResidualForm,
  transformerBlock,
} from './transformer-block.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

/** Weights large enough that every path through the block moves the output. */
const wide: KernelInitializerFactory = (name, gain = 1) =>
  tf.initializers.randomNormal({ mean: 0, stddev: 0.5 * gain, seed: layerSeed(2, name) });

function blockModel(
  form: TransformerResidualForm,
  width: number,
  kernelInitializer: KernelInitializerFactory = wide,
  bias = true,
): tf.LayersModel {
  const input = tf.input({ shape: [null, width] });
  const output = transformerBlock(input, {
    heads: 2,
    name: 'block1',
    layers: 2,
    residualForm: form,
    kernelInitializer,
    bias,
  });
  return tf.model({ inputs: input, outputs: output });
}

/** Per block of width D: 4 D² + 4 D attention, 8 D² + 5 D MLP, 2 D per LayerNorm. */
const expectedParams: Record<TransformerResidualForm, (d: number) => number> = {
  'pre-ln': (d) => 12 * d * d + 13 * d,
  'post-ln': (d) => 12 * d * d + 13 * d,
  none: (d) => 12 * d * d + 13 * d,
  rezero: (d) => 12 * d * d + 9 * d + 2,
  deepnorm: (d) => 12 * d * d + 13 * d,
  layerscale: (d) => 12 * d * d + 15 * d,
};

const expectedCustom: Record<TransformerResidualForm, string[]> = {
  'pre-ln': ['CausalAttention'],
  'post-ln': ['CausalAttention'],
  none: ['CausalAttention'],
  rezero: ['CausalAttention', 'ScalarMultiply'],
  deepnorm: ['CausalAttention'],
  layerscale: ['CausalAttention', 'ChannelScale'],
};

describe.each(TRANSFORMER_RESIDUAL_FORMS.map((form) => [form]))('a %s block', (form) => {
  it('has the parameters of its form, keeps the shape and round-trips', async () => {
    const model = blockModel(form, 8);
    expect(model.countParams()).toBe(expectedParams[form](8));
    expect(customLayerClassNames(model)).toEqual(expectedCustom[form]);
    const x = tf.randomNormal([2, 5, 8], 0, 1, 'float32', 1);
    const y = await expectNoLeakedTensors(() => model.predict(x) as tf.Tensor);
    expect(y.shape).toEqual([2, 5, 8]);
    const restored = await roundTrip(model);
    expectTensorsClose(restored.predict(x) as tf.Tensor, y, { rtol: 1e-5, atol: 1e-6 });
  });

  it('has the gradients of its maths (checked numerically)', async () => {
    const model = blockModel(form, 4);
    // ReZero's α starts at 0, which silences its branches' gradients; open them.
    for (const layer of model.layers.filter((l) => /_scale$/.test(l.name))) {
      layer.setWeights(layer.getWeights().map((w) => tf.fill(w.shape, 0.7)));
    }
    const x = tf.variable(tf.randomNormal([2, 3, 4], 0, 1, 'float32', 3), true, `x_${form}`);
    const probe = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 4);
    const loss = () => tf.sum(tf.mul(model.apply(x) as tf.Tensor, probe)) as tf.Scalar;
    const variables = [x, ...model.trainableWeights.map((w) => w.read() as tf.Variable)];
    await expectNoLeakedTensors(() =>
      expectGradientsMatchNumeric(loss, variables, { epsilon: 5e-3, samples: 6 }),
    );
  });
});

describe('transformerBlock', () => {
  it("initialises as GPT-2: N(0, 0.02), stream projections / √(2N), DeepNorm's β instead", () => {
    const std = (model: tf.LayersModel, layer: string) =>
      tf.tidy(
        () => tf.moments(model.getLayer(layer).getWeights()[0]).variance.sqrt().dataSync()[0],
      );
    const near = (actual: number, expected: number) =>
      expect(Math.abs(actual / expected - 1)).toBeLessThan(0.05);
    const gpt = blockModel('pre-ln', 64, gptNormalInitializers(1));
    near(std(gpt, 'block1_attn_query'), 0.02);
    near(std(gpt, 'block1_attn_value'), 0.02);
    near(std(gpt, 'block1_mlp_fc'), 0.02);
    near(std(gpt, 'block1_attn_proj'), 0.02 / Math.sqrt(4));
    near(std(gpt, 'block1_mlp_proj'), 0.02 / Math.sqrt(4));
    expect(Array.from(gpt.getLayer('block1_mlp_fc').getWeights()[1].dataSync())).toEqual(
      new Array(256).fill(0),
    );
    const { alpha, beta } = deepNormConstants(2);
    expect([alpha, beta]).toEqual([4 ** 0.25, 16 ** -0.25]);
    const deep = blockModel('deepnorm', 64, gptNormalInitializers(1));
    near(std(deep, 'block1_attn_query'), 0.02);
    near(std(deep, 'block1_attn_key'), 0.02);
    for (const layer of [
      'block1_attn_value',
      'block1_attn_proj',
      'block1_mlp_fc',
      'block1_mlp_proj',
    ]) {
      near(std(deep, layer), 0.02 * beta);
    }
    expect(deep.getLayer('block1_attn_alpha').getConfig().scale).toBe(alpha);
    expect([caitLayerScaleInit(12), caitLayerScaleInit(24), caitLayerScaleInit(96)]).toEqual([
      0.1, 1e-5, 1e-6,
    ]);
  });

  it('without bias has no biases and no LayerNorm offsets (nanoGPT bias=False)', () => {
    expect(blockModel('pre-ln', 8, wide, false).countParams()).toBe(12 * 64 + 2 * 8);
  });

  it('refuses an unknown form and heads that do not divide the width, in one line', () => {
    const input = tf.input({ shape: [4, 6] });
    const options = { heads: 4, name: 'block3', layers: 2, kernelInitializer: wide };
    expect(() => transformerBlock(input, options)).toThrow(
      'block3: the width (6) must be divisible by the number of heads (4).',
    );
    expect(() =>
      transformerBlock(input, { ...options, heads: 2, residualForm: 'sandwich' as never }),
    ).toThrow(
      "block3: residualForm must be one of 'pre-ln', 'post-ln', 'none', 'rezero', 'deepnorm', 'layerscale', got 'sandwich'.",
    );
  });
});
