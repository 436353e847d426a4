import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '..', 'dist', 'bin.js');
const exec = promisify(execFile);

async function residual(...args: string[]) {
  return exec(process.execPath, [bin, ...args], { env: { ...process.env, NO_COLOR: '1' } });
}

function readMetrics(dir: string) {
  return JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
}

describe('residual train (the built command, as a user runs it)', () => {
  it('trains, prints one line per epoch when not on a terminal, and writes the model and metrics', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'residual-train-')), 'run');
    const { stdout, stderr } = await residual(
      'train',
      '--epochs',
      '2',
      '--limit',
      '256',
      '--batch-size',
      '32',
      '--seed',
      '1',
      '--out',
      out,
    );
    expect(stderr).toMatch(
      /training cifar_resnet8 on digits \(256 train \/ 2000 test images\) with the wasm backend/,
    );
    expect(stderr.match(/^epoch \d\/2 .*test acc/gm)).toHaveLength(2);
    expect(stdout).toMatch(/^test accuracy \d+\.\d\d% on 2000 held-out digits after 2 epochs/);
    expect(readdirSync(out).sort()).toEqual([
      'metrics.json',
      'model.json',
      'training-curves.svg',
      'weights.bin',
    ]);
    expect(readFileSync(join(out, 'training-curves.svg'), 'utf8')).toContain(
      'cifar_resnet8 on digits: loss',
    );
    const metrics = readMetrics(out);
    expect(metrics).toMatchObject({
      model: 'cifar_resnet8',
      dataset: 'digits',
      backend: 'wasm',
      seed: 1,
      epochs: 2,
      trainImages: 256,
    });
    expect(metrics.history).toHaveLength(2);
    // 16 steps on 256 images: well above chance (10%), far from converged.
    expect(metrics.testAccuracy).toBeGreaterThan(0.15);
    expect(metrics.confusionMatrix.flat().reduce((a: number, b: number) => a + b)).toBe(2000);
  });

  it('gives identical losses for two runs with the same seed', async () => {
    const root = mkdtempSync(join(tmpdir(), 'residual-seed-'));
    const args = ['train', '--seed', '1', '--epochs', '1', '--limit', '192', '--batch-size', '32'];
    await residual(...args, '--out', join(root, 'a'));
    await residual(...args, '--out', join(root, 'b'));
    const [a, b] = [readMetrics(join(root, 'a')), readMetrics(join(root, 'b'))];
    expect(a.history[0].loss).toBe(b.history[0].loss);
    expect(a.testLoss).toBe(b.testLoss);
    expect(a.confusionMatrix).toEqual(b.confusionMatrix);
  });

  it('refuses to overwrite a finished run', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'residual-train-')), 'run');
    await residual('train', '--epochs', '1', '--limit', '32', '--out', out);
    const before = readFileSync(join(out, 'weights.bin'));
    await expect(
      residual('train', '--epochs', '1', '--limit', '32', '--out', out),
    ).rejects.toMatchObject({
      code: 2,
      stderr: `residual: train --out: ${out} already holds a trained model; choose another directory.\n`,
    });
    expect(readFileSync(join(out, 'weights.bin')).equals(before)).toBe(true);
  });
});
