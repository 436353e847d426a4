import * as tf from '@tensorflow/tfjs';
import { describe } from 'vitest';
import { MOVING_AVERAGE_UPDATE } from './kernels/shared/moving-average.js';
import { movingAverageUpdate } from './moving-average-update.js';
import { Rng } from './rng.js';
import { itMatchesTheComposition } from './testing/matches-the-composition.js';

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
  itMatchesTheComposition(MOVING_AVERAGE_UPDATE, fiveUpdates);
});
