import { initBackend } from '@residual/backend';
import { expectNoLeakedTensors } from '@residual/backend/testing';
import { createModel } from '@residual/models';
import { temporaryDirectory } from '@residual/vitest-config/temporary-directory';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { latestCheckpoint } from './checkpoints.js';
import { layerGraph } from './layer-graph.js';
import { paperRecipe } from './recipes.js';
import { blockCuts, evenSegments, recomputingForward, segmentsAt } from './recompute.js';
import { SgdMomentum } from './sgd-momentum.js';
import { halvesSplit } from './test-fixtures.js';
import { train } from './train.js';
import { trainingStep } from './training-step.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

const inputShape = [8, 8, 3] as const;

function batch(seed: number, size = 4) {
  return {
    images: tf.randomNormal([size, ...inputShape], 0, 1, 'float32', seed) as tf.Tensor4D,
    labels: tf.tensor1d(
      Array.from({ length: size }, (_, i) => (i * 7 + seed) % 10),
      'int32',
    ),
    indices: Int32Array.from({ length: size }, (_, i) => i),
  };
}

/** Trains a fresh seeded model for `steps` steps and returns every weight's values. */
async function trainSteps(
  name: string,
  segments:
    | ((
        graph: NonNullable<ReturnType<typeof layerGraph>>,
      ) => readonly (readonly [number, number])[])
    | null,
  steps = 3,
) {
  const model = createModel(name, { inputShape: [...inputShape], seed: 3 });
  const optimizer = new SgdMomentum(model.trainableWeights, { momentum: 0.9, weightDecay: 1e-4 });
  const graph = layerGraph(model);
  if (graph === undefined) throw new Error('the model should run step by step');
  const forward = segments === null ? undefined : recomputingForward(graph, segments(graph));
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const items = batch(step + 1);
    const outcome = await trainingStep({
      model,
      optimizer,
      batch: items,
      numClasses: 10,
      labelSmoothing: 0,
      learningRate: 0.1,
      forward,
    });
    tf.dispose([items.images, items.labels]);
    losses.push(outcome.loss);
  }
  const weights = model.weights.map((weight) => ({
    name: weight.originalName,
    values: Array.from(weight.read().dataSync()),
  }));
  optimizer.dispose();
  model.dispose();
  return { losses, weights };
}

describe('activation recomputation', () => {
  it('cuts a ResNet between its blocks only', () => {
    const model = createModel('cifar_resnet20', { inputShape: [...inputShape], seed: 1 });
    const graph = layerGraph(model);
    expect(graph).toBeDefined();
    const cuts = blockCuts(graph as NonNullable<typeof graph>);
    const names = cuts.map((cut) => graph?.steps[cut].layer.name);
    // After the stem, after each of the 9 blocks but the last... and after the last one.
    expect(names[0]).toBe('stem_relu');
    expect(names.slice(1)).toEqual(
      [1, 2, 3].flatMap((stage) => [1, 2, 3].map((block) => `stage${stage}_block${block}_out`)),
    );
    model.dispose();
  });

  it('trains cifar_resnet20 to the same weights, bit for bit, per block and in segments', async () => {
    const plain = await trainSteps('cifar_resnet20', null);
    const blocks = await trainSteps('cifar_resnet20', (graph) =>
      segmentsAt(graph, blockCuts(graph)),
    );
    const three = await trainSteps('cifar_resnet20', (graph) => evenSegments(graph, 3));
    for (const run of [blocks, three]) {
      expect(run.losses).toEqual(plain.losses);
      // Moving means and variances included: a recomputed batch norm must not move them twice.
      expect(run.weights).toEqual(plain.weights);
    }
  });

  it('moves the batch-norm statistics once per step', async () => {
    const model = createModel('cifar_resnet8', { inputShape: [...inputShape], seed: 2 });
    const graph = layerGraph(model) as NonNullable<ReturnType<typeof layerGraph>>;
    const forward = recomputingForward(graph, segmentsAt(graph, blockCuts(graph)));
    const mean = model.getLayer('stage1_block1_1_bn').getWeights()[2];
    const before = mean.dataSync().slice();
    const items = batch(5);
    const once = tf.tidy(() => {
      model.apply(items.images, { training: true });
      return model.getLayer('stage1_block1_1_bn').getWeights()[2].dataSync().slice();
    });
    model
      .getLayer('stage1_block1_1_bn')
      .setWeights([
        ...model.getLayer('stage1_block1_1_bn').getWeights().slice(0, 2),
        tf.tensor1d(before),
        model.getLayer('stage1_block1_1_bn').getWeights()[3],
      ]);
    tf.tidy(() => {
      tf.variableGrads(() => tf.sum(forward(items.images)) as tf.Scalar);
    });
    const after = model.getLayer('stage1_block1_1_bn').getWeights()[2].dataSync();
    expect(Array.from(once)).not.toEqual(Array.from(before));
    expect(Array.from(after)).toEqual(Array.from(once));
    tf.dispose([items.images, items.labels]);
    model.dispose();
  });

  it('leaks no tensors', async () => {
    const model = createModel('cifar_resnet8', { inputShape: [...inputShape], seed: 2 });
    const graph = layerGraph(model) as NonNullable<ReturnType<typeof layerGraph>>;
    const forward = recomputingForward(graph, evenSegments(graph, 2));
    const items = batch(6);
    await expectNoLeakedTensors(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(forward(items.images)) as tf.Scalar);
      tf.dispose([value, ...Object.values(grads)]);
    });
    tf.dispose([items.images, items.labels]);
    model.dispose();
  });

  it('stops and resumes a recomputing run to the weights of a run that keeps every activation', async () => {
    const data = { train: halvesSplit(48, 1), numClasses: 2 };
    const recipe = paperRecipe({ epochs: 2, batchSize: 16, learningRate: 0.05 });
    const model = () =>
      createModel('cifar_resnet8', { inputShape: [8, 8, 1], numClasses: 2, seed: 4 });
    const bytes = (m: tf.LayersModel) => m.weights.map((w) => Array.from(w.read().dataSync()));
    const straight = model();
    await train({ model: straight, data, recipe, seed: 5, recompute: 'none' });

    const dir = temporaryDirectory('residual-recompute-');
    const controller = new AbortController();
    const first = await train({
      model: model(),
      data,
      recipe,
      seed: 5,
      recompute: 'blocks',
      checkpoints: { dir },
      signal: controller.signal,
      callbacks: { onBatchEnd: ({ step }) => void (step === 4 && controller.abort()) },
    });
    expect(first).toMatchObject({ aborted: true, steps: 4 });
    const resumed = model();
    const second = await train({
      model: resumed,
      data,
      recipe,
      seed: 5,
      recompute: 2,
      checkpoints: { dir },
      resume: (await latestCheckpoint(dir)) as string,
    });
    expect(second.steps).toBe(6);
    expect(bytes(resumed)).toEqual(bytes(straight));
  });
});
