import { nativeSkipReason } from '@residual/vitest-config/peer';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { adamwUpdate } from './adamw-update.js';
import { initBackend, nativeKernelStatus } from './init-backend.js';
import { ADAMW_UPDATE, type AdamWUpdateAttrs } from './kernels/shared/adamw.js';
import { Rng } from './rng.js';
import { onStockCpu } from './testing/on-stock-cpu.js';

function values(size: number, seed: number, positive = false): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: size }, () => (positive ? rng.nextFloat() : rng.nextFloat() * 2 - 1));
}

/** Three steps of AdamW on one weight, returning its final weight, m and v as plain numbers. */
function threeSteps(decayed: boolean): number[][] {
  const shape = [5, 7];
  let weight = tf.tensor(values(35, 1), shape);
  let m = tf.tensor(values(35, 2), shape);
  let v = tf.tensor(values(35, 3, true), shape);
  for (let step = 1; step <= 3; step++) {
    const gradient = tf.tensor(values(35, 10 + step), shape);
    const attrs: AdamWUpdateAttrs = {
      beta1: 0.9,
      beta2: 0.99,
      oneMinusBeta1: 1 - 0.9,
      oneMinusBeta2: 1 - 0.99,
      decay: 1 - 1e-3 * 0.1,
      decayed,
      stepSize: 1e-3 / (1 - 0.9 ** step),
      rootCorrection2: Math.sqrt(1 - 0.99 ** step),
      epsilon: 1e-8,
    };
    const next = adamwUpdate(weight, m, v, gradient, attrs);
    tf.dispose([weight, m, v, gradient]);
    ({ weight, m, v } = next);
  }
  const out = [weight, m, v].map((t) => Array.from(t.dataSync()));
  tf.dispose([weight, m, v]);
  return out;
}

const nativeSkip = nativeSkipReason(await nativeKernelStatus());

describe('adamwUpdate', () => {
  for (const [backend, native] of [
    ['wasm', false],
    ['wasm', true],
    ['cpu', false],
  ] as const) {
    it.skipIf(native && nativeSkip !== undefined)(
      `gives on ${backend}${native ? ' (native)' : ''}, in one kernel, the bits of the tfjs composition`,
      async () => {
        // Stock cpu has no kernel of ours: there adamwUpdate runs the composition.
        const expected = await onStockCpu(() => [threeSteps(true), threeSteps(false)]);
        await initBackend({ backend, native });
        expect(tf.getKernel(ADAMW_UPDATE, backend)).toBeDefined();
        const before = tf.memory().numTensors;
        const actual = [threeSteps(true), threeSteps(false)];
        expect(tf.memory().numTensors).toBe(before);
        expect(actual).toEqual(expected);
        // Decay changes the weight and nothing else.
        expect(actual[0][0]).not.toEqual(actual[1][0]);
        expect(actual[0][1]).toEqual(actual[1][1]);
      },
    );
  }
});
