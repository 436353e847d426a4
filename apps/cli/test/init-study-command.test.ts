import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporaryDirectory } from '@residual/vitest-config/temporary-directory';
import { describe, expect, it } from 'vitest';
import { run } from '../src/main.js';
import { recordingTerminal } from './recording-terminal.js';

describe('residual init-study', () => {
  it('prints one row per scheme and depth and writes the JSON report and the SVG chart', async () => {
    const out = join(temporaryDirectory('residual-init-study-'), 'study');
    const terminal = recordingTerminal();
    const args = ['init-study', '--schemes', 'he,zero-gamma,fixup', '--depths', '8,20'];
    const options = ['--train-depths', '8', '--steps', '2', '--batch-size', '8'];
    expect(await run([...args, ...options, '--backend', 'wasm', '--out', out], terminal)).toBe(0);
    expect(terminal.stdout).toMatch(/^depth +scheme +loss at init +logit std/);
    expect(terminal.stdout).toMatch(/\n8 +zero-γ +2\.\d{3} /);
    expect(terminal.stdout).toMatch(/\n20 +Fixup +2\.303 +0\.00 /);
    expect(terminal.stdout).toContain('ln(classes) = 2.303');
    const report = JSON.parse(readFileSync(join(out, 'init-study.json'), 'utf8'));
    expect(report).toMatchObject({ dataset: 'digits', steps: 2, batchSize: 8, depths: [8, 20] });
    expect(report.measurements).toHaveLength(6);
    expect(report.training.map((t: { scheme: string }) => t.scheme)).toEqual([
      'he',
      'zero-gamma',
      'fixup',
    ]);
    const fixup = report.measurements.find(
      (m: { scheme: string; depth: number }) => m.scheme === 'fixup' && m.depth === 20,
    );
    // Fixup's classifier starts at zero: a uniform guess, exactly.
    expect(fixup.logitStd).toBe(0);
    expect(readFileSync(join(out, 'init-study.svg'), 'utf8')).toContain(
      'Training loss per step, depth 8',
    );
  });

  it('names a depth the registry does not have, and a batch that cannot fit', async () => {
    const terminal = recordingTerminal();
    expect(await run(['init-study', '--depths', '21'], terminal)).toBe(2);
    expect(terminal.stderr).toBe(
      "residual: init-study --depths: no cifar_resnet of depth '21'. Known depths: 8, 20, 32, 44, 56, 110, 1202.\n",
    );
    const big = recordingTerminal();
    const dir = join(temporaryDirectory('residual-init-study-'), 'big');
    const args = ['init-study', '--depths', '110', '--train-depths', '', '--batch-size', '5000'];
    expect(await run([...args, '--backend', 'wasm', '--out', dir], big)).toBe(2);
    expect(big.stderr).toMatch(
      /^residual: init-study: cifar_resnet110 at batch 5000 needs about \d+\.\d GiB per training step, and the wasm backend allows 4\.0 GiB: use --batch-size \d+ or less\.\n$/,
    );
  });
});
