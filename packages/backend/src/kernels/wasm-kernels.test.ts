// Every kernel we put on wasm (other than convolutions) against tfjs's own cpu kernels, with
// and without the native addon.
import { nativeSkipReason } from '@residual/vitest-config/peer';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, nativeKernelStatus } from '../init-backend.js';
import { Rng } from '../rng.js';
import { expectNoLeakedTensors } from '../testing/expect-no-leaked-tensors.js';
import { expectTensorsClose } from '../testing/expect-tensors-close.js';
import { onStockCpu } from '../testing/on-stock-cpu.js';
import { BATCH_NORM_GRAD } from './shared/batch-norm-backward.js';
import { reluBackward } from './shared/relu-gradient.js';

const nativeSkip = nativeSkipReason(await nativeKernelStatus());

function random(shape: number[], seed: number, dtype: 'float32' | 'int32' = 'float32'): tf.Tensor {
  const rng = new Rng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: size }, () =>
    dtype === 'int32' ? rng.nextInt(100) - 50 : rng.nextFloat() * 2 - 1,
  );
  return tf.tensor(values, shape, dtype);
}

/** `op` on wasm (our kernels) and on stock tfjs's cpu: values, shapes and dtypes must agree. */
async function matchesCpu(
  op: () => tf.Tensor | tf.Tensor[],
  tolerance = { rtol: 1e-5, atol: 1e-6 },
): Promise<void> {
  const run = () =>
    tf.tidy(() => {
      const out = op();
      return (Array.isArray(out) ? out : [out]).map((t) => ({
        shape: t.shape,
        dtype: t.dtype,
        values: Array.from(t.dataSync() as ArrayLike<number>),
      }));
    });
  const expected = await onStockCpu(run);
  await tf.setBackend('wasm');
  const actual = run();
  expect(actual.map((a) => [a.shape, a.dtype])).toEqual(expected.map((e) => [e.shape, e.dtype]));
  for (const [i, a] of actual.entries())
    expectTensorsClose(a.values, expected[i].values, tolerance);
}

