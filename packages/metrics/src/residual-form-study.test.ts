import { initBackend } from '@residual/backend';
import { expectNoLeakedTensors } from '@residual/backend/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { blockGradients, groupWeightsByBlock } from './block-gradients.js';
import { expectStandaloneSvg } from './charts/expect-svg.js';
import { residualFormChart } from './charts/residual-form-chart.js';
import { compareResidualForms, type StudyOptimizer } from './residual-form-study.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

/**
 * A tiny stack of dense blocks named as @residual/layers names transformer blocks: a stem,
 * `blocks` blocks `block<i>_fc1`/`block<i>_fc2` joined to the stream as `form` says ('residual':
 * x + f(x); 'zero': x + 0·f(x) through a zero-initialised second layer; 'none': f(x)) and 3
 * logits. "Depth" counts blocks.
 */
function tinyStack(form: string, blocks: number): tf.LayersModel {
  let seed = 11;
  const dense = (x: tf.SymbolicTensor, units: number, name: string, zero = false) =>
    tf.layers
      .dense({
        units,
        activation: name.endsWith('fc1') ? 'tanh' : undefined,
        kernelInitializer: zero ? 'zeros' : tf.initializers.glorotNormal({ seed: seed++ }),
        name,
      })
      .apply(x) as tf.SymbolicTensor;
  const input = tf.input({ shape: [5] });
  let x = dense(input, 8, 'stem');
  for (let b = 1; b <= blocks; b++) {
    const f = dense(dense(x, 8, `block${b}_fc1`), 8, `block${b}_fc2`, form === 'zero');
    x =
      form === 'none'
        ? f
        : (tf.layers.add({ name: `block${b}_add` }).apply([x, f]) as tf.SymbolicTensor);
  }
  return tf.model({ inputs: input, outputs: dense(x, 3, 'logits'), name: `tiny_${form}` });
}

const batch = (step: number) => ({
  inputs: tf.randomNormal([6, 5], 0, 1, 'float32', 100 + step),
  targets: tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32'),
});
const crossEntropy = (output: tf.Tensor, targets: tf.Tensor) =>
  tf.losses.softmaxCrossEntropy(tf.oneHot(tf.cast(targets, 'int32'), 3), output) as tf.Scalar;

/** Plain SGD: the smallest optimizer that fits the study. */
function sgd(weights: readonly tf.LayerVariable[]): StudyOptimizer {
  const variables = weights.map((w) => w.read() as tf.Variable);
  return {
    variables,
    apply(gradients, rate) {
      tf.tidy(() => {
        variables.forEach((v, i) => {
          v.assign(tf.sub(v, tf.mul(gradients[i], rate)));
        });
      });
    },
    dispose() {},
  };
}

describe('groupWeightsByBlock and blockGradients', () => {
  it('groups weights by block prefix and matches the gradient computed directly', async () => {
    const model = tinyStack('residual', 2);
    const groups = groupWeightsByBlock(model);
    expect(groups.map((g) => [g.name, g.block, g.weights.length])).toEqual([
      ['stem', false, 2],
      ['block1', true, 4],
      ['block2', true, 4],
      ['logits', false, 2],
    ]);
    const { inputs, targets } = batch(0);
    const loss = () => crossEntropy(model.apply(inputs) as tf.Tensor, targets);
    const measured = await expectNoLeakedTensors(async () => blockGradients(groups, loss));
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { grads } = tf.variableGrads(loss, variables);
    const block1 = groups[1].weights.map((w) => grads[(w.read() as tf.Variable).name]);
    const expected = Math.sqrt(block1.reduce((s, g) => s + tf.sum(tf.square(g)).dataSync()[0], 0));
    expect(measured.groups[1].gradientNorm).toBeCloseTo(expected, 5);
    expect(measured.groups[1].parameters).toBe(2 * (8 * 8 + 8));
    expect(measured.loss).toBeCloseTo(loss().dataSync()[0], 5);
    const total = Math.hypot(...measured.groups.map((g) => g.gradientNorm));
    expect(measured.gradientNorm).toBeCloseTo(total, 5);
    tf.dispose([inputs, targets, ...Object.values(grads)]);
    model.dispose();
  });

  it('groups by a given blockOf and reports zero for a layer behind a zero layer', () => {
    const model = tinyStack('zero', 2);
    const { inputs, targets } = batch(0);
    const groups = groupWeightsByBlock(model, (name) => (name.startsWith('block') ? name : null));
    expect(groups.map((g) => g.name).slice(1, 3)).toEqual(['block1_fc1', 'block1_fc2']);
    const measured = blockGradients(groups, () =>
      crossEntropy(model.apply(inputs) as tf.Tensor, targets),
    );
    // fc1 gets no gradient through fc2's zero kernel; fc2 does (its input is not zero).
    expect(measured.groups[1].gradientNorm).toBe(0);
    expect(measured.groups[2].gradientNorm).toBeGreaterThan(0);
    tf.dispose([inputs, targets]);
    model.dispose();
  });
});

