// Test support: the Python peers that parity tests compare against. Not exported.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..', '..');
export const PYTHON_DIR = resolve(import.meta.dirname, '..', 'python');

/** Under CI (or RESIDUAL_REQUIRE_PYTHON=1) a missing peer fails the test run instead of skipping. */
export const REQUIRE_PYTHON =
  process.env.CI === 'true' || process.env.RESIDUAL_REQUIRE_PYTHON === '1';

/**
 * The Python of the venv `.ci/run` makes (`.venv-keras`: keras, tensorflow-cpu, h5py, onnx),
 * or the reason it cannot be used. A test file skips with the reason printed, or throws
 * under CI.
 */
export function venvPython(modules: string[]): { python?: string; reason?: string } {
  const python = join(REPO_ROOT, '.venv-keras', 'bin', 'python');
  let reason: string | undefined;
  if (!existsSync(python)) {
    reason = `no ${python}: create it as .ci/run does (python3 -m venv .venv-keras && .venv-keras/bin/pip install keras tensorflow-cpu h5py onnx)`;
  } else {
    const check = spawnSync(python, ['-c', `import ${modules.join(', ')}`], { encoding: 'utf8' });
    if (check.status !== 0) {
      reason = `${python} cannot import ${modules.join(', ')}: ${check.stderr.trim().split('\n').pop()}`;
    }
  }
  if (reason === undefined) return { python };
  if (REQUIRE_PYTHON) throw new Error(`CI=true or RESIDUAL_REQUIRE_PYTHON=1, but ${reason}.`);
  console.warn(`Skipping the Python parity tests: ${reason}.`);
  return { reason };
}

/**
 * Runs `script` (in packages/interop/python) once per distinct script text and arguments,
 * writing into a cache folder under the system temp dir that later runs reuse; returns it.
 */
export function runCached(python: string, script: string, args: string[], done: string): string {
  const path = join(PYTHON_DIR, script);
  const key = createHash('sha256')
    .update(readFileSync(path))
    .update(args.join('\0'))
    .digest('hex')
    .slice(0, 16);
  const dir = join(tmpdir(), `residual-interop-${key}`);
  if (existsSync(join(dir, done))) return dir;
  const run = spawnSync(python, [path, dir, ...args], {
    encoding: 'utf8',
    // TensorFlow's oneDNN kernels die with SIGFPE at start-up on virtual machines whose CPU
    // reports no cache sizes (seen on a 2-core AMD EPYC: `lscpu` lists none); TensorFlow's own
    // kernels run there, and the parity tests' tolerances hold with either.
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3', TF_ENABLE_ONEDNN_OPTS: '0' },
    timeout: 600_000,
  });
  if (run.status !== 0) {
    throw new Error(`${script} ${args.join(' ')} failed (${run.status}):\n${run.stderr}`);
  }
  return dir;
}

/** A little-endian float32 file as written by numpy's `tofile`. */
export function readFloats(path: string): Float32Array {
  const bytes = readFileSync(path);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

/** max |a − b| / max |b|: the measure of agreement between two sets of logits. */
export function relativeDifference(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return diff / scale;
}
