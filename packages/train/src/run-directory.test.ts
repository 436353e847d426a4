import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporaryDirectory } from '@residual/vitest-config/temporary-directory';
import { describe, expect, it } from 'vitest';
import {
  inspectRunDirectory,
  openRunDirectory,
  RunDirectoryError,
  readRunConfig,
} from './run-directory.js';

const config = { model: 'cifar_resnet20', epochs: 2, lr: 0.1, limit: undefined };

describe('run directories', () => {
  it('start in a new or empty directory, writing run.json', async () => {
    const dir = join(temporaryDirectory('residual-run-'), 'run');
    expect(await inspectRunDirectory(dir, config)).toEqual({
      checkpoints: `${dir}/checkpoints`,
      isNew: true,
    });
    expect(existsSync(dir)).toBe(false);
    expect(await openRunDirectory(dir, config)).toEqual({
      checkpoints: `${dir}/checkpoints`,
      isNew: true,
    });
    expect(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'))).toEqual({
      format: 'residual-run',
      version: 1,
      config: { model: 'cifar_resnet20', epochs: 2, lr: 0.1 },
    });
    expect(await readRunConfig(dir)).toEqual({ model: 'cifar_resnet20', epochs: 2, lr: 0.1 });
  });

  it('continue a run of the same configuration from its newest checkpoint', async () => {
    const dir = temporaryDirectory('residual-run-');
    await openRunDirectory(dir, config);
    expect(await openRunDirectory(dir, { ...config })).toEqual({
      checkpoints: `${dir}/checkpoints`,
      resumeFrom: undefined,
      isNew: false,
    });
    mkdirSync(join(dir, 'checkpoints', 'step-00000010'), { recursive: true });
    mkdirSync(join(dir, 'checkpoints', 'step-00000100'));
    mkdirSync(join(dir, 'checkpoints', '.tmp-step-00000200-7'));
    expect((await openRunDirectory(dir, config)).resumeFrom).toBe(
      `${dir}/checkpoints/step-00000100`,
    );
  });

  it('refuse another configuration or a directory that holds something else', async () => {
    const dir = temporaryDirectory('residual-run-');
    await openRunDirectory(dir, config);
    await expect(openRunDirectory(dir, { ...config, epochs: 3 })).rejects.toThrow(
      `${dir} holds a run of another configuration (epochs is 2 there, 3 here); choose another directory.`,
    );
    await expect(openRunDirectory(dir, { ...config, limit: 64 })).rejects.toThrow(
      '(limit is unset there, 64 here)',
    );
    const other = temporaryDirectory('residual-run-');
    writeFileSync(join(other, 'notes.txt'), 'mine');
    await expect(openRunDirectory(other, config)).rejects.toThrow(
      `${other} is not empty and holds no run.json; choose another directory.`,
    );
    expect(readdirSync(other)).toEqual(['notes.txt']);
    await expect(readRunConfig(other)).rejects.toThrow(
      `${other}/run.json: missing; ${other} is not a run directory.`,
    );
    writeFileSync(join(other, 'run.json'), '{"format": "something"}');
    await expect(readRunConfig(other)).rejects.toThrow(
      `${other}/run.json: not a residual run file.`,
    );
  });
});

describe('a directory that cannot be created or written', () => {
  it('is refused at once, naming it, with nothing left behind', async (ctx) => {
    if (!existsSync('/proc/self')) ctx.skip('no /proc here (not Linux)');
    const config = { model: 'cifar_resnet8', epochs: 1 };
    // Node's recursive mkdir retries forever on /proc; ours answers at once.
    await expect(inspectRunDirectory('/proc/residual-run/a', config)).rejects.toThrow(
      new RunDirectoryError('/proc/residual-run/a: cannot create or write it (ENOENT).'),
    );
    await expect(openRunDirectory('/proc/residual-run', config)).rejects.toThrow(RunDirectoryError);
    const parent = temporaryDirectory('residual-probe-');
    await inspectRunDirectory(join(parent, 'a', 'b'), config);
    expect(readdirSync(parent)).toEqual([]);
  });
});
