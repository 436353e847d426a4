import { initBackend } from '@residual/backend';
import { createModel } from '@residual/models';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { planForward, planRecompute, WASM_HEAP_BYTES } from './recompute-plan.js';
import { StepMemoryError } from './step-memory-error.js';
import { halvesSplit } from './test-fixtures.js';
import { train } from './train.js';
import { TrainOptionsError } from './train-options-error.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

const inputShape = [8, 8, 3] as [number, number, number];

describe('planRecompute', () => {
  it("keeps every activation where the step fits, and recomputes under 'auto' where it does not", async () => {
    const model = createModel('cifar_resnet20', { inputShape, seed: 1 });
    const roomy = await planRecompute({ model, batchSize: 32 });
    expect(roomy.segments).toBeUndefined();
    expect(roomy.limitBytes).toBe(WASM_HEAP_BYTES);
    // A limit just under the plain step's estimate: recomputation has to step in.
    const tight = await planRecompute({
      model,
      batchSize: 32,
      limitBytes: roomy.estimatedBytes * 0.9,
    });
    expect(tight.segments?.length).toBeGreaterThan(1);
    // Segments of one or two blocks hold little more than their boundaries: about half.
    expect(tight.estimatedBytes).toBeLessThan(roomy.estimatedBytes * 0.6);
    const blocks = await planRecompute({ model, batchSize: 32, recompute: 'blocks' });
    // Stem, nine blocks, head.
    expect(blocks.segments).toHaveLength(11);
    expect((await planRecompute({ model, batchSize: 32, recompute: 4 })).segments).toHaveLength(4);
    model.dispose();
  });

  it('refuses values and models recomputation cannot work with, naming them', async () => {
    const model = createModel('cifar_resnet20', { inputShape, seed: 1 });
    await expect(planRecompute({ model, batchSize: 8, recompute: 0 })).rejects.toThrow(
      "recompute must be 'auto', 'none', 'blocks' or a positive number of segments, got 0.",
    );
    const dropping = createModel('cifar_resnet20', { inputShape, seed: 1, dropPathRate: 0.1 });
    await expect(
      planRecompute({ model: dropping, batchSize: 8, recompute: 'blocks' }),
    ).rejects.toThrow(TrainOptionsError);
    await expect(
      planRecompute({ model: dropping, batchSize: 8, recompute: 'blocks' }),
    ).rejects.toThrow(/has layers whose training output is random \(stage1_block1_drop_path/);
    model.dispose();
    dropping.dispose();
  });

  it('runs a plan without segments layer by layer: the values of model.apply, nothing leaked', async () => {
    // Images large enough for the activations to outweigh the weights.
    const shape = [32, 32, 3] as [number, number, number];
    const model = createModel('cifar_resnet20', { inputShape: shape, seed: 1 });
    const plan = await planRecompute({ model, batchSize: 4 });
    const forward = planForward(plan);
    expect(plan.segments).toBeUndefined();
    expect(forward).toBeDefined();
    const x = tf.randomNormal([4, ...shape], 0, 1, 'float32', 2);
    const weights = model.trainableWeights.map((w) => w.read());
    // Batch norms move their statistics in every training pass: each run starts from the same.
    const state = model.nonTrainableWeights.map((w) => tf.clone(w.read()));
    const run = (f: (images: tf.Tensor) => tf.Tensor) => {
      for (const [i, w] of model.nonTrainableWeights.entries()) w.write(tf.clone(state[i]));
      const before = tf.memory().numTensors;
      const { value, grads } = tf.variableGrads(
        () => tf.mean(tf.square(f(x))) as tf.Scalar,
        weights as tf.Variable[],
      );
      const values = [value, ...(weights as tf.Variable[]).map((w) => grads[w.name])].map((t) =>
        Array.from(t.dataSync()),
      );
      tf.dispose([value, ...Object.values(grads)]);
      return { values, leaked: tf.memory().numTensors - before };
    };
    const applied = run((images) => model.apply(images, { training: true }) as tf.Tensor);
    const stepped = run(forward as (images: tf.Tensor) => tf.Tensor);
    expect(stepped.values).toEqual(applied.values);
    expect(stepped.leaked).toBe(applied.leaked);
    // A model that draws random numbers in training keeps tfjs-layers' own pass.
    const dropping = createModel('cifar_resnet20', {
      inputShape: shape,
      seed: 1,
      dropPathRate: 0.1,
    });
    expect(planForward(await planRecompute({ model: dropping, batchSize: 4 }))).toBeUndefined();
    tf.dispose([x, ...state]);
    model.dispose();
    dropping.dispose();
  });

  it('says in one line what an absurd batch needs, what the backend allows and what fits', async () => {
    const model = createModel('cifar_resnet20', { inputShape, seed: 1 });
    const error = await planRecompute({ model, batchSize: 10_000_000 }).catch((e) => e);
    expect(error).toBeInstanceOf(StepMemoryError);
    expect(error.message).toMatch(
      /^cifar_resnet20 at batch 10000000 needs about \d+\.\d GiB per training step even with activation recomputation, and the wasm backend allows 4\.0 GiB: use batchSize (\d+) or less\.$/,
    );
    const largest = Number(/batchSize (\d+)/.exec(error.message)?.[1]);
    await expect(planRecompute({ model, batchSize: largest })).resolves.toBeDefined();
    await expect(planRecompute({ model, batchSize: largest + 1 })).rejects.toThrow(StepMemoryError);
    model.dispose();
  });
});

/** A layer that fails in training as the wasm backend does when its heap cannot grow. */
class HeapExhausted extends tf.layers.Layer {
  static className = 'HeapExhaustedForTest';
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    if (kwargs.training === true) throw new RangeError('the output must not overlap an input');
    return Array.isArray(inputs) ? inputs[0] : inputs;
  }
}

describe('train', () => {
  it('turns the wasm heap running out into a StepMemoryError', async () => {
    const model = tf.sequential({
      layers: [
        new HeapExhausted({ inputShape: [8, 8, 1] }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 2 }),
      ],
    });
    const data = { train: halvesSplit(16, 1), numClasses: 2 };
    await expect(
      train({ model, data, epochs: 1, batchSize: 8, learningRate: 0.1 }),
    ).rejects.toThrow(
      /^sequential_\d+ at batch 8 ran out of memory in a training step \(estimated 0\.0 GiB; the wasm backend allows 4\.0 GiB\): use batchSize 4 or less\.$/,
    );
  });
});
