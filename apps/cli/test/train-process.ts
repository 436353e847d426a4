import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** The built command, as a user runs it. */
export const bin = join(import.meta.dirname, '..', 'dist', 'bin.js');
const exec = promisify(execFile);

/** Runs the built `residual <args>` to the end; rejects with its status and stderr on failure. */
export async function residual(...args: string[]) {
  return exec(process.execPath, [bin, ...args], { env: { ...process.env, NO_COLOR: '1' } });
}

/** A finished run's metrics.json. */
export function readMetrics(dir: string) {
  return JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
}

/**
 * Starts `residual train` with the test pause at `point`, waits until it pauses there, sends
 * `signal`, and resolves to how the process ended.
 */
export function signalAt(
  point: string,
  signal: NodeJS.Signals,
  args: string[],
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...process.env, NO_COLOR: '1', RESIDUAL_TRAIN_TEST_PAUSE: point },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (!sent && stderr.includes(`residual-test: paused at ${point}\n`)) {
        sent = true;
        child.kill(signal);
      }
    });
    child.on('exit', (code, exitSignal) => {
      if (sent) resolve({ code, signal: exitSignal, stderr });
      else
        reject(new Error(`residual train ended (${code}) before pausing at ${point}:\n${stderr}`));
    });
  });
}
