import { initBackend } from '@residual/backend';
import { expectNoLeakedTensors, expectTensorsClose } from '@residual/backend/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { basicBlock } from './basic-block.js';
import { bottleneckBlock } from './bottleneck-block.js';
import { convBn } from './conv-bn.js';
import { heNormalInitializers } from './initializers.js';
import { preActBasicBlock } from './pre-act-basic-block.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

/** Every custom layer and LayerScale's depthwise convolution, in one small network. */
function zoo(): tf.LayersModel {
  const kernelInitializer = heNormalInitializers(3);
  const input = tf.input({ shape: [8, 8, 3] });
  let x = convBn(input, { filters: 16, kernelSize: 3, name: 'stem', kernelInitializer });
  x = bottleneckBlock(x, {
    filters: 8,
    width: 16,
    groups: 4,
    strides: 2,
    shortcut: 'avg-down',
    squeezeExcitation: true,
    residualScale: 'layerscale',
    layerScaleInit: 0.5,
    dropPathRate: 0.3,
    seed: 5,
    name: 'resnext',
    kernelInitializer,
  });
  x = basicBlock(x, {
    filters: 32,
    strides: 2,
    shortcut: 'projection',
    norm: 'none',
    fixupBranches: 2,
    name: 'fixup',
    kernelInitializer,
  });
  x = preActBasicBlock(x, {
    filters: 32,
    shortcut: 'projection',
    residualScale: 'rezero',
    name: 'rezero',
    kernelInitializer,
  });
  x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  const logits = tf.layers.dense({ units: 5, name: 'logits' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits });
}

function gradients(model: tf.LayersModel, x: tf.Tensor, labels: tf.Tensor) {
  const { grads, value } = tf.variableGrads(() =>
    tf.losses.softmaxCrossEntropy(labels, model.apply(x, { training: true }) as tf.Tensor),
  );
  return { grads, loss: value };
}

describe('a grouped, squeeze-excited, layer-scaled, Fixup and ReZero network on wasm', () => {
  it('computes the same gradients as the cpu backend', async () => {
    const x = tf.randomNormal([4, 8, 8, 3], 0, 1, 'float32', 1);
    const labels = tf.oneHot([0, 1, 2, 3], 5);
    const weights = zoo()
      .getWeights()
      .map((w) => w.arraySync());
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      const model = zoo();
      model.setWeights(weights.map((w) => tf.tensor(w as number[])));
      const { grads, loss } = gradients(
        model,
        tf.tensor(x.arraySync()),
        tf.tensor(labels.arraySync()),
      );
      return {
        loss: loss.dataSync()[0],
        grads: Object.fromEntries(
          Object.entries(grads).map(([k, g]) => [k.replace(/_\d+$/, ''), g.arraySync()]),
        ),
      };
    };
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    expect(Object.keys(wasm.grads).sort()).toEqual(Object.keys(cpu.grads).sort());
    expect(wasm.loss).toBeCloseTo(cpu.loss, 4);
    for (const name of Object.keys(cpu.grads)) {
      expectTensorsClose(
        tf.tensor(wasm.grads[name] as number[]),
        tf.tensor(cpu.grads[name] as number[]),
        { rtol: 1e-3, atol: 1e-5 },
      );
    }
  });

  it('takes an SGD step without leaking tensors', async () => {
    await tf.setBackend('wasm');
    const model = zoo();
    const x = tf.randomNormal([4, 8, 8, 3], 0, 1, 'float32', 2);
    const labels = tf.oneHot([4, 3, 2, 1], 5);
    const optimizer = tf.train.sgd(0.1);
    const kernel = () => model.getLayer('resnext_2_conv').getWeights()[0].dataSync().slice();
    const before = kernel();
    await expectNoLeakedTensors(() => {
      const loss = optimizer.minimize(
        () =>
          tf.losses.softmaxCrossEntropy(
            labels,
            model.apply(x, { training: true }) as tf.Tensor,
          ) as tf.Scalar,
        true,
      );
      expect(Number.isFinite(loss?.dataSync()[0])).toBe(true);
      loss?.dispose();
    });
    expect(kernel()).not.toEqual(before);
  });
});