for (const native of [true, false]) {
  describe.skipIf(native && nativeSkip !== undefined)(
    `wasm kernels (native ${native ? 'on' : 'off'})`,
    () => {
      beforeAll(async () => {
        await initBackend({ backend: 'wasm', native });
      });

      it('Tile repeats blocks of any rank and dtype', async () => {
        for (const [shape, reps] of [
          [
            [1, 1, 1, 16],
            [64, 8, 8, 1],
          ],
          [
            [2, 3, 4],
            [2, 1, 3],
          ],
          [
            [3, 1],
            [1, 400],
          ],
          [[5], [7]],
        ] as const) {
          await matchesCpu(() => tf.tile(random([...shape], 1), [...reps]));
          await matchesCpu(() => tf.tile(random([...shape], 2, 'int32'), [...reps]));
        }
        await matchesCpu(() => tf.tile(tf.tensor([true, false], [2], 'bool'), [3]));
      });

      it('Sum and Mean reduce any axes, keeping dims or not', async () => {
        const x = () => random([8, 6, 5, 16], 3);
        for (const axis of [[0, 1, 2], [1, 2], [3], [0], [2, 3], [0, 2], undefined]) {
          for (const keepDims of [false, true]) {
            await matchesCpu(() => [tf.sum(x(), axis, keepDims), tf.mean(x(), axis, keepDims)], {
              rtol: 1e-4,
              atol: 1e-5,
            });
          }
        }
        await matchesCpu(() => tf.sum(random([4, 5, 6], 4, 'int32'), [0, 1]));
      });

      it('Slice copies any block', async () => {
        const x = () => random([6, 7, 8, 9], 5);
        await matchesCpu(() => tf.slice(x(), [2, 0, 0, 0], [3, 7, 8, 9]));
        await matchesCpu(() => tf.slice(x(), [1, 2, 3, 4], [2, 3, 4, 5]));
        await matchesCpu(() => tf.slice(x(), [0, 0, 0, 3], [-1, -1, -1, 2]));
        await matchesCpu(() => tf.slice(random([10, 10], 6, 'int32'), [3, 4], [5, 2]));
        // Large enough for the native copy: a padding's gradient, and a batch's end.
        const big = () => random([4, 34, 34, 16], 9);
        await matchesCpu(() => tf.slice(big(), [0, 1, 1, 0], [4, 32, 32, 16]));
        await matchesCpu(() => tf.slice(big(), [3, 0, 0, 0], [1, 34, 34, 16]));
        await matchesCpu(() => tf.slice(big(), [1, 2, 3, 4], [2, 30, 20, 7]));
      });

      it('SplitV cuts any axis into given or equal pieces', async () => {
        const x = () => random([4, 16, 16, 24], 10);
        await matchesCpu(() => tf.split(x(), [8, 16], 3));
        await matchesCpu(() => tf.split(x(), [5, -1, 3], 1));
        await matchesCpu(() => tf.split(x(), 2, 0));
        await matchesCpu(() => tf.split(random([6, 10], 11, 'int32'), [1, 9], 1));
        // The gradient of a concatenation is a split.
        await matchesCpu(() =>
          tf.grad((a: tf.Tensor) =>
            tf
              .concat([a, tf.square(a)], 3)
              .mul(random([4, 16, 16, 48], 12))
              .sum(),
          )(x()),
        );
      });

      it('max pooling has the gradient of tfjs cpu (1×1 strided: a subsampling; windows)', async () => {
        for (const [pool, stride, padding, shape] of [
          [1, 2, 'valid', [2, 7, 6, 3]],
          [1, 2, 'same', [2, 7, 6, 3]],
          [1, 3, 'same', [2, 7, 6, 3]],
          [2, 2, 'valid', [2, 7, 6, 3]],
          [3, 2, 'same', [2, 7, 6, 3]],
          [3, 1, 'same', [2, 7, 6, 3]],
          // Sides a multiple of the stride, large enough for the native scatter.
          [1, 2, 'valid', [4, 16, 16, 16]],
          [1, 2, 'same', [2, 18, 12, 24]],
          [1, 3, 'valid', [2, 15, 12, 16]],
          [1, [2, 3], 'valid', [2, 16, 18, 16]],
          // Windows large enough for the native scan: ResNet's 3×3/2 stem pool, padded or not.
          [3, 2, 'same', [2, 20, 18, 16]],
          [3, 2, 'valid', [3, 17, 17, 16]],
          [2, 2, 'valid', [2, 16, 16, 24]],
        ] as [number, number | [number, number], 'valid' | 'same', number[]][]) {
          await matchesCpu(() => {
            const x = random(shape, 7);
            const r = random(tf.maxPool(x as tf.Tensor4D, pool, stride, padding).shape, 8);
            const f = (a: tf.Tensor) =>
              tf
                .maxPool(a as tf.Tensor4D, pool, stride, padding)
                .mul(r)
                .sum();
            return tf.grad(f)(x);
          });
        }
      });

      it('Identity and Cast to the same dtype share the bytes, and free them once', async () => {
        await matchesCpu(() => [
          tf.clone(random([3, 4], 9)),
          tf.cast(random([3, 4], 10), 'float32'),
        ]);
        await matchesCpu(() => tf.cast(random([3, 4], 11, 'int32'), 'float32'));
        await expectNoLeakedTensors(() => {
          const x = random([100], 12);
          const y = tf.clone(x);
          const z = tf.cast(y, 'float32');
          x.dispose();
          y.dispose();
          expect(z.dataSync()[0]).toBeTypeOf('number');
          z.dispose();
        });
      });

      it('broadcasting element-wise ops agree for every operand layout', async () => {
        const shapes: [number[], number[]][] = [
          [[4, 8, 8, 16], [16]],
          [[16], [4, 8, 8, 16]],
          [
            [4, 8, 8, 16],
            [1, 1, 1, 16],
          ],
          [
            [4, 8, 8, 16],
            [4, 8, 8, 1],
          ],
          [
            [4, 8, 8, 16],
            [4, 8, 8, 16],
          ],
          [[4, 8, 8, 16], []],
        ];
        for (const [a, b] of shapes) {
          await matchesCpu(() => {
            const x = random(a, 13);
            const y = random(b, 14).add(3);
            return [
              tf.add(x, y),
              tf.sub(x, y),
              tf.mul(x, y),
              tf.div(x, y),
              tf.squaredDifference(x, y),
              tf.maximum(x, y),
              tf.minimum(x, y),
            ];
          });
        }
      });

      it('ReLU keeps NaN and zeroes negatives, large and small', async () => {
        await matchesCpu(() => {
          const big = random([4, 8, 8, 17], 20);
          const withNaN = tf.concat([big, tf.fill([1, 8, 8, 17], Number.NaN)]);
          return [tf.relu(big), tf.relu(withNaN), tf.relu(random([3, 5], 21))];
        });
      });

      it('Exp over the float range, NaN and the infinities, large and small', async () => {
        await matchesCpu(() => {
          const big = tf.mul(random([4, 8, 8, 17], 22), 80);
          const edges = tf.tensor([Number.NaN, Infinity, -Infinity, 0, 88, -87]);
          const withEdges = tf.concat([tf.reshape(big, [-1]), edges]);
          return [tf.exp(big), tf.exp(withEdges), tf.exp(random([3, 5], 23))];
        });
      });

      it("ReLU's gradient has tfjs cpu's bits: NaN, −0, zeros and infinities", async () => {
        // One kernel where it is registered (native wasm, cpu); tfjs's Step and Multiply on
        // pure wasm.
        const x = () =>
          tf.concat([tf.tensor([Number.NaN, -0, 0, -1, 2, -3, 4, 0]), random([5000], 27)]);
        const dy = () =>
          tf.concat([
            tf.tensor([1, -2, -3, Number.POSITIVE_INFINITY, Number.NaN, -4, 5, -6]),
            random([5000], 28),
          ]);
        const gradient = async (backend: string) => {
          await tf.setBackend(backend);
          return tf.tidy(() => {
            const r = dy();
            return Array.from(
              tf
                .grad((v) => tf.sum(tf.mul(tf.relu(v), r)))(x())
                .dataSync(),
            );
          });
        };
        const expected = await gradient('cpu');
        expect(await gradient('wasm')).toEqual(expected);
        // The JavaScript kernel of the cpu backend.
        const [xs, dys] = tf.tidy(() => [x().dataSync(), dy().dataSync()] as Float32Array[]);
        const direct = new Float32Array(xs.length);
        reluBackward(xs, dys, direct);
        expect(Array.from(direct)).toEqual(expected);
      });

      it('constant padding of any rank, sides and value', async () => {
        const cases: [number[], [number, number][], number][] = [
          // torchvision's symmetric padding before a stride-2 convolution
          [
            [2, 16, 16, 16],
            [
              [0, 0],
              [1, 1],
              [1, 1],
              [0, 0],
            ],
            0,
          ],
          // an option-A shortcut widening the channels
          [
            [2, 8, 8, 32],
            [
              [0, 0],
              [0, 0],
              [0, 0],
              [8, 24],
            ],
            0,
          ],
          [
            [3, 40, 41],
            [
              [2, 0],
              [0, 3],
              [1, 1],
            ],
            -1.5,
          ],
          [[5000], [[7, 2]], 2],
          [
            [2, 3],
            [
              [1, 1],
              [1, 1],
            ],
            0,
          ],
          [
            [0, 70, 70],
            [
              [1, 0],
              [0, 0],
              [0, 0],
            ],
            4,
          ],
        ];
        for (const [shape, paddings, value] of cases) {
          await matchesCpu(() => tf.pad(random(shape, 22), paddings, value));
        }
      });

      it('Transpose permutes any axes; int32 and small tensors go to the stock kernel', async () => {
        const cases: [number[], number[]][] = [
          [
            [8, 16, 16, 16],
            [0, 1, 3, 2],
          ],
          [
            [6, 7, 8, 9],
            [3, 2, 1, 0],
          ],
          [
            [2, 70, 1, 50],
            [2, 0, 3, 1],
          ],
          [
            [64, 80],
            [1, 0],
          ],
          [
            [5, 6],
            [1, 0],
          ],
        ];
        for (const [shape, perm] of cases) {
          await matchesCpu(() => tf.transpose(random(shape, 23), perm));
        }
        await matchesCpu(() => tf.transpose(random([40, 30, 7], 24, 'int32'), [2, 0, 1]));
      });

      it('nearest-neighbour resizes: whole-factor enlargements are copies, others stock', async () => {
        const images = random([2, 8, 6, 96], 26);
        await matchesCpu(
          () => [
            tf.image.resizeNearestNeighbor(images as tf.Tensor4D, [16, 12]),
            tf.image.resizeNearestNeighbor(images as tf.Tensor4D, [24, 6], false, true),
            tf.image.resizeNearestNeighbor(images as tf.Tensor4D, [16, 12], true),
            tf.image.resizeNearestNeighbor(images as tf.Tensor4D, [12, 9]),
            tf.image.resizeNearestNeighbor(images as tf.Tensor4D, [4, 3]),
          ],
          { rtol: 0, atol: 0 },
        );
      });

      it('MaxPool: a 1×1 window with strides subsamples; other windows are stock', async () => {
        for (const [shape, strides] of [
          [[4, 32, 32, 16], 2],
          [[3, 33, 17, 8], 2],
          [[2, 30, 30, 64], 3],
          [[2, 9, 9, 3], 1],
        ] as [number[], number][]) {
          for (const pad of ['valid', 'same'] as const) {
            await matchesCpu(() => tf.maxPool(random(shape, 25) as tf.Tensor4D, 1, strides, pad));
          }
        }
        await matchesCpu(() =>
          tf.maxPool(random([2, 20, 20, 32], 26) as tf.Tensor4D, 3, 2, 'same'),
        );
      });

      it('batch normalisation forward, with and without scale and offset', async () => {
        await matchesCpu(() => {
          const x = random([4, 8, 8, 16], 15);
          const mean = random([16], 16);
          const variance = random([16], 17).abs().add(0.5);
          return [
            tf.batchNorm(x, mean, variance, random([16], 18), random([16], 19), 1e-3),
            tf.batchNorm(x, mean, variance, undefined, undefined, 1e-5),
          ];
        });
      });

      it('trains batch norm: the gradients of moments + batchNorm match tfjs', async () => {
        await matchesCpu(
          () => {
            const x = random([6, 5, 4, 8], 20);
            const gamma = random([8], 21);
            const beta = random([8], 22);
            const r = random([6, 5, 4, 8], 23);
            const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
              const { mean, variance } = tf.moments(a, [0, 1, 2]);
              return tf.batchNorm(a, mean, variance, b, g, 1e-3).mul(r).sum();
            };
            return tf.grads(f as (...args: tf.Tensor[]) => tf.Tensor)([x, gamma, beta]);
          },
          { rtol: 1e-4, atol: 1e-5 },
        );
        // A squared loss (so dy depends on the output). (tfjs cannot differentiate batchNorm
        // without an offset: its tape reads the missing input.)
        await matchesCpu(
          () => {
            const x = random([6, 5, 4, 8], 24);
            const gamma = random([8], 25);
            const beta = random([8], 26);
            const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
              const { mean, variance } = tf.moments(a, [0, 1, 2]);
              return tf.batchNorm(a, mean, variance, b, g).square().sum();
            };
            return tf.grads(f as (...args: tf.Tensor[]) => tf.Tensor)([x, gamma, beta]);
          },
          { rtol: 1e-4, atol: 1e-5 },
        );
      });

      it('runs the fused batch-norm gradient kernel on wasm only', () => {
        expect(tf.getKernel(BATCH_NORM_GRAD, 'wasm')).toBeDefined();
        expect(tf.getKernel(BATCH_NORM_GRAD, 'webgl')).toBeUndefined();
      });

      it('a training step leaks no tensors', async () => {
        await tf.setBackend('wasm');
        const model = tf.sequential({
          layers: [
            tf.layers.conv2d({
              inputShape: [8, 8, 2],
              filters: 4,
              kernelSize: 3,
              padding: 'same',
              useBias: false,
            }),
            tf.layers.batchNormalization(),
            tf.layers.reLU(),
            tf.layers.globalAveragePooling2d({}),
            tf.layers.dense({ units: 3 }),
          ],
        });
        const optimizer = tf.train.momentum(0.1, 0.9);
        const x = random([4, 8, 8, 2], 25);
        const y = tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3);
        const step = () =>
          optimizer.minimize(
            () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor),
            true,
          )!;
        step().dispose();
        const live = tf.memory().numTensors;
        for (let i = 0; i < 5; i++) step().dispose();
        expect(tf.memory().numTensors).toBe(live);
        tf.dispose([x, y, optimizer as unknown as tf.Tensor]);
        model.dispose();
      });
    },
  );
}
