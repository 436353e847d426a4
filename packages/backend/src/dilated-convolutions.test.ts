import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './init-backend.js';
import {
  geometry,
  randomValues,
  referenceGradients,
  relativeError,
} from './kernels/test-reference.js';
import { Rng } from './rng.js';
import { onStockCpu } from './testing/on-stock-cpu.js';

/** Our wasm backend (native kernels where built) and stock tfjs, which has no dilated kernels. */
const MODES = [
  { name: 'wasm', stock: false },
  { name: 'stock tfjs cpu', stock: true },
] as const;

function seededInitializer(seed: number) {
  return tf.initializers.randomNormal({ mean: 0, stddev: 0.2, seed });
}

/** A DeepLab-like head: two dilated 3×3 convolutions, a separable one, pooled to 3 classes. */
function dilatedNet(): tf.LayersModel {
  const input = tf.input({ shape: [12, 12, 3] });
  let y = tf.layers
    .conv2d({
      filters: 8,
      kernelSize: 3,
      padding: 'same',
      dilationRate: 2,
      kernelInitializer: seededInitializer(1),
    })
    .apply(input) as tf.SymbolicTensor;
  y = tf.layers.reLU().apply(y) as tf.SymbolicTensor;
  y = tf.layers
    .conv2d({
      filters: 8,
      kernelSize: 3,
      padding: 'valid',
      dilationRate: 3,
      activation: 'relu',
      kernelInitializer: seededInitializer(2),
    })
    .apply(y) as tf.SymbolicTensor;
  y = tf.layers
    .separableConv2d({
      filters: 8,
      kernelSize: 3,
      padding: 'same',
      dilationRate: 2,
      depthwiseInitializer: seededInitializer(3),
      pointwiseInitializer: seededInitializer(4),
    })
    .apply(y) as tf.SymbolicTensor;
  y = tf.layers.globalAveragePooling2d({}).apply(y) as tf.SymbolicTensor;
  const output = tf.layers
    .dense({ units: 3, kernelInitializer: seededInitializer(5) })
    .apply(y) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output });
}

for (const mode of MODES) {
  describe(`dilated tf.layers convolutions on ${mode.name}`, () => {
    const on = async <T>(fn: () => T): Promise<T> => (mode.stock ? onStockCpu(fn) : fn());

    beforeAll(async () => {
      await initBackend({ backend: mode.stock ? 'cpu' : 'wasm' });
    });

    it('gives a Conv2D layer with dilation 2 the gradients of its definition', async () => {
      const c = {
        batch: 2,
        size: [9, 8] as [number, number],
        inChannels: 3,
        outChannels: 4,
        kernel: [3, 3] as [number, number],
        stride: 1,
        dilation: 2,
        padding: 'same' as const,
      };
      const info = geometry(c);
      const rng = new Rng(7);
      const x = randomValues(info.batchSize * info.inHeight * info.inWidth * info.inChannels, rng);
      const r = randomValues(
        info.batchSize * info.outHeight * info.outWidth * info.outChannels,
        rng,
      );
      const [w, dw, db] = await on(() =>
        tf.tidy(() => {
          const layer = tf.layers.conv2d({
            filters: c.outChannels,
            kernelSize: 3,
            padding: 'same',
            dilationRate: 2,
            biasInitializer: 'ones',
            kernelInitializer: seededInitializer(8),
          });
          const xt = tf.tensor4d(x, [c.batch, ...c.size, c.inChannels]);
          const rt = tf.tensor(r, info.outShape);
          layer.apply(xt); // builds the weights
          const { grads } = tf.variableGrads(() =>
            (layer.apply(xt) as tf.Tensor).mul(rt).sum().asScalar(),
          );
          const [kernel, bias] = layer.trainableWeights.map((v) => grads[v.name]);
          return [layer.getWeights()[0].dataSync(), kernel.dataSync(), bias.dataSync()];
        }),
      );
      const expected = referenceGradients(info, x, w, r);
      expect(relativeError(dw, expected.dw)).toBeLessThan(1e-5);
      const biasGradient = new Float64Array(c.outChannels);
      for (let i = 0; i < r.length; i++) biasGradient[i % c.outChannels] += r[i];
      expect(relativeError(db, biasGradient)).toBeLessThan(1e-5);
    });

    it('refuses strides above 1 with dilation, as tfjs does, naming both', async () => {
      const attempt = () =>
        on(() =>
          tf.tidy(() => {
            const layer = tf.layers.conv2d({
              filters: 2,
              kernelSize: 3,
              strides: 2,
              dilationRate: 2,
            });
            tf.grad((x: tf.Tensor) => (layer.apply(x) as tf.Tensor).sum())(tf.ones([1, 9, 9, 2]));
          }),
        );
      await expect(attempt()).rejects.toThrow(
        /Either strides or dilations must be 1\. Got strides 2,2 and dilations '2,2'/,
      );
    });

    it('trains a model of dilated Conv2D and SeparableConv2D layers: the loss falls', async () => {
      const losses = await on(() => {
        const model = dilatedNet();
        const rng = new Rng(9);
        const x = tf.tensor4d(randomValues(8 * 12 * 12 * 3, rng), [8, 12, 12, 3]);
        const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32'), 3);
        const optimizer = tf.train.adam(0.03);
        const history: number[] = [];
        for (let step = 0; step < 10; step++) {
          const loss = optimizer.minimize(
            () => tf.losses.softmaxCrossEntropy(labels, model.apply(x) as tf.Tensor),
            true,
          );
          history.push(loss!.dataSync()[0]);
          loss!.dispose();
        }
        // Inference runs tfjs's fused convolution: the same function as the training path.
        const inferred = model.predict(x) as tf.Tensor;
        const recorded = tf.tidy(() => {
          let out: tf.Tensor | undefined;
          tf.grad((input: tf.Tensor) => {
            out = tf.keep(model.apply(input) as tf.Tensor);
            return out.sum();
          })(x);
          return out!;
        });
        expect(relativeError(recorded.dataSync(), inferred.dataSync())).toBeLessThan(1e-5);
        tf.dispose([x, labels, inferred, recorded]);
        model.dispose();
        optimizer.dispose();
        return history;
      });
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.7);
    });
  });
}
