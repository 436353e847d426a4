// BatchMatMul and _FusedMatMul on wasm (native, and pure WebAssembly) against stock tfjs cpu.
import { nativeSkipReason } from '@residual/vitest-config/peer';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, nativeKernelStatus } from '../init-backend.js';
import { Rng } from '../rng.js';
import { expectNoLeakedTensors } from '../testing/expect-no-leaked-tensors.js';
import { expectTensorsClose } from '../testing/expect-tensors-close.js';
import { onStockCpu } from '../testing/on-stock-cpu.js';

const nativeSkip = nativeSkipReason(await nativeKernelStatus());

/** float32 sums of up to ~300 products of values in [-1, 1): a few ulps of the largest terms. */
const TOLERANCE = { rtol: 1e-4, atol: 1e-4 };

function random(shape: number[], seed: number): tf.Tensor {
  const rng = new Rng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Array.from({ length: size }, () => rng.nextFloat() * 2 - 1),
    shape,
  );
}

/** `op` on wasm (our kernels) and on stock tfjs's cpu: shapes and values must agree. */
async function matchesCpu(op: () => tf.Tensor | tf.Tensor[]): Promise<void> {
  const run = () =>
    tf.tidy(() => {
      const out = op();
      return (Array.isArray(out) ? out : [out]).map((t) => ({
        shape: t.shape,
        values: Array.from(t.dataSync()),
      }));
    });
  const expected = await onStockCpu(run);
  await tf.setBackend('wasm');
  const actual = run();
  expect(actual.map((a) => a.shape)).toEqual(expected.map((e) => e.shape));
  for (const [i, a] of actual.entries())
    expectTensorsClose(a.values, expected[i].values, TOLERANCE);
}

/** [a, b] shapes without transposes: 2-D, batched, broadcast batch dimensions, odd sizes. */
const CASES: [number[], number[]][] = [
  [
    [1, 1],
    [1, 1],
  ],
  [
    [37, 19],
    [19, 45],
  ],
  [
    [9, 300],
    [300, 70],
  ],
  [
    [3, 17, 9],
    [3, 9, 33],
  ],
  [
    [4, 13, 11],
    [11, 20],
  ],
  [
    [5, 6],
    [4, 6, 3],
  ],
  [
    [1, 5, 6],
    [4, 6, 3],
  ],
  [
    [2, 3, 5, 7],
    [1, 3, 7, 6],
  ],
  [
    [2, 3, 5, 7],
    [7, 6],
  ],
];

/** The stored shape of an operand of `shape` that the product reads transposed. */
function stored(shape: number[], transposed: boolean): number[] {
  if (!transposed) return shape;
  const r = shape.length;
  return [...shape.slice(0, r - 2), shape[r - 1], shape[r - 2]];
}

for (const native of [true, false]) {
  describe.skipIf(native && nativeSkip !== undefined)(
    `matrix products on wasm (native ${native ? 'on' : 'off'})`,
    () => {
      beforeAll(async () => {
        await initBackend({ backend: 'wasm', native });
      });

      it('BatchMatMul: every transpose combination, batched and broadcast, odd sizes', async () => {
        for (const [i, [a, b]] of CASES.entries()) {
          for (const transposeA of [false, true]) {
            for (const transposeB of [false, true]) {
              await matchesCpu(() =>
                tf.matMul(
                  random(stored(a, transposeA), 2 * i),
                  random(stored(b, transposeB), 2 * i + 1),
                  transposeA,
                  transposeB,
                ),
              );
            }
          }
        }
      });

      it('_FusedMatMul: bias (vector or scalar) and ReLU / ReLU6, transposed or not', async () => {
        for (const transposeB of [false, true]) {
          // A batch of products sharing B: stock tfjs-backend-wasm adds the bias to the first only.
          for (const activation of ['linear', 'relu', 'relu6'] as const) {
            await matchesCpu(() => [
              tf.fused.matMul({
                a: random([3, 21, 40], 1).mul(4),
                b: random(stored([40, 37], transposeB), 2),
                transposeB,
                bias: random([37], 3),
                activation,
              }),
              tf.fused.matMul({
                a: random(stored([21, 40], true), 4),
                b: random([40, 37], 5),
                transposeA: true,
                // Stock tfjs-backend-wasm takes rank-1 biases only.
                bias: native ? tf.scalar(0.5) : random([37], 6),
                activation,
              }),
            ]);
          }
        }
        // An activation our kernels do not fuse: the stock kernel's case.
        await matchesCpu(() =>
          tf.fused.matMul({ a: random([6, 8], 6), b: random([8, 5], 7), activation: 'elu' }),
        );
      });

      it('a Dense layer (tfjs-layers runs it as _FusedMatMul) and its gradients', async () => {
        await matchesCpu(() => {
          const layer = tf.layers.dense({ units: 48, activation: 'relu', biasInitializer: 'ones' });
          const x = random([2, 30, 24], 9);
          layer.build(x.shape);
          layer.setWeights([random([24, 48], 10), random([48], 11)]);
          const { value, grads } = tf.variableGrads(
            () => (layer.apply(x) as tf.Tensor).square().sum() as tf.Scalar,
            layer.trainableWeights.map((w) => w.read() as tf.Variable),
          );
          return [value, ...Object.values(grads)];
        });
      });

      it('gradients through a chain of products with every transpose (tf.grads)', async () => {
        await matchesCpu(() => {
          const f = (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, w: tf.Tensor) => {
            const scores = tf.matMul(q, k, false, true); // [6, 17, 17]
            const mixed = tf.matMul(tf.softmax(scores), v); // [6, 17, 9]
            const back = tf.matMul(mixed, w, false, true); // [6, 17, 13]
            return tf.matMul(back, mixed, true, false).square().sum(); // [6, 13, 9]
          };
          const inputs = [
            random([6, 17, 9], 12),
            random([6, 17, 9], 13),
            random([6, 17, 9], 14),
            random([6, 13, 9], 15),
          ];
          return tf.grads(f as (...args: tf.Tensor[]) => tf.Tensor)(inputs);
        });
      });

      it('leaks no tensors', async () => {
        await tf.setBackend('wasm');
        const a = random([2, 40, 30], 16);
        const b = random([30, 50], 17);
        const aT = a.transpose([0, 2, 1]);
        const bT = b.transpose();
        await expectNoLeakedTensors(() => tf.matMul(a, b, false, false));
        await expectNoLeakedTensors(() => tf.matMul(a, bT, false, true));
        await expectNoLeakedTensors(() => tf.matMul(aT, b, true, false));
        const bias = random([50], 18);
        await expectNoLeakedTensors(() =>
          tf.fused.matMul({ a: aT, b: bT, transposeA: true, transposeB: true, bias }),
        );
        tf.dispose([a, b, aT, bT, bias]);
      });
    },
  );
}
