import { initBackend } from '@residual/backend';
import { expectTensorsClose } from '@residual/backend/testing';
import { TRANSFORMER_RESIDUAL_FORMS } from '@residual/layers';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { countMacs } from './count-macs.js';
import { countParameters } from './count-parameters.js';
import { gptParameterCount } from './gpt.js';
import './index.js';
import { createModel, getModelEntry } from './registry.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

const small = { vocabSize: 11, contextLength: 8, layers: 2, heads: 2, width: 8 };

describe('the GPT family', () => {
  it("holds nanoGPT's counts: every parameter once, positions included, bias and tying on", () => {
    for (const name of ['gpt_char_micro', 'gpt_char_small']) {
      const { defaultNumClasses, defaultInputShape, trainableParams } = getModelEntry(name);
      expect(defaultNumClasses).toBe(65);
      const model = createModel(name, { seed: 1 });
      const spec = {
        vocabSize: 65,
        contextLength: defaultInputShape[0],
        layers: name === 'gpt_char_micro' ? 4 : 6,
        heads: name === 'gpt_char_micro' ? 4 : 6,
        width: name === 'gpt_char_micro' ? 128 : 384,
      };
      const formula = gptParameterCount({
        ...spec,
        residualForm: 'pre-ln',
        bias: true,
        tieWeights: true,
      });
      expect([countParameters(model).trainable, formula]).toEqual([
        trainableParams,
        trainableParams,
      ]);
      // Per sequence: 12·T·D² in the projections and MLP, 2·T²·D in attention, per block.
      const { contextLength: t, width: d, layers } = spec;
      expect(countMacs(model, [t])).toBe(layers * (12 * t * d * d + 2 * t * t * d) + t * d * 65);
      model.dispose();
    }
    expect(getModelEntry('gpt_char_micro').trainableParams).toBe(809_856);
    expect(getModelEntry('gpt_char_small').trainableParams).toBe(10_770_816);
  });

  it('matches the closed-form count for every residual form, with and without bias and tying', () => {
    for (const residualForm of TRANSFORMER_RESIDUAL_FORMS) {
      for (const bias of [true, false]) {
        for (const tieWeights of [true, false]) {
          const options = { ...small, residualForm, bias, tieWeights };
          const model = createModel('gpt_char_micro', options);
          expect(countParameters(model).trainable, JSON.stringify(options)).toBe(
            gptParameterCount(options),
          );
          model.dispose();
        }
      }
    }
  });

  it('reads token ids [batch, length ≤ context] and gives logits for every position', () => {
    const model = createModel('gpt_char_micro', { ...small, seed: 2 });
    const ids = tf.tensor2d([[1, 2, 3, 4, 5, 6, 7, 8]], undefined, 'int32');
    const full = model.predict(ids) as tf.Tensor;
    expect(full.shape).toEqual([1, 8, 11]);
    // A prompt shorter than the context: the same logits as the full sequence's first positions.
    const prompt = model.predict(ids.slice([0, 0], [1, 3])) as tf.Tensor;
    expectTensorsClose(prompt, full.slice([0, 0, 0], [1, 3, 11]), { rtol: 1e-5, atol: 1e-6 });
    // The same seed builds the same model.
    const again = createModel('gpt_char_micro', { ...small, seed: 2 });
    expectTensorsClose(again.predict(ids) as tf.Tensor, full, { rtol: 0, atol: 0 });
  });

  it('never lets a future token change an earlier logit, for every residual form', () => {
    for (const residualForm of TRANSFORMER_RESIDUAL_FORMS) {
      const model = createModel('gpt_char_micro', { ...small, residualForm, seed: 3 });
      // ReZero and LayerScale start their branches (near) zero; open them so attention counts.
      for (const layer of model.layers.filter((l) => /_scale$/.test(l.name))) {
        layer.setWeights(layer.getWeights().map((w) => tf.fill(w.shape, 1)));
      }
      const ids = [3, 1, 4, 1, 5, 9, 2, 6];
      const logits = (tokens: number[]) =>
        (
          model.predict(tf.tensor2d([tokens], undefined, 'int32')) as tf.Tensor
        ).arraySync() as number[][][];
      const before = logits(ids);
      for (const t of [1, 4, 7]) {
        const changed = [...ids.slice(0, t), ...ids.slice(t).map((id) => (id + 5) % 11)];
        const after = logits(changed);
        expect(after[0].slice(0, t), `${residualForm}, change at ${t}`).toEqual(
          before[0].slice(0, t),
        );
        expect(after[0][t], `${residualForm}, position ${t} itself`).not.toEqual(before[0][t]);
      }
    }
  });

  it('rejects options it cannot build, in one line naming the option and value', () => {
    expect(() => createModel('gpt_char_micro', { width: 130 })).toThrow(
      'gpt_char_micro: width 130 does not divide by heads 4; each head takes width / heads channels.',
    );
    expect(() => createModel('gpt_char_micro', { heads: 0 })).toThrow(
      'gpt_char_micro: heads must be a positive integer, got 0.',
    );
    expect(() => createModel('gpt_char_micro', { contextLength: 2.5 })).toThrow(
      'gpt_char_micro: contextLength must be a positive integer, got 2.5.',
    );
    expect(() => createModel('gpt_char_micro', { residualForm: 'sandwich' as never })).toThrow(
      "gpt_char_micro: residualForm must be one of 'pre-ln', 'post-ln', 'none', 'rezero', 'deepnorm', 'layerscale', got 'sandwich'.",
    );
    expect(() => createModel('gpt_char_micro', { dropout: 1 })).toThrow(
      'gpt_char_micro: dropout must be in [0, 1), got 1.',
    );
    expect(() => createModel('gpt_char_micro', { inputShape: [8, 8, 3] })).toThrow(
      'gpt_char_micro: unknown option "inputShape". Accepted: seed, vocabSize, contextLength, layers, heads, width, residualForm, dropout, bias, tieWeights.',
    );
  });
});
