import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchOptionError } from './bench-option-error.js';
import { DEBIAN_PYTHON, TorchWorker } from './torch.js';

/** A repo-local virtual environment with a pip-installed PyTorch 2.x (see USAGE in options.ts). */
export const VENV_PYTHON = fileURLToPath(new URL('../../.venv-torch/bin/python', import.meta.url));

/** The memory formats PyTorch runs image networks and convolutions in; ours is always NHWC. */
export const LAYOUTS = ['NCHW', 'channels_last'] as const;
export type Layout = (typeof LAYOUTS)[number];

/** A PyTorch installation measured beside ours: its worker and its label, e.g. `PyTorch 2.13`. */
export interface TorchPeer {
  label: string;
  worker: TorchWorker;
}

/**
 * The interpreters to run PyTorch peers on: `--torch-python`, else RESIDUAL_TORCH_PYTHON (both a
 * comma-separated list), else Debian's plus the repo's .venv-torch when it exists. An interpreter
 * named explicitly must exist: a typo is an error, not a quietly missing column.
 */
export function torchPythons(
  option: string | undefined,
  environment: string | undefined,
  exists: (path: string) => boolean = existsSync,
): string[] {
  const [source, list] =
    option !== undefined
      ? ['--torch-python', option]
      : environment !== undefined && environment !== ''
        ? ['RESIDUAL_TORCH_PYTHON', environment]
        : [undefined, undefined];
  if (source === undefined) {
    return [DEBIAN_PYTHON, ...(exists(VENV_PYTHON) ? [VENV_PYTHON] : [])];
  }
  const pythons = list
    .split(',')
    .filter((path) => path !== '')
    .map((path) => resolve(path));
  if (pythons.length === 0) {
    throw new BenchOptionError(`${source}: expected Python interpreters separated by commas.`);
  }
  const missing = pythons.find((path) => !exists(path));
  if (missing !== undefined) {
    throw new BenchOptionError(
      `${source}: no interpreter at "${missing}" (create one with ` +
        '`python3 -m venv .venv-torch && .venv-torch/bin/pip install --retries 0 torch`).',
    );
  }
  return [...new Set(pythons)];
}

/** `PyTorch 1.13` for `1.13.0a0`, `PyTorch 2.13` for `2.13.0+cpu`. */
export function peerLabel(version: string): string {
  return `PyTorch ${version.split('.').slice(0, 2).join('.')}`;
}

/**
 * A worker on each interpreter that can import torch, and why the others were skipped. Two
 * interpreters with the same PyTorch version are told apart by their path.
 */
export function startPeers(pythons: readonly string[]): {
  peers: TorchPeer[];
  skipped: { python: string; reason: string }[];
} {
  const peers: TorchPeer[] = [];
  const skipped: { python: string; reason: string }[] = [];
  for (const python of pythons) {
    const worker = TorchWorker.start(python);
    if (typeof worker === 'string') {
      skipped.push({ python, reason: worker });
      continue;
    }
    const label = peerLabel(worker.version);
    const taken = peers.some((peer) => peer.label === label);
    peers.push({ label: taken ? `${label} (${python})` : label, worker });
  }
  return { peers, skipped };
}

/** One PyTorch measurement of a row: a peer, a layout (image rows only) and a thread count. */
export interface TorchRun<L extends Layout | undefined> {
  peer: TorchPeer;
  layout: L;
  threads: number;
  /** Its key in the results, e.g. `PyTorch 2.13 channels_last×2`, or `PyTorch 2.13×2`. */
  key: string;
}

/** Every peer × layout × thread count, in the order one round measures them. */
export function torchRuns<L extends Layout | undefined>(
  peers: readonly TorchPeer[],
  layouts: readonly L[],
  threads: readonly number[],
): TorchRun<L>[] {
  return peers.flatMap((peer) =>
    layouts.flatMap((layout) =>
      threads.map((t) => ({
        peer,
        layout,
        threads: t,
        key: `${peer.label}${layout === undefined ? '' : ` ${layout}`}×${t}`,
      })),
    ),
  );
}
