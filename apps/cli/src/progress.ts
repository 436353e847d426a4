import type { BatchEndInfo, EpochRecord } from '@residual/train';
import type { Terminal } from './terminal.js';

/**
 * Reports training on stderr: on a terminal, one bar per epoch redrawn in place; otherwise
 * (logs, CI) one line per finished epoch, and one every `printEvery` steps when given.
 */
export class EpochProgress {
  private epochStarted = performance.now();
  private lastDraw = 0;

  constructor(
    private readonly terminal: Terminal,
    private readonly epochs: number,
    private readonly printEvery?: number,
  ) {}

  /** The trainer callbacks that draw this progress (classification and segmentation alike). */
  get callbacks() {
    return {
      onEpochStart: () => this.epochStart(),
      onBatchEnd: (info: BatchEndInfo) => this.batchEnd(info),
      onEpochEnd: (record: EpochRecord & { testMeanIoU?: number }) => this.epochEnd(record),
    };
  }

  epochStart(): void {
    this.epochStarted = performance.now();
  }

  batchEnd(info: BatchEndInfo): void {
    const now = performance.now();
    if (!this.terminal.interactive) {
      if (this.printEvery !== undefined && info.step % this.printEvery === 0) {
        this.terminal.err(
          `epoch ${info.epoch + 1}/${this.epochs}  step ${info.batch + 1}/${info.batches}  ` +
            `loss ${info.loss.toFixed(4)}  ${seconds(now - this.epochStarted)}\n`,
        );
      }
      return;
    }
    if (now - this.lastDraw < 100 && info.batch + 1 < info.batches) return;
    this.lastDraw = now;
    const prefix = `epoch ${info.epoch + 1}/${this.epochs} `;
    const suffix = ` ${info.batch + 1}/${info.batches} loss ${info.loss.toFixed(4)} ${seconds(now - this.epochStarted)}`;
    const width = Math.max(
      10,
      Math.min(40, this.terminal.columns - prefix.length - suffix.length - 3),
    );
    const filled = Math.round(((info.batch + 1) / info.batches) * width);
    this.terminal.err(
      `\r${prefix}[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]${suffix}\x1b[K`,
    );
  }

  /** A segmentation epoch (with `testMeanIoU`) reports pixel accuracies and the mean IoU. */
  epochEnd(record: EpochRecord & { testMeanIoU?: number }): void {
    const pixels = record.testMeanIoU !== undefined;
    const acc = pixels ? 'pixel acc' : 'acc';
    const parts = [
      `epoch ${record.epoch + 1}/${this.epochs}`,
      `loss ${record.loss.toFixed(4)}`,
      `${acc} ${percent(record.accuracy)}`,
      record.testAccuracy === undefined ? undefined : `test ${acc} ${percent(record.testAccuracy)}`,
      record.testMeanIoU === undefined ? undefined : `test mIoU ${percent(record.testMeanIoU)}`,
      record.endLearningRate === record.learningRate
        ? `lr ${rate(record.learningRate)}`
        : `lr ${rate(record.learningRate)}→${rate(record.endLearningRate)}`,
      `${record.seconds.toFixed(1)}s`,
    ].filter(Boolean);
    this.terminal.err(`${this.terminal.interactive ? '\r\x1b[K' : ''}${parts.join('  ')}\n`);
  }
}

export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(2)}%`;
}

/** A learning rate to three significant digits: 0.0453, not 0.04529903231240511. */
function rate(value: number): string {
  return String(Number(value.toPrecision(3)));
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}
