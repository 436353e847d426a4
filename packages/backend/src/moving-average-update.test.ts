import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend } from './init-backend.js';
import { MOVING_AVERAGE_UPDATE } from './kernels/shared/moving-average.js';
import { movingAverageUpdate } from './moving-average-update.js';
import { Rng } from './rng.js';
import { onStockCpu } from './testing/on-stock-cpu.js';

/** Five updates of a 19-value average, as plain numbers. */
function fiveUpdates(): number[] {
  const rng = new Rng(3);
  const values = () => Array.from({ length: 19 }, () => rng.nextFloat() * 4 - 2);
  let average: tf.Tensor = tf.tensor1d(values());
  for (let step = 0; step < 5; step++) {
    const batch = tf.tensor1d(values());
    const next = movingAverageUpdate(average, batch, 1 - 0.99);
    tf.dispose([average, batch]);
    average = next;
  }
  const out = Array.from(average.dataSync());
  average.dispose();
  return out;
}

describe('movingAverageUpdate', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    it(`gives on ${backend}, in one kernel, the bits of the tfjs composition`, async () => {
      // Stock cpu has no kernel of ours: there movingAverageUpdate runs the composition.
      const expected = await onStockCpu(fiveUpdates);
      await initBackend({ backend });
      expect(tf.getKernel(MOVING_AVERAGE_UPDATE, backend)).toBeDefined();
      const before = tf.memory().numTensors;
      expect(fiveUpdates()).toEqual(expected);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
