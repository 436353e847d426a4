// The layers segmentation networks add: PyTorch's F.interpolate, nn.GroupNorm and
// nn.Dropout2d, and dilated convolutions. Expected values were computed with PyTorch 1.13.
import { initBackend } from '@residual/backend';
import { expectNoLeakedTensors, expectTensorsClose } from '@residual/backend/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { conv } from './conv-bn.js';
import { GroupNormalization } from './group-normalization.js';
import { heNormalInitializers } from './initializers.js';
import { Interpolate } from './interpolate.js';
import { SeededDropout } from './seeded-dropout.js';
import { roundTrip } from './test-helpers.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const image = () => tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);

/** A one-layer model from `[x]` or `[x, reference]` inputs of the given shapes. */
function modelOf(layer: tf.layers.Layer, ...shapes: number[][]): tf.LayersModel {
  const inputs = shapes.map((shape) => tf.input({ shape }));
  const output = layer.apply(inputs.length === 1 ? inputs[0]! : inputs) as tf.SymbolicTensor;
  return tf.model({ inputs, outputs: output });
}

describe('Interpolate', () => {
  it("resizes bilinearly to the reference's size as PyTorch's align_corners=False", async () => {
    const model = modelOf(new Interpolate({ mode: 'bilinear' }), [2, 2, 1], [3, 5, 7]);
    const inputs = [image(), tf.zeros([1, 3, 5, 7])];
    const y = await expectNoLeakedTensors(() => model.predict(inputs) as tf.Tensor);
    expect(y.shape).toEqual([1, 3, 5, 1]);
    expectTensorsClose(
      y,
      tf.tensor4d([1, 1.1, 1.5, 1.9, 2, 2, 2.1, 2.5, 2.9, 3, 3, 3.1, 3.5, 3.9, 4], [1, 3, 5, 1]),
      { atol: 1e-5 },
    );
    // The gradient is PyTorch's (tfjs's own kernel ignores half-pixel centres), leak-free.
    const weights = tf.range(0, 15).reshape([1, 3, 5, 1]);
    const grad = await expectNoLeakedTensors(() =>
      tf.grad((x: tf.Tensor) => tf.sum(tf.mul(model.apply([x, inputs[1]!]) as tf.Tensor, weights)))(
        inputs[0]!,
      ),
    );
    expectTensorsClose(grad, tf.tensor4d([9.55, 17.95, 34.55, 42.95], [1, 2, 2, 1]), {
      atol: 1e-4,
    });
    expect(
      model.layers[2]!.computeOutputShape([
        [null, 2, 2, 1],
        [null, null, null, 7],
      ]),
    ).toEqual([null, null, null, 1]);
  });

  it('scales by an integer: bilinear with aligned corners, and nearest', () => {
    const aligned = new Interpolate({ mode: 'bilinear', scale: 2, alignCorners: true });
    const third = 1 / 3;
    expectTensorsClose(
      aligned.apply(image()) as tf.Tensor,
      tf.tensor4d(
        [0, 1, 2, 3].flatMap((r) => [0, 1, 2, 3].map((c) => 1 + (2 * r + c) * third)),
        [1, 4, 4, 1],
      ),
      { atol: 1e-5 },
    );
    const nearest = new Interpolate({ mode: 'nearest', scale: 2 });
    expect(Array.from((nearest.apply(image()) as tf.Tensor).dataSync())).toEqual([
      1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4,
    ]);
    expect(nearest.computeOutputShape([null, 5, null, 3])).toEqual([null, 10, null, 3]);
  });

  it('round-trips its configuration and passes gradients back', async () => {
    const model = modelOf(
      new Interpolate({ mode: 'bilinear', scale: 2, alignCorners: true, name: 'up' }),
      [2, 2, 1],
    );
    const copy = await roundTrip(model);
    expect(copy.getLayer('up').getConfig()).toMatchObject({ mode: 'bilinear', scale: 2 });
    // PyTorch's gradients of Σ w·y for w = 0, 1, 2, …, with aligned corners and nearest.
    const ramp = (shape: number[]) =>
      tf
        .range(
          0,
          shape.reduce((a, b) => a * b),
        )
        .reshape(shape);
    const grad = tf.grad((x: tf.Tensor) =>
      tf.sum(tf.mul(copy.apply(x) as tf.Tensor, ramp([1, 4, 4, 1]))),
    )(image());
    expectTensorsClose(grad, tf.tensor4d([13.3333, 20, 40, 46.6667], [1, 2, 2, 1]), {
      atol: 1e-3,
    });
    const nearest = new Interpolate({ mode: 'nearest', scale: 2 });
    const wide = tf.tensor4d([1, 2, 3, 3, 4, 5], [1, 2, 3, 1]);
    const nearestGrad = tf.grad((x: tf.Tensor) =>
      tf.sum(tf.mul(nearest.apply(x) as tf.Tensor, ramp([1, 4, 6, 1]))),
    )(wide);
    expect(Array.from(nearestGrad.dataSync())).toEqual([14, 22, 30, 62, 70, 78]);
  });

  it('refuses bad arguments in one line', () => {
    expect(() => new Interpolate({ mode: 'bicubic' as never, name: 'r' })).toThrow(
      "r: mode must be one of bilinear, nearest, got 'bicubic'.",
    );
    expect(() => new Interpolate({ mode: 'nearest', scale: 1.5, name: 'r' })).toThrow(
      'r: scale must be a positive integer, got 1.5.',
    );
    expect(() => new Interpolate({ mode: 'bilinear', name: 'r' }).apply(image())).toThrow(
      'r: expects two inputs [x, reference], got 1.',
    );
  });
});

