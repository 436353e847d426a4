// The Python peers of the parity tests (for tests and scripts only, not exported): Debian's
// /usr/bin/python3 with torch and torchvision, and for timm the virtual environment
// <repo>/.venv-timm that .ci/run creates. Missing peers skip a test with a printed reason on a
// developer machine, and fail it under CI=true or RESIDUAL_REQUIRE_PYTHON=1.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { readSafetensors } from './read-safetensors.js';
import type { StateDict } from './source-tensor.js';

export type TorchLibrary = 'torchvision' | 'timm';

/** packages/interop, found from this file whether it runs from src/ or a bundle elsewhere. */
function findPackageRoot(): string {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, 'python', 'torch_reference.py'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find packages/interop/python/torch_reference.py');
    dir = parent;
  }
  return dir;
}

export const PACKAGE_ROOT = findPackageRoot();
const REPO = resolve(PACKAGE_ROOT, '..', '..');
const SCRIPT = join(PACKAGE_ROOT, 'python', 'torch_reference.py');

export const PYTHONS: Readonly<Record<TorchLibrary, string>> = {
  torchvision: '/usr/bin/python3',
  timm: join(REPO, '.venv-timm', 'bin', 'python'),
};

const SETUP: Readonly<Record<TorchLibrary, string>> = {
  torchvision: 'apt-get install -y python3-torch python3-torchvision',
  timm: `/usr/bin/python3 -m venv --system-site-packages .venv-timm && .venv-timm/bin/pip install --retries 0 --no-deps timm==1.0.29 safetensors==0.8.0 huggingface_hub==2.0.0 pyyaml (as .ci/run does)`,
};

export const REQUIRE_PYTHON =
  process.env.CI === 'true' || process.env.RESIDUAL_REQUIRE_PYTHON === '1';

/** Why `library`'s peer cannot run here, or undefined when it can. */
export function missingPeer(library: TorchLibrary): string | undefined {
  const python = PYTHONS[library];
  if (!existsSync(python)) return `${python} does not exist (${SETUP[library]})`;
  const probe = spawnSync(python, ['-c', `import torch, ${library}`], { encoding: 'utf8' });
  if (probe.status !== 0) {
    return `${python} cannot import torch and ${library} (${SETUP[library]}): ${probe.stderr.trim().split('\n').pop()}`;
  }
  return undefined;
}

/**
 * Whether tests that need `library` run: prints the reason when they skip, and throws
 * instead when the environment requires the peer (CI).
 */
export function peerAvailable(library: TorchLibrary): boolean {
  const missing = missingPeer(library);
  if (missing === undefined) return true;
  if (REQUIRE_PYTHON) throw new Error(`CI requires the ${library} peer: ${missing}`);
  console.warn(`Skipping the ${library} parity tests: ${missing}`);
  return false;
}

/** Runs python/torch_reference.py with `args` under `library`'s interpreter. */
export function runTorchReference(library: TorchLibrary, args: string[]): void {
  execFileSync(PYTHONS[library], [SCRIPT, ...args, '--library', library], {
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 600_000,
  });
}

export interface Reference {
  dir: string;
  /** input_<size> (NCHW) and logits_<size>. */
  tensors: StateDict;
  weights: { pth: Uint8Array; safetensors: Uint8Array };
  remove: () => void;
}

/** Reference weights, inputs and logits of `model` from the real library, in a temp dir. */
export function makeReference(
  library: TorchLibrary,
  model: string,
  options: { sizes: number[]; batch?: number; seed?: number; numClasses?: number },
): Reference {
  const dir = mkdtempSync(join(tmpdir(), `residual-interop-${model}-`));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    runTorchReference(library, [
      'reference',
      '--model',
      model,
      '--out',
      dir,
      '--sizes',
      options.sizes.join(','),
      '--batch',
      String(options.batch ?? 2),
      '--seed',
      String(options.seed ?? 0),
      '--num-classes',
      String(options.numClasses ?? 1000),
    ]);
    const read = (name: string) => new Uint8Array(readFileSync(join(dir, name)));
    return {
      dir,
      tensors: readSafetensors(read('reference.safetensors'), 'reference.safetensors'),
      weights: { pth: read('weights.pth'), safetensors: read('weights.safetensors') },
      remove,
    };
  } catch (error) {
    // The caller gets no Reference to remove: a failed peer run must not leave its folder.
    remove();
    throw error;
  }
}
