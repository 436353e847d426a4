// Holds the GPT family to an independent PyTorch implementation (scripts/gpt-reference.py):
// the same parameter counts, and the same logits for the same weights and tokens, for every
// residual form. Needs Debian's /usr/bin/python3 with torch (python3-torch); skipped with a
// printed reason where it is missing, except under CI=true or RESIDUAL_REQUIRE_PYTHON=1, where
// that fails.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@residual/backend';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countParameters } from './count-parameters.js';
import type { GptOptions } from './gpt.js';
import './index.js';
import { createModel, getModelEntry } from './registry.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(import.meta.dirname, '..', 'scripts', 'gpt-reference.py');

function whyNoTorch(): string | undefined {
  if (!existsSync(PYTHON)) return `${PYTHON} is not installed`;
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8', timeout: 60_000 });
  if (probe.status !== 0) return `${PYTHON} cannot import torch (apt-get install python3-torch)`;
  return undefined;
}

const missing = whyNoTorch();
if (missing !== undefined) {
  if (process.env.CI === 'true' || process.env.RESIDUAL_REQUIRE_PYTHON === '1') {
    throw new Error(`The PyTorch parity tests are required here, but ${missing}.`);
  }
  console.warn(`Skipping the GPT PyTorch parity tests: ${missing}.`);
}

function runReference(...args: string[]): string {
  const run = spawnSync(PYTHON, [SCRIPT, ...args], { encoding: 'utf8', timeout: 120_000 });
  if (run.status !== 0) throw new Error(`gpt-reference.py ${args[0]} failed: ${run.stderr}`);
  return run.stdout;
}

interface ParityCase {
  config: Required<Omit<GptOptions, 'dropout' | 'seed'>>;
  parameters: number;
  weights: Record<string, { shape: number[]; values: number[] }>;
  tokens: number[][];
  logits: number[];
}

/** "gpt_char_micro bias=false" → the entry and the options that build that configuration. */
function configuration(name: string): [string, GptOptions] {
  const [entry, variant] = name.split(' ');
  if (variant === undefined) return [entry, {}];
  if (variant === 'bias=false') return [entry, { bias: false }];
  if (variant === 'untied') return [entry, { tieWeights: false }];
  return [entry, { residualForm: variant as GptOptions['residualForm'] }];
}

describe.skipIf(missing !== undefined)('the GPT family against a PyTorch reference', () => {
  let dir = '';
  let cases: ParityCase[] = [];

  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
    dir = mkdtempSync(join(tmpdir(), 'residual-gpt-parity-'));
    runReference('parity', dir);
    cases = JSON.parse(readFileSync(join(dir, 'gpt-parity.json'), 'utf8')).cases;
  }, 180_000);

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('counts the same parameters, nanoGPT configurations included', () => {
    const counts: Record<string, number> = JSON.parse(runReference('counts'));
    expect(counts.gpt_char_micro).toBe(getModelEntry('gpt_char_micro').trainableParams);
    expect(counts.gpt_char_small).toBe(getModelEntry('gpt_char_small').trainableParams);
    for (const [name, expected] of Object.entries(counts)) {
      const [entry, options] = configuration(name);
      const model = createModel(entry, options);
      expect(countParameters(model).trainable, name).toBe(expected);
      model.dispose();
    }
  }, 120_000);

  it.each(['wasm', 'cpu'])(
    'gives the logits of the float64 reference to 1e-5, every residual form (%s)',
    async (backend) => {
      await tf.setBackend(backend);
      expect(cases.map((c) => c.config.residualForm)).toEqual([
        'pre-ln',
        'post-ln',
        'none',
        'rezero',
        'deepnorm',
        'layerscale',
        'pre-ln',
      ]);
      for (const { config, parameters, weights, tokens, logits } of cases) {
        const label = `${config.residualForm}, bias ${config.bias}, tied ${config.tieWeights}`;
        const model = createModel('gpt_char_micro', { ...config, seed: 1 });
        expect(countParameters(model).trainable, label).toBe(parameters);
        const names = model.weights.map((w) => w.originalName);
        expect([...names].sort(), label).toEqual(Object.keys(weights).sort());
        model.setWeights(
          model.weights.map((w) => {
            const { shape, values } = weights[w.originalName];
            expect(shape, w.originalName).toEqual(w.shape);
            return tf.tensor(values, shape, 'float32');
          }),
        );
        const ours = tf.tidy(() =>
          (model.predict(tf.tensor2d(tokens, undefined, 'int32')) as tf.Tensor).dataSync(),
        );
        expect(ours.length).toBe(logits.length);
        // Relative to the largest logit (float32 against float64; measured: under 6e-7).
        const scale = Math.max(...logits.map(Math.abs));
        const worst = Math.max(...logits.map((value, i) => Math.abs(ours[i] - value)));
        expect(worst / scale, label).toBeLessThan(1e-5);
        model.dispose();
      }
    },
    120_000,
  );
});
