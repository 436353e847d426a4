import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** Debian's Python, whose python3-torch is PyTorch 1.13 on the reference BLAS. */
export const DEBIAN_PYTHON = '/usr/bin/python3';
const WORKER = fileURLToPath(new URL('../torch/worker.py', import.meta.url));

/**
 * glibc settings that keep freed memory in the PyTorch process: no block gets its own mmap and
 * the heap is never trimmed. By default glibc hands large freed blocks (every activation of a
 * batch) back to the kernel and the next step faults them in again; on a virtual machine that
 * returns free memory to its host that costs up to 30 ms per 8 MB, and made PyTorch 3-9x slower
 * here (inference, images/s: cifar_resnet20 152 instead of 1,353 on one thread, resnet18 19 instead
 * of 69 on two).
 * Keeping the memory is what a tuned deployment (jemalloc, tcmalloc) does, so the comparison is
 * with PyTorch at its best. Node.js needs none of this: tensors live in the reused WebAssembly
 * heap. Every peer (Debian's 1.13, a pip-installed 2.x) runs with the same settings.
 */
const WARM_ALLOCATOR = {
  MALLOC_MMAP_MAX_: '0',
  MALLOC_TRIM_THRESHOLD_: String(64 * 1024 ** 3),
};

/** A PyTorch process answering measurement requests (see torch/worker.py), one at a time. */
export class TorchWorker {
  private readonly process: ChildProcessWithoutNullStreams;
  private readonly waiting: ((answer: Record<string, unknown>) => void)[] = [];

  private constructor(
    /** The interpreter that runs the worker. */
    readonly python: string,
    /** `torch.__version__`, e.g. `1.13.0a0` or `2.13.0+cpu`. */
    readonly version: string,
  ) {
    this.process = spawn(python, [WORKER], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...WARM_ALLOCATOR },
    });
    createInterface({ input: this.process.stdout }).on('line', (line) => {
      this.waiting.shift()?.(JSON.parse(line) as Record<string, unknown>);
    });
    // A worker that dies answers what it was asked with an error instead of leaving it waiting.
    this.process.on('close', (code) => {
      for (const answer of this.waiting.splice(0)) answer({ error: `worker exited (${code})` });
    });
    this.process.stderr.on('data', (chunk: Buffer) =>
      process.stderr.write(`[torch ${version}] ${chunk}`),
    );
  }

  /** The worker on `python`, or why PyTorch cannot run there. */
  static start(python = DEBIAN_PYTHON): TorchWorker | string {
    // -W: a pip-installed torch 2.x warns on import when numpy is absent; the worker needs none.
    const probe = spawnSync(
      python,
      ['-W', 'ignore', '-c', 'import torch; print(torch.__version__)'],
      { encoding: 'utf8' },
    );
    if (probe.error !== undefined) return `${python} not found`;
    if (probe.status !== 0) {
      const how =
        python === DEBIAN_PYTHON ? 'apt-get install python3-torch' : 'pip install torch there';
      return `${python} cannot import torch (${how})`;
    }
    return new TorchWorker(python, probe.stdout.trim());
  }

  request(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.process.stdin.write(`${JSON.stringify(body)}\n`);
    });
  }

  close(): void {
    this.process.stdin.end();
  }
}
