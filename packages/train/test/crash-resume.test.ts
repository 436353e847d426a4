import { execFile, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { temporaryDirectory } from '@residual/vitest-config/temporary-directory';
import { describe, expect, it } from 'vitest';
import { listCheckpoints, readCheckpoint } from '../src/checkpoints.js';
import { TEST_PAUSE_VARIABLE } from '../src/test-hooks.js';

// The child runs the package's TypeScript sources through a small loader: no build needed.
const child = [
  '--import',
  join(import.meta.dirname, 'register-source-loader.mjs'),
  join(import.meta.dirname, 'crash-child.ts'),
];

/** Trains in a child process to the end (resuming from the newest checkpoint in `dir`). */
async function runToEnd(dir: string): Promise<void> {
  await promisify(execFile)(process.execPath, [...child, dir]);
}

/**
 * Starts the child with the test pause at `point`, waits until it says it paused there, and
 * kills it with SIGKILL: a crash at exactly that point, with no chance to clean up.
 */
function killAt(dir: string, point: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const process_ = spawn(process.execPath, [...child, dir], {
      env: { ...process.env, [TEST_PAUSE_VARIABLE]: point },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    let paused = false;
    process_.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (!paused && stderr.includes(`residual-test: paused at ${point}\n`)) {
        paused = true;
        process_.kill('SIGKILL');
      }
    });
    process_.on('exit', (code, signal) => {
      if (paused && signal === 'SIGKILL') resolve();
      else
        reject(
          new Error(`the child exited (${code ?? signal}) without pausing at ${point}:\n${stderr}`),
        );
    });
  });
}

/** The steps of the checkpoints a resume could pick, after checking each one verifies. */
async function verifiedCheckpoints(dir: string): Promise<number[]> {
  const steps: number[] = [];
  for (const path of await listCheckpoints(join(dir, 'checkpoints'))) {
    steps.push((await readCheckpoint(path)).state.step);
  }
  return steps;
}

const leftovers = (dir: string) =>
  readdirSync(join(dir, 'checkpoints'))
    .filter((entry) => entry.startsWith('.'))
    .map((entry) => entry.replace(/-\d+$/, ''));

describe('a training process killed with SIGKILL', () => {
  it('resumes to the same weights, bit for bit, wherever it was killed', async () => {
    // The run never interrupted, side by side with the one killed again and again.
    const reference = temporaryDirectory('residual-crash-ref-');
    const referenceRun = runToEnd(reference);

    const dir = temporaryDirectory('residual-crash-');
    // In the middle of step 5: gradients computed, update not yet applied.
    await killAt(dir, 'step:5');
    expect(await verifiedCheckpoints(dir)).toEqual([3, 4]);

    // While writing checkpoint 6: only model.json and weights.bin are in its temporary folder.
    await killAt(dir, 'checkpoint:6:weights.bin');
    expect(leftovers(dir)).toEqual(['.tmp-step-00000006']);
    expect(
      readdirSync(join(dir, 'checkpoints', readdirSync(join(dir, 'checkpoints'))[0])).sort(),
    ).toEqual(['model.json', 'weights.bin']);
    expect(await verifiedCheckpoints(dir)).toEqual([3, 4]);

    // While deleting checkpoint 3 (keep 2) after writing 6.
    await killAt(dir, 'prune:3');
    expect(leftovers(dir)).toEqual(['.trash-step-00000003']);
    expect(await verifiedCheckpoints(dir)).toEqual([4, 6]);

    // With checkpoint 8 complete, checksums included, but not yet renamed into place.
    await killAt(dir, 'checkpoint:8:SHA256SUMS');
    expect(leftovers(dir)).toEqual(['.tmp-step-00000008']);
    expect(await verifiedCheckpoints(dir)).toEqual([4, 6]);

    // Mid-step again, in the last epoch, after a resumed run wrote checkpoints of its own.
    await killAt(dir, 'step:11');
    expect(leftovers(dir)).toEqual([]);
    expect(await verifiedCheckpoints(dir)).toEqual([8, 9]);

    await runToEnd(dir);
    await referenceRun;
    expect(await verifiedCheckpoints(dir)).toEqual([9, 12]);
    expect(
      readFileSync(join(dir, 'weights.bin')).equals(readFileSync(join(reference, 'weights.bin'))),
    ).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'history.json'), 'utf8'))).toEqual(
      JSON.parse(readFileSync(join(reference, 'history.json'), 'utf8')),
    );
    // Seven training processes: a generous watchdog for a busy machine, not a timing.
  }, 400_000);
});
