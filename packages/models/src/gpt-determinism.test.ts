// A GPT trains to the same bits with any number of native threads: its native kernels (matrix
// products, layer norm, GELU, the causal softmax, element-wise ops) split work by shape and sum
// in a fixed order. Batch 8 × context 64 is large enough for them to split among threads.
import { initBackend, nativeKernelStatus } from '@residual/backend';
import { nativeSkipReason } from '@residual/vitest-config/peer';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import './index.js';
import { createModel } from './registry.js';

const BATCH = 8;
const CONTEXT = 64;
const VOCAB = 65;

/** Two plain gradient steps on next-token cross-entropy: the losses and every weight's bits. */
function train(): { losses: number[]; weights: Buffer } {
  const model = createModel('gpt_char_micro', { seed: 3 }) as tf.LayersModel;
  const ids = (offset: number) =>
    tf.tensor2d(
      Int32Array.from({ length: BATCH * CONTEXT }, (_, i) => (i * 7 + offset) % VOCAB),
      [BATCH, CONTEXT],
      'int32',
    );
  const [x, y] = [ids(0), ids(1)];
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const losses: number[] = [];
  for (let step = 0; step < 2; step++) {
    const loss = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        const logits = model.apply(x, { training: true }) as tf.Tensor;
        return tf.losses.softmaxCrossEntropy(tf.oneHot(y, VOCAB), logits);
      }, variables);
      for (const v of variables) v.assign(tf.sub(v, tf.mul(grads[v.name], 0.1)));
      return value;
    });
    losses.push(loss.dataSync()[0]);
    loss.dispose();
  }
  const weights = Buffer.concat(
    model.getWeights().map((w) => Buffer.from((w.dataSync() as Float32Array).slice().buffer)),
  );
  tf.dispose([x, y]);
  model.dispose();
  return { losses, weights };
}

const nativeSkip = nativeSkipReason(await nativeKernelStatus());

describe('gpt_char_micro training', () => {
  it.skipIf(nativeSkip !== undefined)(
    'gives the same bits with 1, 2 or 3 native threads',
    async () => {
      const status = await nativeKernelStatus();
      const runs = [];
      try {
        for (const threads of [1, 2, 3]) {
          await initBackend({ backend: 'wasm', native: true, threads });
          runs.push(train());
        }
      } finally {
        if (status.available)
          await initBackend({ backend: 'wasm', native: true, threads: status.threads });
      }
      expect(runs[0].losses[1]).toBeLessThan(runs[0].losses[0]);
      for (const run of runs.slice(1)) {
        expect(run.losses).toEqual(runs[0].losses);
        expect(run.weights.equals(runs[0].weights)).toBe(true);
      }
    },
  );
});
