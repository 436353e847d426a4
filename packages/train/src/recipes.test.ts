import { cifarAugmentation } from '@residual/datasets';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { Recipe } from './recipe.js';
import {
  modernRecipe,
  paperRecipe,
  quickRecipe,
  recipeByName,
  sgdRecipe,
  weightedLayerCount,
} from './recipes.js';

/** A stack of `depth` tiny dense layers: as deep as a ResNet by the paper's count. */
function denseStack(depth: number): tf.LayersModel {
  return tf.sequential({
    layers: Array.from({ length: depth }, (_, i) =>
      tf.layers.dense({ units: 1, inputShape: i === 0 ? [1] : undefined }),
    ),
  });
}

const shallow = denseStack(2);

function rates(recipe: Recipe, stepsPerEpoch: number, model = shallow) {
  const schedule = recipe.schedule({
    learningRate: recipe.learningRate,
    stepsPerEpoch,
    totalSteps: stepsPerEpoch * recipe.epochs,
    model,
  });
  return (steps: number[]) => steps.map(schedule);
}

describe('the ResNet paper recipe', () => {
  it('is SGD 0.9, batch 128, weight decay 1e-4 on kernels, pad-4 crop and flip', () => {
    expect(paperRecipe()).toMatchObject({
      epochs: 164,
      batchSize: 128,
      learningRate: 0.1,
      momentum: 0.9,
      nesterov: false,
      weightDecay: 1e-4,
      weightDecayAppliesTo: 'kernels',
      labelSmoothing: 0,
      augmentation: cifarAugmentation,
    });
  });

  it('divides 0.1 by 10 at 32k and 48k of 64k iterations (391 steps × 164 epochs)', () => {
    const at = rates(paperRecipe(), 391);
    // 64,124 steps: the drops land on steps 32,062 and 48,093.
    expect(at([0, 32061, 32062, 48092, 48093, 64123])).toEqual([
      0.1, 0.1, 0.01, 0.01, 0.001, 0.001,
    ]);
  });

  it('scales the drops to a short run: 2 epochs of 63 steps drop at 63 and 95', () => {
    const at = rates(paperRecipe({ epochs: 2 }), 63);
    expect(at([0, 62, 63, 94, 95, 125])).toEqual([0.1, 0.1, 0.01, 0.01, 0.001, 0.001]);
  });

  it('warms up at 0.01 for 400 steps from 110 weighted layers on ("auto")', () => {
    expect(weightedLayerCount(denseStack(110))).toBe(110);
    const deep = rates(paperRecipe(), 391, denseStack(110));
    expect(deep([0, 399, 400, 32061, 32062])).toEqual([0.01, 0.01, 0.1, 0.1, 0.01]);
    expect(rates(paperRecipe(), 391, denseStack(109))([0])).toEqual([0.1]);
    expect(rates(paperRecipe({ warmup: true }), 391)([399, 400])).toEqual([0.01, 0.1]);
    expect(rates(paperRecipe({ warmup: false }), 391, denseStack(110))([0])).toEqual([0.1]);
  });
});

describe('the modern recipe', () => {
  it('warms up linearly over 5 epochs, then decays by a cosine to 0', () => {
    const recipe = modernRecipe({ epochs: 20 });
    expect(recipe).toMatchObject({ nesterov: true, labelSmoothing: 0.1, weightDecay: 5e-4 });
    const at = rates(recipe, 10);
    const [start, ramp, peak, middle, last] = at([0, 25, 50, 125, 199]);
    expect([start, ramp, peak]).toEqual([0, 0.05, 0.1]);
    expect(middle).toBeCloseTo(0.05, 15);
    expect(last).toBeGreaterThan(0);
    expect(last).toBeLessThan(2e-5);
  });

  it('warms up over the first half of a run shorter than the warm-up', () => {
    const at = rates(modernRecipe({ epochs: 2 }), 10);
    expect(at([0, 5, 10])).toEqual([0, 0.05, 0.1]);
  });
});

describe('the quick and sgd recipes', () => {
  it('quick: 5 × 64 from 0.05 down a cosine to 0, otherwise the sgd recipe', () => {
    const recipe = quickRecipe();
    expect(recipe).toMatchObject({ name: 'quick', epochs: 5, batchSize: 64, momentum: 0.9 });
    expect(recipe.augmentation).toBeUndefined();
    const [first, middle, last] = rates(recipe, 10)([0, 25, 49]);
    expect(first).toBe(0.05);
    expect(middle).toBeCloseTo(0.025, 15);
    expect(last).toBeGreaterThan(0);
    expect(last).toBeLessThan(1e-4);
    // The command line passes an override it was not given as undefined.
    expect(recipeByName('quick', { epochs: undefined }).epochs).toBe(5);
  });

  it('sgd: a constant rate', () => {
    expect(rates(sgdRecipe(), 10)([0, 15, 29])).toEqual([0.05, 0.05, 0.05]);
  });
});

describe('recipeByName', () => {
  it('applies overrides and names the known recipes for an unknown one', () => {
    expect(recipeByName('paper', { epochs: 3, batchSize: undefined })).toMatchObject({
      name: 'paper',
      epochs: 3,
      batchSize: 128,
    });
    expect(() => recipeByName('fast')).toThrow(
      'Unknown recipe "fast". Known: quick, sgd, paper, modern.',
    );
  });
});
