import { initBackend, nativeKernelStatus, Rng } from '@residual/backend';
import { expectNoLeakedTensors, expectTensorsClose, onStockCpu } from '@residual/backend/testing';
import { nativeSkipReason } from '@residual/vitest-config/peer';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { BatchNormalization } from './batch-normalization.js';

const nativeSkip = nativeSkipReason(await nativeKernelStatus());

const MODES = [
  {
    name: 'wasm with native kernels',
    backend: 'wasm',
    native: true,
    skip: nativeSkip !== undefined,
  },
  { name: 'wasm (WebAssembly kernels only)', backend: 'wasm', native: false, skip: false },
  { name: 'cpu (tfjs ops)', backend: 'cpu', native: false, skip: false },
] as const;

function values(shape: number[], seed: number, shift = 0): number[] {
  const rng = new Rng(seed);
  return Array.from(
    { length: shape.reduce((a, b) => a * b, 1) },
    () => shift + rng.nextFloat() * 2 - 1,
  );
}

interface Outcome {
  y: number[];
  dx: number[];
  dGamma: number[];
  dBeta: number[];
  movingMean: number[];
  movingVariance: number[];
}

/**
 * One training call of `layer` on x (mean 3, so centring matters) with the loss Σ y · r: the
 * output, the gradients of x, γ and β, and the moving statistics after the update.
 */
function trainOnce(layer: tf.layers.Layer, shape: number[]): Outcome {
  return tf.tidy(() => {
    const x = tf.tensor(values(shape, 1, 3), shape);
    const r = tf.tensor(values(shape, 2), shape);
    layer.apply(tf.input({ shape: shape.slice(1) }));
    const channels = shape[shape.length - 1];
    layer.setWeights([
      tf.tensor(values([channels], 3, 1)),
      tf.tensor(values([channels], 4)),
      tf.tensor(values([channels], 5)),
      tf.tensor(values([channels], 6, 2)),
    ]);
    const [gamma, beta] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    let y: number[] = [];
    const loss = (input: tf.Tensor) => {
      const out = layer.apply(input, { training: true }) as tf.Tensor;
      y = Array.from(out.dataSync());
      return tf.sum(tf.mul(out, r)) as tf.Scalar;
    };
    const dx = Array.from(tf.grad(loss)(x).dataSync());
    const { grads } = tf.variableGrads(() => loss(x), [gamma, beta]);
    const weights = layer.getWeights().map((w) => Array.from(w.dataSync()));
    return {
      y,
      dx,
      dGamma: Array.from(grads[gamma.name].dataSync()),
      dBeta: Array.from(grads[beta.name].dataSync()),
      movingMean: weights[2],
      movingVariance: weights[3],
    };
  });
}

const SHAPES = [
  [4, 5, 6, 7],
  [3, 33, 2],
  [2, 24, 24, 16],
];

