import { initBackend } from '@residual/backend';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { freezeLayers } from './freeze-layers.js';
import { createModel } from './index.js';
import { replaceClassifier } from './replace-classifier.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('freezeLayers', () => {
  it('freezes the stem and the stages up to the point, and keeps the rest trainable', () => {
    const model = createModel('resnet18', { inputShape: [32, 32, 3], numClasses: 4, seed: 1 });
    const before = model.trainableWeights.length;
    const frozen = freezeLayers(model, 'stage2');
    expect(frozen).toContain('stem_conv');
    expect(frozen.some((name) => name.startsWith('stage2_'))).toBe(true);
    expect(frozen.some((name) => name.startsWith('stage3_'))).toBe(false);
    const trainable = model.trainableWeights.map((w) => w.originalName);
    expect(trainable.some((name) => name.startsWith('stage2_') || name.startsWith('stem'))).toBe(
      false,
    );
    expect(trainable.some((name) => name.startsWith('stage3_'))).toBe(true);
    expect(trainable.length).toBeLessThan(before);
  });

  it('all-but-head leaves only the classifier trainable', () => {
    const model = createModel('cifar_resnet8', { seed: 1 });
    freezeLayers(model, 'all-but-head');
    expect(model.trainableWeights.map((w) => w.originalName)).toEqual([
      'logits/kernel',
      'logits/bias',
    ]);
  });

  it('refuses a point the model does not have, naming the ones it has', () => {
    const model = createModel('cifar_resnet8', { seed: 1 });
    expect(() => freezeLayers(model, 'stage4')).toThrow(
      'freeze: cifar_resnet8 has 3 stages; "stage4" is not one of its points (stem, stage1, stage2, stage3, all-but-head).',
    );
    expect(() => freezeLayers(model, 'stage9' as 'stage4')).toThrow(/unknown point "stage9"/);
  });
});

describe('replaceClassifier', () => {
  it('swaps the logits layer for a fresh one of the new class count, sharing the backbone', async () => {
    const model = createModel('cifar_resnet8', { seed: 1, numClasses: 10 });
    const replaced = replaceClassifier(model, 3, { seed: 2 });
    expect(replaced.outputs[0].shape).toEqual([null, 3]);
    expect(replaced.name).toBe('cifar_resnet8');
    const stem = (m: tf.LayersModel) => m.getLayer('stem_conv').getWeights()[0];
    expect(stem(replaced)).toBe(stem(model));
    const x = tf.ones([1, 32, 32, 3]);
    const features = (m: tf.LayersModel) =>
      tf.model({ inputs: m.inputs, outputs: m.getLayer('logits').input as tf.SymbolicTensor });
    expect(Array.from((features(replaced).predict(x) as tf.Tensor).dataSync())).toEqual(
      Array.from((features(model).predict(x) as tf.Tensor).dataSync()),
    );
    // Round-trips through the Layers format with one classifier.
    const restored = await tf.models.modelFromJSON(
      JSON.parse(JSON.stringify(replaced.toJSON(null, false))),
    );
    expect(restored.layers.filter((layer) => layer.name === 'logits')).toHaveLength(1);
    expect(restored.outputs[0].shape).toEqual([null, 3]);
    tf.dispose(x);
  });

  it('refuses a model without a dense logits output', () => {
    const model = createModel('cifar_resnet8', { features: true });
    expect(() => replaceClassifier(model, 3)).toThrow(
      'replaceClassifier: cifar_resnet8 does not end in a dense layer named "logits".',
    );
    expect(() => replaceClassifier(createModel('cifar_resnet8'), 0)).toThrow(/positive integer/);
  });
});
