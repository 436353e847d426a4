import { initBackend } from '@residual/backend';
import { expectNoLeakedTensors, expectTensorsClose } from '@residual/backend/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PositionEmbedding } from './position-embedding.js';
import { expectGradientsMatchNumeric, roundTrip } from './test-helpers.js';
import { TokenEmbedding } from './token-embedding.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

/** Token ids → embedding (+ positions) → logits through the same matrix. */
function tiedModel(): tf.LayersModel {
  const tokens = tf.input({ shape: [null], dtype: 'int32' });
  const embedding = new TokenEmbedding({ vocabSize: 7, width: 4, name: 'token_embedding' });
  let x = embedding.apply(tokens) as tf.SymbolicTensor;
  x = new PositionEmbedding({ contextLength: 5, name: 'position_embedding' }).apply(
    x,
  ) as tf.SymbolicTensor;
  return tf.model({ inputs: tokens, outputs: embedding.apply(x) as tf.SymbolicTensor });
}

describe('TokenEmbedding', () => {
  it('looks rows up for ids and multiplies by Eᵀ for hidden states, with one matrix', () => {
    const model = tiedModel();
    expect(model.countParams()).toBe(7 * 4 + 5 * 4);
    const layer = model.getLayer('token_embedding') as TokenEmbedding;
    const [table] = layer.getWeights();
    const ids = tf.tensor2d([[3, 0, 6]], undefined, 'int32');
    const rows = layer.apply(ids) as tf.Tensor;
    expectTensorsClose(rows, tf.gather(table, ids));
    const hidden = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 1);
    expectTensorsClose(
      layer.apply(hidden) as tf.Tensor,
      tf.matMul(hidden.reshape([6, 4]), table, false, true).reshape([2, 3, 7]),
    );
    expect(layer.computeOutputShape([null, 5])).toEqual([null, 5, 4]);
    expect(layer.computeOutputShape([null, 5, 4])).toEqual([null, 5, 7]);
    expect(layer.multiplyAccumulates([null, 5, 4])).toBe(5 * 4 * 7);
    expect(layer.multiplyAccumulates([null, 5])).toBe(0);
    expect(() => layer.apply(tf.zeros([2, 3, 5]))).toThrow(
      'token_embedding: expected token ids [batch, length] or hidden states [batch, length, 4], got shape [2,3,5].',
    );
  });

  it('is released with the model that uses it twice (tied weights)', async () => {
    await expectNoLeakedTensors(() => {
      const model = tiedModel();
      expect(model.dispose().numDisposedVariables).toBe(2);
    });
  });

  it('has the gradients of both uses on wasm (whose gather has no gradient kernel)', async () => {
    const model = tiedModel();
    const ids = tf.tensor2d(
      [
        [1, 1, 4, 6],
        [0, 2, 2, 1],
      ],
      undefined,
      'int32',
    );
    const probe = tf.randomNormal([2, 4, 7], 0, 1, 'float32', 2);
    const loss = () => tf.sum(tf.mul(model.apply(ids) as tf.Tensor, probe)) as tf.Scalar;
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    await expectNoLeakedTensors(() =>
      expectGradientsMatchNumeric(loss, variables, { samples: 16, epsilon: 1e-2 }),
    );
  });

  it('refuses a sequence longer than the context', () => {
    const model = tiedModel();
    expect(() => model.predict(tf.zeros([1, 6], 'int32'))).toThrow(
      'position_embedding: a sequence of 6 tokens is longer than the context (5).',
    );
    // A shorter one (a prompt) reads the first positions.
    expect((model.predict(tf.zeros([1, 2], 'int32')) as tf.Tensor).shape).toEqual([1, 2, 7]);
  });

  it('round-trips, shared matrix included, through model.toJSON() and modelFromJSON', async () => {
    const model = tiedModel();
    const restored = await roundTrip(model);
    expect(restored.countParams()).toBe(model.countParams());
    const ids = tf.tensor2d([[4, 2, 0, 1, 3]], undefined, 'int32');
    expectTensorsClose(restored.predict(ids) as tf.Tensor, model.predict(ids) as tf.Tensor);
  });
});
