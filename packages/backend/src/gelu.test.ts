import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { gelu } from './gelu.js';
import { initBackend } from './init-backend.js';
import { GELU } from './kernels/shared/gelu.js';
import { Rng } from './rng.js';
import { expectTensorsClose } from './testing/expect-tensors-close.js';
import { itMatchesTheComposition } from './testing/matches-the-composition.js';

/** GELU and its input gradient (weighted by fixed upstream gradients) as plain numbers. */
function valueAndGradient(): number[][] {
  const rng = new Rng(3);
  const x = tf.tensor(
    Array.from({ length: 300 }, () => rng.nextFloat() * 12 - 6),
    [3, 100],
  );
  const dy = tf.tensor(
    Array.from({ length: 300 }, () => rng.nextFloat() * 2 - 1),
    [3, 100],
  );
  const y = gelu(x);
  const dx = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(gelu(input), dy)))(x);
  const out = [y, dx].map((t) => Array.from(t.dataSync()));
  tf.dispose([x, dy, y, dx]);
  return out;
}

describe('gelu', () => {
  itMatchesTheComposition(GELU, valueAndGradient, ([ours, oursDx], [y, dx]) => {
    expectTensorsClose(ours, y, { rtol: 1e-5, atol: 1e-6 });
    expectTensorsClose(oursDx, dx, { rtol: 1e-5, atol: 1e-6 });
  });

  it('has the gradient of finite differences', async () => {
    await initBackend({ backend: 'cpu' });
    const points = [-3, -1.2, -0.3, 0, 0.4, 1.7, 2.5];
    const h = 1e-3;
    const f = (x: number) => x * 0.5 * (1 + erf(x / Math.SQRT2));
    const dx = tf.tidy(() =>
      Array.from(
        tf
          .grad((x: tf.Tensor) => tf.sum(gelu(x)))(tf.tensor1d(points))
          .dataSync(),
      ),
    );
    for (const [i, x] of points.entries())
      expect(dx[i]).toBeCloseTo((f(x + h) - f(x - h)) / (2 * h), 3);
  });
});

/** erf by its Maclaurin series, for the reference (converges fast for |x| < 3). */
function erf(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; n < 60; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}