describe('compareResidualForms', () => {
  it('measures every form at every depth, trains, charts, and leaves no tensors', async () => {
    const phases: string[] = [];
    const study = await expectNoLeakedTensors(() =>
      compareResidualForms({
        forms: ['residual', 'none'],
        depths: [2, 4],
        build: tinyStack,
        // One batch at every step, so that the loss on it must fall.
        batch: () => batch(0),
        loss: crossEntropy,
        optimizer: sgd,
        steps: (depth) => (depth === 2 ? 5 : 3),
        learningRate: 0.1,
        onProgress: (p) => phases.push(`${p.form}${p.depth}:${p.phase}`),
      }),
    );
    expect(study.batchSize).toBe(6);
    expect(study.runs.map((r) => [r.form, r.depth, r.steps])).toEqual([
      ['residual', 2, 5],
      ['none', 2, 5],
      ['residual', 4, 3],
      ['none', 4, 3],
    ]);
    expect(phases.filter((p) => p.endsWith('initial'))).toHaveLength(4);
    for (const run of study.runs) {
      expect(run.diverged).toBe(false);
      expect(run.trained?.loss).toBeLessThan(run.initial.loss);
      expect(run.losses[0]).toBeCloseTo(run.initial.loss, 5);
      expect(run.trained?.groups.filter((g) => g.block)).toHaveLength(run.depth);
      expect(Number.isFinite(run.initial.firstToLastRatio)).toBe(true);
    }
    const svg = residualFormChart(study);
    const paths = expectStandaloneSvg(svg);
    // 2 depths × (2 gradient panels + 1 loss panel) × 2 forms.
    expect(paths.length).toBeGreaterThanOrEqual(12);
    expect(svg).toContain('4 blocks: after 3 steps');
  });

  it('stops a run whose loss is no longer finite and marks it diverged', async () => {
    const study = await compareResidualForms({
      forms: ['none'],
      depths: [4],
      build: tinyStack,
      batch,
      loss: crossEntropy,
      optimizer: sgd,
      steps: 50,
      learningRate: 1e6,
    });
    const [run] = study.runs;
    expect(run.diverged).toBe(true);
    expect(run.trained).toBeNull();
    expect(run.steps).toBeLessThan(50);
    expect(Number.isFinite(run.losses.at(-1) as number)).toBe(false);
  });

  it('warms the learning rate up linearly over warmupSteps, then holds it', async () => {
    const rates: number[] = [];
    const recording = (weights: readonly tf.LayerVariable[]): StudyOptimizer => {
      const inner = sgd(weights);
      return {
        ...inner,
        apply(gradients, rate) {
          rates.push(rate);
          inner.apply(gradients, rate);
        },
      };
    };
    const study = await compareResidualForms({
      forms: ['residual'],
      depths: [2],
      build: tinyStack,
      batch,
      loss: crossEntropy,
      optimizer: recording,
      steps: 6,
      learningRate: 0.08,
      warmupSteps: 4,
    });
    expect(study.warmupSteps).toBe(4);
    expect(rates.map((r) => Number(r.toFixed(6)))).toEqual([0.02, 0.04, 0.06, 0.08, 0.08, 0.08]);
  });

  it('refuses bad steps, depths and rates with one line', async () => {
    const base = { forms: ['none'], build: tinyStack, batch, loss: crossEntropy, optimizer: sgd };
    await expect(compareResidualForms({ ...base, depths: [0], learningRate: 1 })).rejects.toThrow(
      'Depths must be positive integers, got 0.',
    );
    await expect(
      compareResidualForms({ ...base, depths: [2], steps: -1, learningRate: 1 }),
    ).rejects.toThrow('steps must be a non-negative integer, got -1 at depth 2.');
    await expect(compareResidualForms({ ...base, depths: [2], learningRate: 0 })).rejects.toThrow(
      'learningRate must be a positive number, got 0.',
    );
    await expect(
      compareResidualForms({ ...base, depths: [2], learningRate: 1, warmupSteps: 1.5 }),
    ).rejects.toThrow('warmupSteps must be a non-negative integer, got 1.5.');
  });
});
