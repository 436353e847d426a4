import { initBackend } from '@residual/backend';
import { expectNoLeakedTensors, expectTensorsClose } from '@residual/backend/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { gptNormalInitializers } from './initializers.js';
import { layerNorm } from './layer-norm.js';
import { PositionEmbedding } from './position-embedding.js';
import { TokenEmbedding } from './token-embedding.js';
import { type TRANSFORMER_RESIDUAL_FORMS, transformerBlock } from './transformer-block.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

const VOCAB = 11;
const CONTEXT = 8;

/** A two-block character model with tied embeddings, dropout and every op a GPT uses. */
function tinyGpt(form: (typeof TRANSFORMER_RESIDUAL_FORMS)[number]): tf.LayersModel {
  const kernelInitializer = gptNormalInitializers(7);
  const tokens = tf.input({ shape: [null], dtype: 'int32' });
  const embedding = new TokenEmbedding({
    vocabSize: VOCAB,
    width: 16,
    embeddingsInitializer: kernelInitializer('token_embedding'),
    name: 'token_embedding',
  });
  let x = embedding.apply(tokens) as tf.SymbolicTensor;
  x = new PositionEmbedding({
    contextLength: CONTEXT,
    embeddingsInitializer: kernelInitializer('position_embedding'),
    name: 'position_embedding',
  }).apply(x) as tf.SymbolicTensor;
  for (const i of [1, 2]) {
    x = transformerBlock(x, {
      heads: 2,
      layers: 2,
      name: `block${i}`,
      residualForm: form,
      dropout: 0.1,
      seed: 3,
      kernelInitializer,
    });
  }
  x = layerNorm(x, 'ln_f');
  return tf.model({ inputs: tokens, outputs: embedding.apply(x) as tf.SymbolicTensor });
}

/** Sequences counting up modulo the vocabulary: each next token follows from the last. */
function batch(): { tokens: tf.Tensor2D; targets: tf.Tensor3D } {
  const starts = [0, 3, 5, 9];
  const seq = (s: number, offset: number) =>
    Array.from({ length: CONTEXT }, (_, t) => (s + t + offset) % VOCAB);
  return tf.tidy(() => ({
    tokens: tf.tensor2d(
      starts.map((s) => seq(s, 0)),
      undefined,
      'int32',
    ),
    targets: tf.oneHot(
      tf.tensor2d(
        starts.map((s) => seq(s, 1)),
        undefined,
        'int32',
      ),
      VOCAB,
    ) as tf.Tensor3D,
  }));
}

function lossOf(model: tf.LayersModel, tokens: tf.Tensor, targets: tf.Tensor): tf.Scalar {
  const logits = model.apply(tokens, { training: true }) as tf.Tensor;
  return tf.losses.softmaxCrossEntropy(targets, logits) as tf.Scalar;
}

describe.each(['wasm', 'cpu'])('a tiny GPT on the %s backend', (backend) => {
  it.each(['pre-ln', 'post-ln', 'rezero', 'deepnorm'] as const)(
    'trains (%s): every weight gets a gradient and the loss falls',
    async (form) => {
      await tf.setBackend(backend);
      const model = tinyGpt(form);
      const { tokens, targets } = batch();
      const { grads, value } = tf.variableGrads(() => lossOf(model, tokens, targets));
      // Every trainable weight receives a gradient, and (except ReZero's, behind α = 0) not zero.
      expect(Object.keys(grads).sort()).toEqual(
        model.trainableWeights.map((w) => (w.read() as tf.Variable).name).sort(),
      );
      const silent = Object.entries(grads)
        .filter(([, g]) => tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0]) === 0)
        .map(([name]) => name);
      if (form !== 'rezero') expect(silent).toEqual([]);
      tf.dispose([value, ...Object.values(grads)]);
      const optimizer = tf.train.adam(1e-2);
      const losses: number[] = [];
      const step = () => {
        const loss = optimizer.minimize(() => lossOf(model, tokens, targets), true);
        losses.push(loss!.dataSync()[0]);
        loss!.dispose();
      };
      step(); // Adam makes its two slots per weight here; later steps allocate nothing lasting.
      await expectNoLeakedTensors(() => {
        for (let i = 1; i < 10; i++) step();
      });
      expect(losses[0]).toBeGreaterThan(Math.log(VOCAB) - 0.3);
      expect(losses[9]).toBeLessThan(losses[0] * 0.8);
      optimizer.dispose();
      tf.dispose([tokens, targets]);
      model.dispose();
    },
    60_000,
  );
});

describe('wasm and cpu', () => {
  it('compute the same gradients for every weight', async () => {
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      const model = tinyGpt('pre-ln');
      const { tokens, targets } = batch();
      const { grads, value } = tf.variableGrads(() => {
        const logits = model.apply(tokens) as tf.Tensor;
        return tf.losses.softmaxCrossEntropy(targets, logits) as tf.Scalar;
      });
      const out = {
        loss: value.dataSync()[0],
        grads: Object.fromEntries(
          Object.entries(grads).map(([k, g]) => [k.replace(/_\d+$/, ''), g.arraySync()]),
        ),
      };
      model.dispose();
      return out;
    };
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    expect(wasm.loss).toBeCloseTo(cpu.loss, 5);
    expect(Object.keys(wasm.grads).sort()).toEqual(Object.keys(cpu.grads).sort());
    for (const name of Object.keys(cpu.grads)) {
      expectTensorsClose(
        tf.tensor(wasm.grads[name] as number[]),
        tf.tensor(cpu.grads[name] as number[]),
        { rtol: 1e-3, atol: 1e-6 },
      );
    }
  });
});
