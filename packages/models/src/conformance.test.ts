// The conformance test: every registered model, the same checks.
import { initBackend } from '@residual/backend';
import { expectNoLeakedTensors, expectTensorsClose } from '@residual/backend/testing';
import { customLayerClassNames } from '@residual/layers';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countMacs } from './count-macs.js';
import { countParameters } from './count-parameters.js';
import './index.js';
import { createModel, listModels, type ModelEntry } from './registry.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

/**
 * The input a model is exercised at: 8×8 for the CIFAR layouts (2×2 at the last stage) and
 * 32×32 for the ImageNet layouts (1×1 at the last stage). Weights do not depend on the input
 * size, and MACs at the default size come from the same layers' shapes (countMacs), so nothing
 * an entry is held to is lost at the smaller size; only the arithmetic shrinks.
 */
function testInputShape(entry: ModelEntry): number[] {
  // A language model reads any length up to its context: 32 tokens exercise every layer.
  if (entry.task === 'language-model') return [Math.min(entry.defaultInputShape[0], 32)];
  const [height, , channels] = entry.defaultInputShape;
  return height > 64 ? [32, 32, channels] : [8, 8, channels];
}

/** A batch of two inputs: images, or token ids. */
function testInput(entry: ModelEntry, shape: number[]): tf.Tensor {
  return entry.task === 'language-model'
    ? tf.randomUniform([2, ...shape], 0, entry.defaultNumClasses, 'int32', 1)
    : tf.randomNormal([2, ...shape], 0, 1, 'float32', 1);
}

/**
 * Logits for two inputs: [2, classes], per-pixel logits [2, height, width, classes], or
 * next-token logits [2, length, vocabulary].
 */
function outputShape(entry: ModelEntry, shape: number[]): number[] {
  if (entry.task === 'language-model') return [2, shape[0], entry.defaultNumClasses];
  if (entry.task === 'semantic-segmentation') {
    return [2, shape[0], shape[1], entry.defaultNumClasses];
  }
  return [2, entry.defaultNumClasses];
}

/** The outputs of a model as a list: FCN and DeepLabv3 add their auxiliary logits. */
const outputList = (y: tf.Tensor | tf.Tensor[]): tf.Tensor[] => (Array.isArray(y) ? y : [y]);

/** The only entries with a layer Keras lacks; every other entry is made of standard layers. */
const GPT_LAYERS = ['CausalAttention', 'PositionEmbedding', 'TokenEmbedding'];
// Segmentation heads resize to the input's size (Interpolate) and seed their dropout; U-Net is
// made of standard layers.
const RESIZING_HEADS = ['Interpolate', 'SeededDropout'];
const CUSTOM_LAYERS: Record<string, string[]> = {
  ...Object.fromEntries(
    ['fcn', 'deeplabv3'].flatMap((head) =>
      [50, 101].map((depth) => [`${head}_resnet${depth}`, RESIZING_HEADS]),
    ),
  ),
  ...Object.fromEntries(
    [18, 34, 50].map((depth) => [`fpn_resnet${depth}`, ['GroupNormalization', ...RESIZING_HEADS]]),
  ),
  resnext50_32x4d: ['GroupedConv2D'],
  resnext101_32x8d: ['GroupedConv2D'],
  resnext101_64x4d: ['GroupedConv2D'],
  gpt_char_micro: GPT_LAYERS,
  gpt_char_small: [...GPT_LAYERS, 'SeededDropout'].sort(),
};

/** Saves `model` to memory, disposes it, and loads the copy (tfjs skips initialisers then). */
async function saveAndLoad(model: tf.LayersModel): Promise<tf.LayersModel> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  model.dispose();
  return tf.loadLayersModel(tf.io.fromMemory(saved as tf.io.ModelArtifacts));
}

const standardOnly: string[] = [];

describe.each(listModels().map((entry) => [entry.name, entry] as const))('%s', (name, entry) => {
  it('has its published counts, predicts without leaks, round-trips and trains a step', async () => {
    const inputShape = testInputShape(entry);
    const model = createModel(
      name,
      entry.task === 'language-model'
        ? { seed: 1 }
        : { seed: 1, inputShape: inputShape as [number, number, number] },
    );
    const params = countParameters(model);
    expect([params.trainable, params.total]).toEqual([entry.trainableParams, entry.totalParams]);
    expect(countMacs(model, entry.defaultInputShape)).toBe(entry.macs);
    expect(customLayerClassNames(model)).toEqual(CUSTOM_LAYERS[name] ?? []);
    if (customLayerClassNames(model).length === 0) standardOnly.push(name);

    const x = testInput(entry, inputShape);
    // Inference uses the batch norms' initial statistics (mean 0, variance 1), under which an
    // untrained 1000-layer network can overflow; finiteness is checked on the training loss.
    const y = await expectNoLeakedTensors(() => outputList(model.predict(x)));
    for (const output of y) expect(output.shape).toEqual(outputShape(entry, inputShape));
    const names = model.layers.map((l) => l.name);

    // The original goes before the copy comes back, so only one set of weights is alive.
    const restored = await saveAndLoad(model);
    expect(restored.layers.map((l) => l.name)).toEqual(names);
    const again = outputList(restored.predict(x));
    for (const [i, output] of again.entries()) {
      expectTensorsClose(output, y[i]!, { rtol: 1e-4, atol: 1e-4 });
    }

    // One SGD step of the loaded model: every name builds, loads and trains.
    const labels = tf.tidy(() =>
      tf.oneHot(
        tf.randomUniform(outputShape(entry, inputShape).slice(0, -1), 0, 2, 'int32', 2),
        entry.defaultNumClasses,
      ),
    );
    // The output layer: 'logits', or the token embedding that a tied GPT reuses for it, or a
    // segmentation head's classifier (its 'logits' resizes, without weights).
    const weighted = restored.layers.filter((l) => l.weights.length > 0).map((l) => l.name);
    const output = weighted.includes('logits')
      ? 'logits'
      : (weighted.find((n) => n === 'head_classifier_conv' || n === 'segmentation_head_conv') ??
        'token_embedding');
    const logitsKernel = () =>
      tf.tidy(() => restored.getLayer(output).getWeights()[0].dataSync().slice(0, 8));
    const before = logitsKernel();
    const optimizer = tf.train.sgd(0.01);
    const step = () =>
      expectNoLeakedTensors(() => {
        const loss = optimizer.minimize(
          () =>
            tf.addN(
              outputList(restored.apply(x, { training: true }) as tf.Tensor | tf.Tensor[]).map(
                (logits) => tf.losses.softmaxCrossEntropy(labels, logits),
              ),
            ) as tf.Scalar,
          true,
        );
        expect(Number.isFinite(loss?.dataSync()[0])).toBe(true);
        loss?.dispose();
      });
    // Dilated models (FCN, DeepLabv3) included: @residual/backend gives dilated convolutions
    // the gradient tfjs 4.22 refuses.
    await step();
    expect(logitsKernel()).not.toEqual(before);
    tf.dispose([x, ...y, ...again, labels]);
    restored.dispose();
  }, 600_000);
});

afterAll(() => {
  // The entries that convert to Keras as they are (DESIGN.md, "Scaling past one machine").
  expect(standardOnly).toEqual(
    listModels()
      .map((entry) => entry.name)
      .filter((name) => CUSTOM_LAYERS[name] === undefined),
  );
});
