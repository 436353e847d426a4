import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const PYTHON = '/usr/bin/python3';
const WORKER = fileURLToPath(new URL('../torch/worker.py', import.meta.url));

/** A PyTorch process answering measurement requests (see torch/worker.py), one at a time. */
export class TorchWorker {
  private readonly process: ChildProcessWithoutNullStreams;
  private readonly waiting: ((answer: Record<string, unknown>) => void)[] = [];

  private constructor() {
    this.process = spawn(PYTHON, [WORKER], { stdio: ['pipe', 'pipe', 'pipe'] });
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
