import { initBackend } from '@residual/backend';
import { expectNoLeakedTensors, expectTensorsClose } from '@residual/backend/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CausalAttention } from './causal-attention.js';
import { causalSelfAttention } from './causal-self-attention.js';
import { type KernelInitializerFactory, layerSeed } from './initializers.js';
import { expectGradientsMatchNumeric, roundTrip } from './test-helpers.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

/** Weights large enough that every path through the attention moves the output. */
const wide: KernelInitializerFactory = (name) =>
  tf.initializers.randomNormal({ mean: 0, stddev: 0.5, seed: layerSeed(1, name) });

function attentionModel(width = 8, heads = 2): tf.LayersModel {
  const input = tf.input({ shape: [null, width] });
  const output = causalSelfAttention(input, { heads, name: 'block1', kernelInitializer: wide });
  return tf.model({ inputs: input, outputs: output });
}

/** Attention written out position by position, head by head, in float64. */
function referenceAttention(q: number[][], k: number[][], v: number[][], heads: number) {
  const length = q.length;
  const width = q[0].length;
  const headWidth = width / heads;
  const out = q.map(() => new Array<number>(width).fill(0));
  for (let h = 0; h < heads; h++) {
    const cols = [...Array(headWidth).keys()].map((c) => h * headWidth + c);
    for (let t = 0; t < length; t++) {
      const scores = [...Array(t + 1).keys()].map(
        (s) => cols.reduce((sum, c) => sum + q[t][c] * k[s][c], 0) / Math.sqrt(headWidth),
      );
      const max = Math.max(...scores);
      const exps = scores.map((x) => Math.exp(x - max));
      const total = exps.reduce((a, b) => a + b, 0);
      for (const c of cols) {
        out[t][c] = exps.reduce((sum, e, s) => sum + (e / total) * v[s][c], 0);
      }
    }
  }
  return out;
}

describe('CausalAttention', () => {
  it('computes softmax(q·kᵀ/√d)·v per head over the past only', () => {
    const [q, k, v] = [1, 2, 3].map((seed) => tf.randomNormal([1, 5, 6], 0, 1, 'float32', seed));
    const layer = new CausalAttention({ heads: 3 });
    const y = layer.apply([q, k, v]) as tf.Tensor;
    const rows = (t: tf.Tensor) => (t.arraySync() as number[][][])[0];
    expectTensorsClose(y, tf.tensor([referenceAttention(rows(q), rows(k), rows(v), 3)]), {
      rtol: 1e-5,
      atol: 1e-6,
    });
    expect(layer.multiplyAccumulates([q.shape, k.shape, v.shape])).toBe(2 * 5 * 5 * 6);
  });

  it('leaks nothing from the future: changing token t changes no output before t', () => {
    const model = attentionModel();
    const x = tf.randomNormal([2, 6, 8], 0, 1, 'float32', 4);
    const before = model.predict(x) as tf.Tensor;
    for (const t of [0, 3, 5]) {
      const changed = tf.tidy(() => {
        const noise = tf.randomNormal([2, 6 - t, 8], 0, 3, 'float32', 10 + t);
        return tf.concat([tf.slice(x, [0, 0, 0], [2, t, 8]), noise], 1);
      });
      const after = model.predict(changed) as tf.Tensor;
      if (t > 0) {
        expect(Array.from(after.slice([0, 0, 0], [2, t, 8]).dataSync())).toEqual(
          Array.from(before.slice([0, 0, 0], [2, t, 8]).dataSync()),
        );
      }
      // ...and does change position t itself, so the test can fail.
      const at = (y: tf.Tensor) => Array.from(y.slice([0, t, 0], [2, 1, 8]).dataSync());
      expect(at(after)).not.toEqual(at(before));
    }
  });

  it('has the gradients of its maths, projections included (checked numerically)', async () => {
    const model = attentionModel(4, 2);
    const x = tf.variable(tf.randomNormal([2, 3, 4], 0, 1, 'float32', 5), true, 'attention_x');
    const probe = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 6);
    const loss = () => tf.sum(tf.mul(model.apply(x) as tf.Tensor, probe)) as tf.Scalar;
    const variables = [x, ...model.trainableWeights.map((w) => w.read() as tf.Variable)];
    await expectNoLeakedTensors(() =>
      expectGradientsMatchNumeric(loss, variables, { epsilon: 5e-3, samples: 12 }),
    );
  });

  it('refuses a width the heads do not divide, in one line', () => {
    const input = tf.input({ shape: [4, 6] });
    expect(() =>
      causalSelfAttention(input, { heads: 4, name: 'block1', kernelInitializer: wide }),
    ).toThrow('block1_attn: the width (6) must be divisible by the number of heads (4).');
  });

  it('drops attention weights only while training, from its seed', () => {
    const attention = () => new CausalAttention({ heads: 2, dropout: 0.5, seed: 3, name: 'attn' });
    const qkv = [1, 2, 3].map((seed) => tf.randomNormal([1, 6, 4], 0, 1, 'float32', seed));
    const [a, b] = [attention(), attention()];
    const train = (layer: CausalAttention) =>
      Array.from((layer.apply(qkv, { training: true }) as tf.Tensor).dataSync());
    const first = train(a);
    expect(first).toEqual(train(b));
    expect(train(a)).not.toEqual(first); // a new mask every step
    expectTensorsClose(a.apply(qkv) as tf.Tensor, attention().apply(qkv) as tf.Tensor);
  });

  it('round-trips through model.toJSON() and tf.models.modelFromJSON', async () => {
    const model = attentionModel();
    const restored = await roundTrip(model);
    expect(restored.getLayer('block1_attn').getConfig()).toMatchObject({ heads: 2, dropout: 0 });
    const x = tf.randomNormal([1, 4, 8], 0, 1, 'float32', 7);
    expectTensorsClose(restored.predict(x) as tf.Tensor, model.predict(x) as tf.Tensor);
  });
});