describe('BatchNormalization', () => {
  for (const mode of MODES) {
    describe.skipIf(mode.skip)(`trains as tfjs-layers' batch norm on ${mode.name}`, () => {
      for (const shape of SHAPES) {
        it(`[${shape}]: output, gradients and moving statistics`, async () => {
          // The reference is stock tfjs, never a backend our kernels and gradients are on.
          const expected = await onStockCpu(() =>
            trainOnce(tf.layers.batchNormalization({ momentum: 0.9 }), shape),
          );
          await initBackend({ backend: mode.backend, native: mode.native });
          const actual = trainOnce(new BatchNormalization({ momentum: 0.9 }), shape);
          for (const key of Object.keys(expected) as (keyof Outcome)[]) {
            expectTensorsClose(actual[key], expected[key], { rtol: 2e-4, atol: 2e-5 });
          }
        });
      }

      it('infers as tfjs-layers does, with and without γ and β, on any axis', async () => {
        // The output, and the input gradient (a frozen batch norm, as in saliency maps) where
        // tfjs can take it: its batchNorm gradient fails without γ or β.
        const infer = (layer: tf.layers.Layer, shape: number[], gradient: boolean) =>
          tf.tidy(() => {
            const x = tf.tensor(values(shape, 7, 3), shape);
            const r = tf.tensor(values(shape, 8), shape);
            layer.apply(tf.input({ shape: shape.slice(1) }));
            layer.setWeights(
              layer.getWeights().map((w, i) => tf.tensor(values(w.shape, 9 + i, i === 3 ? 2 : 0))),
            );
            const y = layer.apply(x, { training: false }) as tf.Tensor;
            if (!gradient) return [Array.from(y.dataSync())];
            const dx = tf.grad((input) =>
              tf.sum(tf.mul(layer.apply(input, { training: false }) as tf.Tensor, r)),
            )(x);
            return [Array.from(y.dataSync()), Array.from(dx.dataSync())];
          });
        for (const [shape, config, gradient] of [
          [[3, 4, 5, 6], {}, true],
          [[7, 9], {}, true],
          [[3, 33, 2], { center: false }, false],
          [[7, 9], { scale: false }, false],
          [[2, 5, 4, 3], { axis: 1 }, true],
        ] as [number[], tf.serialization.ConfigDict, boolean][]) {
          const expected = await onStockCpu(() =>
            infer(tf.layers.batchNormalization(config), shape, gradient),
          );
          await initBackend({ backend: mode.backend, native: mode.native });
          const actual = infer(new BatchNormalization(config), shape, gradient);
          for (const [i, values] of actual.entries()) {
            expectTensorsClose(values, expected[i], { rtol: 1e-5, atol: 1e-6 });
          }
        }
      });

      it('leaks no tensors over training calls', async () => {
        await initBackend({ backend: mode.backend, native: mode.native });
        const layer = new BatchNormalization({});
        const x = tf.randomNormal([2, 4, 4, 8], 0, 1, 'float32', 1);
        trainOnce(layer, [2, 4, 4, 8]);
        await expectNoLeakedTensors(() => {
          const { grads, value } = tf.variableGrads(
            () => tf.sum(layer.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
            layer.trainableWeights.map((w) => w.read() as tf.Variable),
          );
          tf.dispose([value, ...Object.values(grads)]);
        });
        x.dispose();
      });
    });
  }

  it('a frozen layer (trainable = false) runs in inference mode while the model trains', async () => {
    await initBackend({ backend: 'cpu' });
    const layer = new BatchNormalization({});
    layer.apply(tf.input({ shape: [3, 3, 2] }));
    layer.setWeights([
      tf.tensor([1.5, 0.5]),
      tf.tensor([0.1, -0.2]),
      tf.tensor([2, -1]),
      tf.tensor([4, 0.25]),
    ]);
    layer.trainable = false;
    const x = tf.tensor(values([2, 3, 3, 2], 7, 3), [2, 3, 3, 2]);
    const trained = layer.apply(x, { training: true }) as tf.Tensor;
    const inferred = layer.apply(x, { training: false }) as tf.Tensor;
    expectTensorsClose(trained, inferred, { rtol: 0, atol: 0 });
    // The moving statistics stay the pretrained ones.
    expect(Array.from(layer.getWeights()[2].dataSync())).toEqual([2, -1]);
    layer.trainable = true;
    const training = layer.apply(x, { training: true }) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(training, inferred))).dataSync()[0]).toBeGreaterThan(0.1);
    tf.dispose([x, trained, inferred, training]);
  });

  it('serializes as a Keras BatchNormalization and deserializes to itself', async () => {
    await initBackend({ backend: 'cpu' });
    const input = tf.input({ shape: [4, 4, 2] });
    const output = new BatchNormalization({ epsilon: 1e-5 }).apply(input) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: output });
    const json = JSON.parse(JSON.stringify(model.toJSON(null, false)));
    expect(json.config.layers[1].class_name).toBe('BatchNormalization');
    const restored = await tf.models.modelFromJSON(json);
    expect(restored.layers[1]).toBeInstanceOf(BatchNormalization);
  });
});