describe('GroupNormalization', () => {
  it("normalises groups of channels per image as PyTorch's nn.GroupNorm", async () => {
    const layer = new GroupNormalization({ groups: 2, name: 'gn' });
    const model = modelOf(layer, [2, 2, 4]);
    layer.setWeights([tf.tensor1d([1, 2, 0.5, -1]), tf.tensor1d([0, 1, -1, 0.5])]);
    const x = tf.tensor4d(
      Array.from({ length: 16 }, (_, i) => i ** 1.5),
      [1, 2, 2, 4],
    );
    const copy = await roundTrip(model);
    const expected = [
      -1.185954, -1.252, -1.636072, 1.649949, -0.706324, -0.031301, -1.329812, 0.962307, 0.170645,
      1.865595, -0.893051, 0.035278, 1.306277, 4.248417, -0.35734, -1.080085,
    ];
    expectTensorsClose(copy.predict(x) as tf.Tensor, tf.tensor4d(expected, [1, 2, 2, 4]), {
      atol: 1e-4,
    });
  });

  it('refuses channels the groups do not divide', () => {
    const layer = new GroupNormalization({ groups: 3, name: 'gn' });
    expect(() => layer.apply(tf.input({ shape: [4, 4, 8] }))).toThrow(/divisible by 3 groups/);
  });
});

describe('segmentation building blocks', () => {
  it('drops whole channels with perChannel, and nothing at inference', () => {
    const layer = new SeededDropout({ rate: 0.5, seed: 3, perChannel: true, name: 'drop' });
    const x = tf.ones([2, 3, 3, 16]);
    const y = layer.apply(x, { training: true }) as tf.Tensor;
    const values = y.arraySync() as number[][][][];
    for (const image of values) {
      for (let c = 0; c < 16; c++) {
        const channel = image.flat().map((pixel) => pixel[c]);
        expect(new Set(channel).size).toBe(1);
        expect([0, 2]).toContain(channel[0]);
      }
    }
    expect(layer.getConfig()).toMatchObject({ perChannel: true });
    expectTensorsClose(layer.apply(x) as tf.Tensor, x);
  });

  it('dilates a convolution and keeps the size, as padding=dilation does', () => {
    const kernelInitializer = heNormalInitializers(1);
    const x = tf.input({ shape: [9, 9, 2] });
    const y = conv(x, { filters: 3, kernelSize: 3, dilation: 4, name: 'a', kernelInitializer });
    expect(y.shape).toEqual([null, 9, 9, 3]);
    expect(() =>
      conv(x, { filters: 3, kernelSize: 3, dilation: 2, strides: 2, name: 'b', kernelInitializer }),
    ).toThrow(
      'b: a dilated convolution (dilation 2) needs stride 1 and groups 1, got stride 2 and groups 1.',
    );
    // A one-hot image's response shows the taps 4 pixels apart.
    const model = tf.model({ inputs: x, outputs: y });
    model.layers[1]!.setWeights([tf.ones([3, 3, 2, 3])]);
    const impulse = tf.buffer([1, 9, 9, 2]);
    impulse.set(1, 0, 4, 4, 0);
    const response = (model.predict(impulse.toTensor()) as tf.Tensor).slice(
      [0, 0, 0, 0],
      [1, 9, 9, 1],
    );
    const hits: number[][] = [];
    (response.arraySync() as number[][][][])[0]!.forEach((row, r) => {
      row.forEach((v, c) => {
        if (v[0] !== 0) hits.push([r, c]);
      });
    });
    expect(hits).toEqual([0, 4, 8].flatMap((r) => [0, 4, 8].map((c) => [r, c])));
  });
});
