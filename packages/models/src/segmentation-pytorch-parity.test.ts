// U-Net and FPN against the PyTorch re-implementation of segmentation_models_pytorch's decoders
// in scripts/segmentation-reference.py (smp itself is not installable here): the same random
// weights, batch-norm and group-norm statistics included, give the same eval-mode logits.
// Skipped with the reason printed without Debian's python3-torch, failed under CI.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@residual/backend';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import './index.js';
import { createModel } from './registry.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(import.meta.dirname, '..', 'scripts', 'segmentation-reference.py');
const TOLERANCE = 1e-4;

function whyNoTorch(): string | undefined {
  if (!existsSync(PYTHON)) return `${PYTHON} is not installed`;
  const probe = spawnSync(PYTHON, ['-c', 'import torch, torchvision'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    return `${PYTHON} cannot import torch and torchvision (apt-get install python3-torch python3-torchvision)`;
  }
  return undefined;
}

const missing = whyNoTorch();
if (missing !== undefined) {
  if (process.env.CI === 'true' || process.env.RESIDUAL_REQUIRE_PYTHON === '1') {
    throw new Error(`The segmentation PyTorch parity tests are required here, but ${missing}.`);
  }
  console.warn(`Skipping the segmentation PyTorch parity tests: ${missing}.`);
}

interface Slice {
  shape: number[];
  offset: number;
}

describe.skipIf(missing !== undefined)('U-Net and FPN against PyTorch', () => {
  let dir = '';
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
    dir = mkdtempSync(join(tmpdir(), 'residual-segmentation-parity-'));
    const run = spawnSync(PYTHON, [SCRIPT, 'parity', dir], { encoding: 'utf8', timeout: 120_000 });
    if (run.status !== 0) throw new Error(`segmentation-reference.py parity failed: ${run.stderr}`);
  }, 180_000);
  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it.each(['unet_resnet18', 'fpn_resnet18'])(
    "%s gives the reference's logits within 1e-4 at 2×64×96×3",
    (name) => {
      const index = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as {
        weights: Record<string, Slice>;
        input: Slice;
        logits: Slice;
      };
      const bytes = readFileSync(join(dir, `${name}.bin`));
      const values = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
      const tensor = ({ shape, offset }: Slice) =>
        tf.tensor(values.subarray(offset, offset + shape.reduce((a, b) => a * b, 1)), shape);
      const model = createModel(name, { inputShape: [64, 96, 3] });
      const names = model.weights.map((w) => w.originalName ?? w.name);
      expect([...names].sort()).toEqual(Object.keys(index.weights).sort());
      for (const weight of model.weights) {
        const value = tensor(index.weights[weight.originalName ?? weight.name]!);
        weight.write(value);
        value.dispose();
      }
      const difference = tf.tidy(() => {
        const ours = model.predict(tensor(index.input)) as tf.Tensor;
        const theirs = tensor(index.logits);
        expect(ours.shape).toEqual(theirs.shape);
        const diff = tf.max(tf.abs(tf.sub(ours, theirs))).dataSync()[0]!;
        return diff / tf.max(tf.abs(theirs)).dataSync()[0]!;
      });
      model.dispose();
      expect(difference).toBeLessThanOrEqual(TOLERANCE);
    },
    120_000,
  );
});
