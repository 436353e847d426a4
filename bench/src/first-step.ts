import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * The smallest real training run that prints a line per step: `--print-every 1` prints one when
 * stderr is not a terminal (apps/cli/src/progress.ts), as it is not here; 4 steps of 64 digits.
 */
export const FIRST_STEP_ARGS = [
  'train',
  '--model',
  'cifar_resnet20',
  '--epochs',
  '1',
  '--limit',
  '256',
  '--test-limit',
  '64',
  '--batch-size',
  '64',
  '--print-every',
  '1',
];

/** The temporary run folders' prefix, under the system's temporary directory. */
export const RUN_FOLDER_PREFIX = 'residual-bench-first-step-';

/** Seconds from spawning `residual train`, as a user who types it waits. */
export interface FirstStepRun {
  /** Its first line of output ("training cifar_resnet20 on digits ..."): imports, data, model. */
  firstOutputSeconds: number;
  /** The progress line of step 1: everything above and the first step (compile and warm-up). */
  firstStepSeconds: number;
  /** From the step 1 line to the step 2 line: one step once warm. */
  nextStepSeconds: number;
  /** Until the process exits (all 4 steps, the evaluation and writing the run). */
  exitSeconds: number;
}

/** The progress line of step `n` of the first epoch, e.g. "epoch 1/1  step 1/4  loss 3.3395". */
function isStep(line: string, n: number): boolean {
  return new RegExp(`^epoch 1/\\d+\\s+step ${n}/`).test(line);
}

/**
 * Runs the built CLI (`cliBin`, apps/cli/dist/bin.js) once with FIRST_STEP_ARGS into a fresh
 * temporary folder, which it removes afterwards whatever happens.
 */
export async function timeFirstStep(cliBin: string): Promise<FirstStepRun> {
  const folder = mkdtempSync(join(tmpdir(), RUN_FOLDER_PREFIX));
  try {
    return await runOnce(cliBin, join(folder, 'run'));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function runOnce(cliBin: string, out: string): Promise<FirstStepRun> {
  const started = performance.now();
  const since = () => (performance.now() - started) / 1000;
  const child = spawn(process.execPath, [cliBin, ...FIRST_STEP_ARGS, '--out', out], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let firstOutput: number | undefined;
  let firstStep: number | undefined;
  let secondStep: number | undefined;
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      const at = since();
      firstOutput ??= at;
      if (firstStep === undefined && isStep(line, 1)) firstStep = at;
      if (secondStep === undefined && isStep(line, 2)) secondStep = at;
      lines.push(line);
    });
  }
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const exit = since();
      if (code !== 0 || firstOutput === undefined || firstStep === undefined) {
        const said = lines.slice(-5).join('\n');
        reject(new Error(`residual ${FIRST_STEP_ARGS.join(' ')} exited with ${code}:\n${said}`));
        return;
      }
      resolve({
        firstOutputSeconds: firstOutput,
        firstStepSeconds: firstStep,
        nextStepSeconds: secondStep === undefined ? Number.NaN : secondStep - firstStep,
        exitSeconds: exit,
      });
    });
  });
}

/** `runs` runs of timeFirstStep, one after another. */
export async function firstStepRuns(cliBin: string, runs: number): Promise<FirstStepRun[]> {
  const results: FirstStepRun[] = [];
  for (let run = 0; run < runs; run++) results.push(await timeFirstStep(cliBin));
  return results;
}
