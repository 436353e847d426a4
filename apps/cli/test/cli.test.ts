import { listModels } from '@residual/models';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/commands/index.js';
import { run } from '../src/main.js';
import { recordingTerminal } from './recording-terminal.js';

describe('residual', () => {
  it('lists its commands with --help, and each command has its own --help', async () => {
    const terminal = recordingTerminal();
    expect(await run(['--help'], terminal)).toBe(0);
    for (const command of COMMANDS) {
      expect(terminal.stdout).toContain(command.name);
      const own = recordingTerminal();
      expect(await run([command.name, '--help'], own)).toBe(0);
      expect(own.stdout).toContain(`Usage: residual ${command.name}`);
      for (const option of command.options) expect(own.stdout).toContain(`--${option.name}`);
    }
  });

  it('models lists the registry with trainable parameters, as a table and as JSON', async () => {
    const table = recordingTerminal();
    expect(await run(['models'], table)).toBe(0);
    expect(table.stdout).toMatch(/cifar_resnet20\s+cifar_resnet\s+269,722\s+32×32×3/);
    const json = recordingTerminal();
    expect(await run(['models', '--json'], json)).toBe(0);
    const rows = JSON.parse(json.stdout) as { name: string; trainableParams: number }[];
    expect(rows.map((r) => r.name)).toEqual(listModels().map((m) => m.name));
    expect(rows.find((r) => r.name === 'cifar_resnet110')?.trainableParams).toBe(1_727_962);
  });

  it.each([
    [
      ['frobnicate'],
      "residual: unknown command 'frobnicate'. Commands: train, eval, gradient-flow, models.\n",
    ],
    [['train', '--epochs', 'two'], "residual: train --epochs: expected an integer, got 'two'.\n"],
    [['train', '--lr', 'fast'], "residual: train --lr: expected a number, got 'fast'.\n"],
    [['train', '--epochs', '0'], 'residual: train --epochs: must be at least 1, got 0.\n'],
    [
      ['train', '--backend', 'gpu'],
      "residual: train --backend: 'gpu' is not one of tensorflow, wasm, cpu, webgpu, webgl.\n",
    ],
    [
      ['train', '--bogus'],
      "residual: train: Unknown option '--bogus'. See 'residual train --help'.\n",
    ],
  ])('%j is a user error: one line, exit status 2', async (args, message) => {
    const terminal = recordingTerminal();
    expect(await run(args, terminal)).toBe(2);
    expect(terminal.stderr).toBe(message);
    expect(terminal.stdout).toBe('');
  });

  it('an unknown model is a user error that lists the known ones', async () => {
    const terminal = recordingTerminal();
    expect(await run(['train', '--model', 'resnet51'], terminal)).toBe(2);
    expect(terminal.stderr).toMatch(
      /^residual: train --model: unknown model "resnet51"\. Known: cifar_resnet8, .*\.\n$/,
    );
  });
});
