// The lean backward pass against tfjs's own: the same gradients bit for bit, less memory at its
// peak, nothing leaked, and gradients of gradients still working.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchNormTraining } from './batch-norm-training.js';
import { initBackend } from './init-backend.js';
import { installLeanBackprop, uninstallLeanBackprop } from './lean-backprop.js';
import { Rng } from './rng.js';

function random(shape: number[], seed: number): tf.Tensor {
  const rng = new Rng(seed);
  const values = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () =>
    rng.nextFloat(),
  );
  return tf.tensor(values, shape).sub(0.5);
}

/** A small residual network's loss: convolutions, batch norms, shortcuts, a split and a reuse. */
function residualLoss(weights: tf.Variable[], x: tf.Tensor): tf.Scalar {
  const [stem, conv1, conv2, gamma, beta, head] = weights;
  let h: tf.Tensor = tf.relu(tf.conv2d(x as tf.Tensor4D, stem as tf.Tensor4D, 1, 'same'));
  for (let block = 0; block < 3; block++) {
    const branch = tf.relu(
      batchNormTraining(
        tf.conv2d(h as tf.Tensor4D, conv1 as tf.Tensor4D, 1, 'same'),
        gamma as tf.Tensor1D,
        beta as tf.Tensor1D,
        1e-5,
      ).y,
    );
    // The same weights twice per block, and a split whose halves both reach the loss.
    const [left, right] = tf.split(
      tf.conv2d(branch as tf.Tensor4D, conv2 as tf.Tensor4D, 1, 'same'),
      2,
      3,
    );
    h = tf.relu(tf.add(h, tf.concat([right, tf.mul(left, 0.5)], 3)));
  }
  const pooled = tf.mean(h, [1, 2]);
  return tf.mean(tf.square(tf.matMul(pooled, head as tf.Tensor2D))) as tf.Scalar;
}

function makeWeights(): tf.Variable[] {
  return [
    tf.variable(random([3, 3, 3, 8], 1).mul(0.5)),
    tf.variable(random([3, 3, 8, 8], 2).mul(0.3)),
    tf.variable(random([3, 3, 8, 8], 3).mul(0.3)),
    tf.variable(tf.ones([8])),
    tf.variable(tf.zeros([8])),
    tf.variable(random([8, 4], 4)),
  ];
}

describe('the lean backward pass', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });
  afterAll(() => installLeanBackprop());

  for (const backend of ['wasm', 'cpu']) {
    it(`gives tfjs's gradients bit for bit, at a lower peak and leaking nothing (${backend})`, async () => {
      await tf.setBackend(backend);
      const weights = makeWeights();
      const x = random([4, 12, 12, 3], 5);
      const run = async () => {
        const before = tf.memory().numTensors;
        let grads: tf.Tensor[] = [];
        const profile = await tf.profile(() => {
          const result = tf.variableGrads(() => residualLoss(weights, x), weights);
          result.value.dispose();
          grads = weights.map((w) => result.grads[w.name]);
        });
        const values = grads.map((g) => Array.from(g.dataSync()));
        tf.dispose(grads);
        expect(tf.memory().numTensors, 'tensors left behind').toBe(before);
        return { values, peakBytes: profile.peakBytes };
      };
      uninstallLeanBackprop();
      const stock = await run();
      installLeanBackprop();
      const lean = await run();
      expect(lean.values).toEqual(stock.values);
      expect(lean.peakBytes).toBeLessThan(stock.peakBytes);
      tf.dispose([...weights, x]);
    });
  }

  it('leaves gradients of gradients to tfjs: the second derivative of x³ is 6x', () => {
    installLeanBackprop();
    const x = tf.tensor([1, -2, 3]);
    const second = tf.grad((v: tf.Tensor) =>
      tf
        .grad((u: tf.Tensor) => u.pow(3).sum())(v)
        .sum(),
    )(x);
    expect(Array.from(second.dataSync())).toEqual([6, -12, 18]);
    tf.dispose([x, second]);
  });

  it('keeps a gradient a node hands back unchanged, and a caller’s dy', () => {
    installLeanBackprop();
    const x = tf.variable(tf.tensor([1, 2, 3]));
    const dy = tf.tensor([1, 10, 100]);
    // Identity-like ops pass dy through; the caller's dy must outlive the pass.
    const { grads } = tf.engine().gradients(() => tf.reshape(tf.clone(x), [3]), [x], dy);
    expect(Array.from(grads[0].dataSync())).toEqual([1, 10, 100]);
    expect(dy.isDisposed).toBe(false);
    tf.dispose([x, dy, ...grads]);
  });
});
