import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const PYTHON = '/usr/bin/python3';
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
 * heap.
 */
const WARM_ALLOCATOR = {
  MALLOC_MMAP_MAX_: '0',
  MALLOC_TRIM_THRESHOLD_: String(64 * 1024 ** 3),
};

/** A PyTorch process answering measurement requests (see torch/worker.py), one at a time. */
export class TorchWorker {
  private readonly process: ChildProcessWithoutNullStreams;
  private readonly waiting: ((answer: Record<string, unknown>) => void)[] = [];

  private constructor() {
    this.process = spawn(PYTHON, [WORKER], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...WARM_ALLOCATOR },
    });
    createInterface({ input: this.process.stdout }).on('line', (line) => {
      this.waiting.shift()?.(JSON.parse(line) as Record<string, unknown>);
    });
    this.process.stderr.on('data', (chunk: Buffer) => process.stderr.write(`[torch] ${chunk}`));
  }

  /** The worker, or why PyTorch cannot run here. */
  static start(): TorchWorker | string {
    const probe = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], {
      encoding: 'utf8',
    });
    if (probe.error !== undefined) return `${PYTHON} not found`;
    if (probe.status !== 0) return `${PYTHON} cannot import torch (apt-get install python3-torch)`;
    return new TorchWorker();
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
