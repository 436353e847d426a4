import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporaryDirectory } from '@residual/vitest-config/temporary-directory';
import { describe, expect, it } from 'vitest';
import { run } from '../src/main.js';
import { recordingTerminal } from './recording-terminal.js';

describe('residual gradient-flow with a language model', () => {
  it('compares residual forms per block, writes the report and the chart', async () => {
    const out = join(temporaryDirectory('residual-gradient-flow-gpt-'), 'study');
    const terminal = recordingTerminal();
    const args = [
      'gradient-flow',
      '--models',
      'gpt_char_micro',
      '--residual-forms',
      'pre-ln,none',
      '--depths',
      '2,3',
      '--steps',
      '3',
      '--steps-at',
      '3:1',
      '--width',
      '16',
      '--heads',
      '2',
      '--context',
      '8',
      '--batch-size',
      '2',
    ];
    expect(await run([...args, '--backend', 'wasm', '--out', out], terminal)).toBe(0);
    expect(terminal.stdout).toMatch(/^form +blocks +params +‖g‖ block 1 \(init\)/);
    expect(terminal.stdout).toMatch(/\npre-ln +2 +[\d,]+ +\d/);
    expect(terminal.stdout).toMatch(/\nnone +3 +[\d,]+ +\d/);
    expect(terminal.stderr).toContain(
      'on moby-dick (batch 2, AdamW at a constant 0.001, 3 steps, 1 at 3 blocks)',
    );

    const report = JSON.parse(readFileSync(join(out, 'gradient-flow.json'), 'utf8'));
    expect(report).toMatchObject({
      kind: 'residual-forms',
      model: 'gpt_char_micro',
      dataset: 'moby-dick',
      width: 16,
      heads: 2,
      context: 8,
      batchSize: 2,
      learningRate: 0.001,
    });
    const runs = report.runs as {
      form: string;
      depth: number;
      steps: number;
      initial: { groups: { name: string; block: boolean }[] };
    }[];
    expect(runs.map((r) => [r.form, r.depth, r.steps])).toEqual([
      ['pre-ln', 2, 3],
      ['none', 2, 3],
      ['pre-ln', 3, 1],
      ['none', 3, 1],
    ]);
    expect(runs[2].initial.groups.filter((g) => g.block).map((g) => g.name)).toEqual([
      'block1',
      'block2',
      'block3',
    ]);
    // The plain twin has no final LayerNorm; pre-ln has one.
    expect(runs[0].initial.groups.map((g) => g.name)).toContain('ln_f');
    const svg = readFileSync(join(out, 'gradient-flow.svg'), 'utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toContain('3 blocks: gradient per block at init');
  });

  it('warms the rate up with --warmup and records it in the report', async () => {
    const out = join(temporaryDirectory('residual-gradient-flow-gpt-'), 'warmup');
    const terminal = recordingTerminal();
    const args = ['gradient-flow', '--models', 'gpt_char_micro', '--residual-forms', 'post-ln'];
    const small = ['--depths', '2', '--steps', '2', '--width', '16', '--heads', '2'];
    const rest = ['--context', '8', '--batch-size', '2', '--warmup', '4', '--backend', 'wasm'];
    expect(await run([...args, ...small, ...rest, '--out', out], terminal)).toBe(0);
    expect(terminal.stderr).toContain('AdamW at 0.001 after 4 steps of warm-up, 2 steps');
    const report = JSON.parse(readFileSync(join(out, 'gradient-flow.json'), 'utf8'));
    expect(report.warmupSteps).toBe(4);
    expect(report.optimizer.warmup).toBe(4);
  });

  it.each([
    [
      ['--models', 'gpt_char_micro', '--residual-forms', 'pre-ln,sandwich'],
      /^residual: gradient-flow --residual-forms: 'sandwich' is not one of pre-ln, post-ln, none, rezero, deepnorm, layerscale\.\n$/,
    ],
    [
      ['--models', 'gpt_char_micro,cifar_plain8'],
      /^residual: gradient-flow --models: a language model \(gpt_char_micro\) is studied alone/,
    ],
    [
      ['--models', 'gpt_char_micro', '--steps-at', '96'],
      /^residual: gradient-flow --steps-at: expected depth:steps pairs such as 96:50, got '96'\.\n$/,
    ],
    [
      ['--models', 'gpt_char_micro', '--width', '30', '--heads', '4'],
      /^residual: gradient-flow --width: 30 does not divide by --heads 4\.\n$/,
    ],
  ])('%j is a user error: one line, exit status 2', async (args, message) => {
    const terminal = recordingTerminal();
    const out = join(temporaryDirectory('residual-gradient-flow-gpt-'), 'refused');
    expect(await run(['gradient-flow', ...args, '--out', out], terminal)).toBe(2);
    expect(terminal.stderr).toMatch(message);
  });
});
