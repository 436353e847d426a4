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
    expect(table.stdout).toMatch(
      /cifar_resnet20\s+cifar_resnet\s+classification\s+269,722\s+40\.6 M\s+32×32×3/,
    );
    expect(table.stdout).toMatch(
      /resnet50\s+resnet\s+classification\s+25,557,032\s+4\.09 G\s+224×224×3/,
    );
    expect(table.stdout).toMatch(/unet_resnet18\s+unet\s+segmentation\s+14,331,109\s/);
    expect(table.stdout).toMatch(/gpt_char_micro\s+gpt\s+language\s/);
    const json = recordingTerminal();
    expect(await run(['models', '--json'], json)).toBe(0);
    const rows = JSON.parse(json.stdout) as { name: string; trainableParams: number }[];
    expect(rows.map((r) => r.name)).toEqual(listModels().map((m) => m.name));
    expect(rows.find((r) => r.name === 'cifar_resnet110')?.trainableParams).toBe(1_727_962);
    expect(rows.find((r) => r.name === 'deeplabv3_resnet50')).toMatchObject({
      task: 'semantic-segmentation',
    });
    const resnet50 = rows.find((r) => r.name === 'resnet50') as unknown as Record<string, unknown>;
    expect(resnet50).toMatchObject({ trainableParams: 25_557_032, totalParams: 25_610_152 });
    expect(Math.abs((resnet50.macs as number) / 4.09e9 - 1)).toBeLessThan(0.01);
  });

  it.each([
    [
      ['frobnicate'],
      "residual: unknown command 'frobnicate'. Commands: train, eval, generate, predict, import, export, gradient-flow, init-study, models, summary, datasets.\n",
    ],
    [['train', '--epochs', 'two'], "residual: train --epochs: expected an integer, got 'two'.\n"],
    [['train', '--lr', 'fast'], "residual: train --lr: expected a number, got 'fast'.\n"],
    [['train', '--epochs', '0'], 'residual: train --epochs: must be at least 1, got 0.\n'],
    [
      ['train', '--recipe', 'fast'],
      "residual: train --recipe: 'fast' is not one of quick, sgd, paper, modern.\n",
    ],
    [
      ['train', '--checkpoint-every', '0'],
      'residual: train --checkpoint-every: must be at least 1, got 0.\n',
    ],
    [
      ['train', '--backend', 'gpu'],
      "residual: train --backend: 'gpu' is not one of tensorflow, wasm, cpu, webgpu, webgl.\n",
    ],
    [
      ['train', '--bogus'],
      "residual: train: Unknown option '--bogus'. See 'residual train --help'.\n",
    ],
    [
      ['train', 'resnet18'],
      "residual: train: Unexpected argument 'resnet18'. This command does not take positional arguments. See 'residual train --help'.\n",
    ],
    [['summary'], "residual: summary: missing <model>. See 'residual summary --help'.\n"],
    [
      ['summary', 'resnet18', 'resnet34'],
      "residual: summary: unexpected argument 'resnet34'. See 'residual summary --help'.\n",
    ],
    [
      ['summary', 'cifar_resnet8', '--input-shape', '28x28'],
      "residual: summary --input-shape: expected height,width,channels of positive integers (e.g. 64,64,3), got '28x28'.\n",
    ],
    [
      ['summary', 'cifar_plain8', '--shortcut', 'B'],
      'residual: summary --shortcut: cifar_plain8: unknown option "shortcut". Accepted: inputShape, numClasses, seed, includeTop, pooling, features.\n',
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
