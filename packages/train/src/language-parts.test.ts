import { initBackend, Rng } from '@residual/backend';
import { CharTokenizer } from '@residual/datasets';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdamW } from './adamw.js';
import { evaluationWindows } from './evaluate-language-model.js';
import { generateText, sampleToken } from './generate-text.js';
import { nextTokenLoss } from './next-token-loss.js';
import { NgramModel } from './ngram-baseline.js';
import { tinyLanguageModel } from './test-fixtures.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('nextTokenLoss', () => {
  it('is the mean −log softmax at the targets, finite for huge logits', () => {
    const logits = tf.tensor3d([
      [
        [1, 2, 3],
        [1e4, 0, -1e4],
      ],
    ]);
    const targets = tf.tensor2d([[2, 1]], [1, 2], 'int32');
    const expected = (-(3 - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3))) + 1e4) / 2;
    expect(nextTokenLoss(logits, targets).dataSync()[0]).toBeCloseTo(expected, 1);
    expect(Number.isFinite(nextTokenLoss(logits, targets, 'sum').dataSync()[0])).toBe(true);
    tf.dispose([logits, targets]);
  });
});

describe('AdamW', () => {
  it('takes the PyTorch step: bias-corrected Adam plus decoupled decay of matrices only', () => {
    const kernel = tf.variable(tf.tensor2d([[1, -2]]), true, 'dense/kernel');
    const bias = tf.variable(tf.tensor1d([0.5]), true, 'dense/bias');
    const weights = [kernel, bias].map((variable) => ({
      originalName: variable.name,
      read: () => variable,
    })) as unknown as tf.LayerVariable[];
    const optimizer = new AdamW(weights, { weightDecay: 0.1 });
    expect(optimizer.decayedWeights).toEqual(['dense/kernel']);
    optimizer.apply([tf.tensor2d([[0.2, 0.4]]), tf.tensor1d([-1])], 0.01);
    // First step: m̂ = g, v̂ = g², so the update is lr·sign(g) (up to ε), after w·(1 − lr·λ).
    const [k0, k1] = kernel.dataSync();
    expect(k0).toBeCloseTo(1 * (1 - 0.001) - 0.01, 6);
    expect(k1).toBeCloseTo(-2 * (1 - 0.001) - 0.01, 6);
    expect(bias.dataSync()[0]).toBeCloseTo(0.51, 6);
    const state = optimizer.stateTensors();
    const again = new AdamW(weights, { weightDecay: 0.1 });
    again.restore(state);
    expect(Array.from(again.stateTensors().adamw_step.dataSync())).toEqual([1]);
    tf.dispose(Object.values(state));
    optimizer.dispose();
    again.dispose();
  });
});

describe('evaluationWindows', () => {
  it('covers the text with non-overlapping windows, or spreads a few evenly', () => {
    expect(evaluationWindows(21, 5)).toEqual([0, 5, 10, 15]);
    expect(evaluationWindows(21, 5, 3)).toEqual([0, 8, 15]);
    expect(() => evaluationWindows(5, 5)).toThrow('at least 6 tokens');
  });
});

describe('sampling', () => {
  it('keeps only the top k and sharpens with a low temperature', () => {
    const rng = new Rng(1);
    const logits = [0, 3, 1, 2.9];
    const draws = Array.from({ length: 200 }, () => sampleToken(logits, 1, 2, rng));
    expect(new Set(draws)).toEqual(new Set([1, 3]));
    const cold = Array.from({ length: 50 }, () => sampleToken(logits, 0.01, 4, rng));
    expect(new Set(cold)).toEqual(new Set([1]));
  });

  it('streams a seeded, deterministic continuation and refuses bad options', async () => {
    const tokenizer = CharTokenizer.fromText('abcdefgh');
    const model = tinyLanguageModel(3, tokenizer.vocabSize, 4);
    const run = async (seed: number) => {
      const pieces: string[] = [];
      for await (const piece of generateText(model, tokenizer, {
        prompt: 'abcdef',
        tokens: 20,
        seed,
        topK: 5,
      })) {
        pieces.push(piece);
      }
      return pieces;
    };
    const first = await run(1);
    expect(first).toHaveLength(20);
    expect(await run(1)).toEqual(first);
    expect(await run(2)).not.toEqual(first);
    const bad = async (options: object) => {
      for await (const _ of generateText(model, tokenizer, {
        prompt: 'ab',
        tokens: 5,
        ...options,
      })) {
        /* drain */
      }
    };
    await expect(bad({ tokens: 0 })).rejects.toThrow('tokens must be a positive integer, got 0.');
    await expect(bad({ temperature: 0 })).rejects.toThrow(
      'temperature must be a positive number, got 0.',
    );
    await expect(bad({ prompt: 'xyz' })).rejects.toThrow('outside the vocabulary of 8');
    model.dispose();
  });
});

describe('NgramModel', () => {
  it('predicts a deterministic sequence almost surely, and a fresh one near uniform', () => {
    const text = Int32Array.from({ length: 300 }, (_, i) => i % 3);
    const model = new NgramModel(3, 4, 0.01).fit(text);
    expect(model.crossEntropy(text.subarray(10, 40))).toBeLessThan(0.05);
    expect(new NgramModel(5, 4).fit([]).crossEntropy([1, 2, 3])).toBeCloseTo(Math.log(4), 12);
  });
});
