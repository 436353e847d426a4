import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporaryDirectory } from '@residual/vitest-config/temporary-directory';
import { describe, expect, it } from 'vitest';
import { run } from '../src/main.js';
import { recordingTerminal } from './recording-terminal.js';

describe('residual gradient-flow', () => {
  const out = join(temporaryDirectory('residual-gradient-flow-'), 'study');

  it('prints the depth-study table and writes the JSON report and the SVG chart', async () => {
    const terminal = recordingTerminal();
    const args = ['gradient-flow', '--models', 'cifar_resnet8,cifar_plain8', '--steps', '2'];
    expect(await run([...args, '--backend', 'wasm', '--out', out], terminal)).toBe(0);
    expect(terminal.stdout).toMatch(
      /^model +params +‖g‖ first\/last conv +after 2 steps +loss at init +train loss/,
    );
    expect(terminal.stdout).toMatch(/\ncifar_resnet8 +75,002 +\d/);
    expect(terminal.stdout).toMatch(/\ncifar_plain8 +75,002 +\d/);
    expect(terminal.stderr).toContain(
      'cifar_plain8 (2/2): measuring the gradient at initialisation',
    );

    const report = JSON.parse(readFileSync(join(out, 'gradient-flow.json'), 'utf8'));
    expect(report).toMatchObject({
      dataset: 'digits',
      backend: 'wasm',
      seed: 0,
      steps: 2,
      batchSize: 32,
    });
    expect(report.runs.map((r: { model: string }) => r.model)).toEqual([
      'cifar_resnet8',
      'cifar_plain8',
    ]);
    expect(report.runs[0].losses).toHaveLength(2);
    expect(report.runs[0].initial.firstToLastRatio).toBeGreaterThan(0);
    const svg = readFileSync(join(out, 'gradient-flow.svg'), 'utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toContain('Gradient norm per convolution at initialisation');
  });

  it('refuses to overwrite a report', async () => {
    const terminal = recordingTerminal();
    expect(await run(['gradient-flow', '--models', 'cifar_plain8', '--out', out], terminal)).toBe(
      2,
    );
    expect(terminal.stderr).toBe(
      `residual: gradient-flow --out: ${out} already holds a report; choose another directory.\n`,
    );
  });

  it('prints JSON only with --json', async () => {
    const terminal = recordingTerminal();
    const dir = join(temporaryDirectory('residual-gradient-flow-'), 'json');
    expect(
      await run(['gradient-flow', '--models', 'cifar_plain8', '--json', '--out', dir], terminal),
    ).toBe(0);
    expect(JSON.parse(terminal.stdout).runs[0].trained).toBeNull();
    expect(existsSync(join(dir, 'gradient-flow.svg'))).toBe(true);
  });

  it.each([
    [
      ['--models', 'resnet51'],
      /^residual: gradient-flow --models: unknown model "resnet51"\. Known: cifar_resnet8, /,
    ],
    [
      ['--depths', '20,57'],
      /^residual: gradient-flow --depths: there is no cifar_resnet57; cifar_resnet comes in depths 8, 20, 32, 44, 56, 110, 1202\.\n$/,
    ],
    [
      ['--depths', 'deep'],
      /^residual: gradient-flow --depths: expected comma-separated integers, got 'deep'\.\n$/,
    ],
    [['--steps=-1'], /^residual: gradient-flow --steps: must be at least 0, got -1\.\n$/],
  ])('%j is a user error: one line, exit status 2', async (args, message) => {
    const terminal = recordingTerminal();
    expect(await run(['gradient-flow', ...args], terminal)).toBe(2);
    expect(terminal.stderr).toMatch(message);
    expect(terminal.stdout).toBe('');
  });
});
