import { initBackend } from '@residual/backend';
import { expectNoLeakedTensors } from '@residual/backend/testing';
import { CharTokenizer, loadTextCorpus } from '@residual/datasets';
import { beforeAll, describe, expect, it } from 'vitest';
import { mobyDickExcerpt } from '../scripts/static-assets.js';
import { bitsPerCharacter, CHAR_DEMO_DEFAULTS, recentMean } from '../src/char-demo-defaults.js';
import { trainCharModel, usablePrompt } from '../src/char-model.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('the character-model demo', () => {
  it('learns a short text: the loss is finite and falls, held-out bits and samples appear', async () => {
    const text = mobyDickExcerpt((await loadTextCorpus('moby-dick')).text, 4_000);
    const steps = 24;
    const sampled: number[] = [];
    const result = await expectNoLeakedTensors(() =>
      trainCharModel({
        ...CHAR_DEMO_DEFAULTS,
        text,
        steps,
        context: 16,
        layers: 1,
        width: 32,
        warmupSteps: 2,
        sampleEvery: 12,
        sampleLength: 20,
        onSample: ({ step, done }) => {
          if (done) sampled.push(step);
        },
      }),
    );
    expect(result.losses).toHaveLength(steps);
    expect(result.losses.every(Number.isFinite)).toBe(true);
    // The first step sees a model that knows nothing: about ln(vocabulary) nats.
    expect(result.losses[0]).toBeCloseTo(Math.log(result.vocabSize), 0);
    expect(recentMean(result.losses, 5)).toBeLessThan(result.losses[0] - 0.3);
    expect(sampled).toEqual([12, 24]);
    expect(result.evaluations.map((e) => e.step)).toEqual([12, 24]);
    for (const sample of result.samples) {
      expect(sample.text.startsWith(CHAR_DEMO_DEFAULTS.prompt)).toBe(true);
      expect(Array.from(sample.text)).toHaveLength(CHAR_DEMO_DEFAULTS.prompt.length + 20);
    }
    expect(result.aborted).toBe(false);
  });

  it('stops after the step in progress when aborted', async () => {
    const controller = new AbortController();
    const result = await trainCharModel({
      ...CHAR_DEMO_DEFAULTS,
      text: 'abcabcabd '.repeat(40),
      steps: 50,
      context: 8,
      layers: 1,
      width: 32,
      signal: controller.signal,
      onStep: ({ step }) => {
        if (step === 3) controller.abort();
      },
    });
    expect(result.aborted).toBe(true);
    expect(result.losses).toHaveLength(3);
  });

  it('converts nats to bits, averages the recent losses, and keeps only known prompt characters', () => {
    expect(bitsPerCharacter(Math.LN2 * 3)).toBeCloseTo(3, 12);
    expect(recentMean([])).toBeUndefined();
    expect(recentMean([5, 1, 2, 3], 3)).toBe(2);
    const tokenizer = CharTokenizer.fromText('the cat');
    expect(usablePrompt('The cat', tokenizer)).toBe('he cat');
    expect(usablePrompt('XYZ', tokenizer)).toBe(' ');
  });

  it('cuts the excerpt from the first sentence at a paragraph end', async () => {
    const excerpt = mobyDickExcerpt((await loadTextCorpus('moby-dick')).text);
    expect(excerpt.startsWith('Call me Ishmael.')).toBe(true);
    expect(excerpt.length).toBeGreaterThan(35_000);
    expect(excerpt.length).toBeLessThanOrEqual(40_001);
    expect(() => mobyDickExcerpt('no novel here')).toThrow(/Call me Ishmael/);
  });
});
