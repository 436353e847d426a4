import { initBackend } from '@residual/backend';
import { expectNoLeakedTensors, expectTensorsClose, onStockCpu } from '@residual/backend/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { GroupedConv2D } from './grouped-conv2d.js';
import { expectGradientsMatchNumeric, roundTrip } from './test-helpers.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** The grouped kernel [kh, kw, in/g, out] laid out block-diagonally as a full [kh, kw, in, out]. */
function blockDiagonal(kernel: tf.Tensor4D, groups: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw, inPerGroup, out] = kernel.shape;
    const outPerGroup = out / groups;
    const rows = tf.split(kernel, groups, 3).map((block, g) =>
      tf.pad(block, [
        [0, 0],
        [0, 0],
        [0, 0],
        [g * outPerGroup, (groups - 1 - g) * outPerGroup],
      ]),
    );
    return tf.concat(rows, 2).reshape([kh, kw, inPerGroup * groups, out]) as tf.Tensor4D;
  });
}

const cases = [
  { groups: 2, kernelSize: 3, strides: 1, padding: 'same' },
  { groups: 4, kernelSize: 3, strides: 2, padding: 'valid' },
  { groups: 4, kernelSize: 1, strides: 2, padding: 'same' },
  { groups: 8, kernelSize: 3, strides: 2, padding: 'same' },
] as const;

describe('GroupedConv2D', () => {
  for (const c of cases) {
    it(`equals a block-diagonal convolution: ${c.groups} groups, ${c.kernelSize}×${c.kernelSize}, stride ${c.strides}, ${c.padding}`, async () => {
      const layer = new GroupedConv2D({ filters: 16, useBias: true, ...c });
      const x = tf.randomNormal([2, 7, 5, 8], 0, 1, 'float32', 1);
      const y = layer.apply(x) as tf.Tensor;
      expect(layer.getWeights()[0].shape).toEqual([c.kernelSize, c.kernelSize, 8 / c.groups, 16]);
      expect(layer.computeOutputShape([null, 7, 5, 8])).toEqual([null, ...y.shape.slice(1)]);
      const [kernel, bias] = layer.getWeights();
      // The reference convolution is stock tfjs's, not our cpu kernel that the layer runs.
      const expected = await onStockCpu(() =>
        tf.tidy(() =>
          tf
            .conv2d(
              x as tf.Tensor4D,
              blockDiagonal(kernel as tf.Tensor4D, c.groups),
              c.strides,
              c.padding,
            )
            .add(bias),
        ),
      );
      expectTensorsClose(y, expected, { rtol: 1e-4, atol: 1e-5 });
    });
  }

  it('with one group is an ordinary convolution', async () => {
    const layer = new GroupedConv2D({ filters: 4, kernelSize: 3, groups: 1, padding: 'same' });
    const x = tf.randomNormal([1, 5, 5, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
    const y = layer.apply(x) as tf.Tensor;
    const expected = await onStockCpu(() =>
      tf.conv2d(x, layer.getWeights()[0] as tf.Tensor4D, 1, 'same'),
    );
    expectTensorsClose(y, expected);
  });

  it('has the gradients of its maths (checked numerically) and leaks nothing', async () => {
    const layer = new GroupedConv2D({
      filters: 6,
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      groups: 3,
      useBias: true,
    });
    const x = tf.variable(tf.randomNormal([2, 5, 5, 6], 0, 1, 'float32', 3), true, 'x');
    const probe = tf.randomNormal([2, 3, 3, 6], 0, 1, 'float32', 4);
    const loss = () => (layer.apply(x) as tf.Tensor).mul(probe).sum() as tf.Scalar;
    tf.dispose(loss());
    const variables = [x, ...layer.trainableWeights.map((w) => w.read() as tf.Variable)];
    await expectNoLeakedTensors(() => expectGradientsMatchNumeric(loss, variables));
  });

  it('round-trips through model.toJSON() and tf.models.modelFromJSON', async () => {
    const input = tf.input({ shape: [6, 6, 8] });
    const output = new GroupedConv2D({
      filters: 8,
      kernelSize: 3,
      groups: 4,
      padding: 'same',
      name: 'grouped',
    }).apply(input) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: output });
    const restored = await roundTrip(model);
    // tfjs writes an unset initializer seed as null; compare what is set.
    const config = (m: tf.LayersModel) =>
      JSON.stringify(m.getLayer('grouped').getConfig(), (_, v) => v ?? undefined);
    expect(config(restored)).toEqual(config(model));
    const x = tf.randomNormal([1, 6, 6, 8], 0, 1, 'float32', 5);
    expectTensorsClose(restored.predict(x) as tf.Tensor, model.predict(x) as tf.Tensor);
  });

  it('rejects groups that do not divide the channels, naming them', () => {
    expect(() => new GroupedConv2D({ filters: 10, kernelSize: 3, groups: 4, name: 'g' })).toThrow(
      'g: groups must be a positive integer dividing filters (10), got 4.',
    );
    const layer = new GroupedConv2D({ filters: 8, kernelSize: 3, groups: 4, name: 'g' });
    expect(() => layer.apply(tf.input({ shape: [4, 4, 6] }))).toThrow(
      'g: 4 groups need input channels divisible by 4, got 6.',
    );
  });
});
