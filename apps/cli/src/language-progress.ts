import type { LanguageRecord, StepEndInfo } from '@residual/train';
import type { Terminal } from './terminal.js';

/**
 * Reports language-model training on stderr: on a terminal, a step counter redrawn in place;
 * everywhere, one line per validation measurement with the loss and bits per character.
 */
export class LanguageProgress {
  private lastDraw = 0;
  private readonly started = performance.now();

  constructor(
    private readonly terminal: Terminal,
    private readonly unit: 'character' | 'byte',
  ) {}

  stepEnd(info: StepEndInfo): void {
    if (!this.terminal.interactive) return;
    const now = performance.now();
    if (now - this.lastDraw < 100 && info.step < info.steps) return;
    this.lastDraw = now;
    this.terminal.err(
      `\rstep ${info.step}/${info.steps} loss ${info.loss.toFixed(4)} lr ${rate(info.learningRate)} ${((now - this.started) / 1000).toFixed(1)}s\x1b[K`,
    );
  }

  evaluation(record: LanguageRecord, steps: number): void {
    const parts = [
      `step ${record.step}/${steps}`,
      `loss ${record.loss.toFixed(4)}`,
      record.validationLoss === undefined
        ? undefined
        : `val loss ${record.validationLoss.toFixed(4)}`,
      record.validationBits === undefined
        ? undefined
        : `${record.validationBits.toFixed(3)} bits/${this.unit === 'byte' ? 'byte' : 'char'}`,
      `lr ${rate(record.learningRate)}`,
      `${record.seconds.toFixed(1)}s`,
    ].filter(Boolean);
    this.terminal.err(`${this.terminal.interactive ? '\r\x1b[K' : ''}${parts.join('  ')}\n`);
  }
}

function rate(value: number): string {
  return String(Number(value.toPrecision(3)));
}
