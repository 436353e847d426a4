import { ResidualError } from '@residual/backend';

/**
 * Training stopped because the loss or a gradient was NaN or infinite. The step's update was
 * not applied and nothing was saved after it; the last good checkpoint is named.
 */
export class DivergenceError extends ResidualError {
  /** The step (1-based: the n-th optimizer step) whose loss or gradient was not finite. */
  readonly step: number;
  readonly checkpoint?: string;

  constructor(at: {
    step: number;
    epoch: number;
    batch: number;
    loss: number;
    gradientNorm: number;
    learningRate: number;
    checkpoint?: string;
  }) {
    const what = Number.isFinite(at.loss)
      ? `the gradient norm is ${at.gradientNorm}`
      : `the loss is ${at.loss}`;
    super(
      `Training diverged at step ${at.step + 1} (epoch ${at.epoch + 1}, batch ${at.batch + 1}, ` +
        `learning rate ${at.learningRate}): ${what}. No update was applied and nothing saved was changed; ` +
        (at.checkpoint === undefined
          ? 'no checkpoint had been written yet.'
          : `the last good checkpoint is ${at.checkpoint}.`),
    );
    this.step = at.step + 1;
    this.checkpoint = at.checkpoint;
  }
}
