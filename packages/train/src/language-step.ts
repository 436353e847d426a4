import type { TextBatch } from '@residual/datasets';
import * as tf from '@tensorflow/tfjs';
import { nextTokenCorrect, nextTokenLoss } from './next-token-loss.js';
import type { Optimizer } from './optimizer.js';
import { stepGradients } from './step-gradients.js';

export interface LanguageStepOutcome {
  loss: number;
  /** Global L2 norm of the gradient before clipping. */
  gradientNorm: number;
  /** Positions whose most likely next token was the target. */
  correct: number;
  /** False when the loss or the gradient was not finite: then no weight was changed. */
  applied: boolean;
}

/**
 * One optimizer step on a batch of windows: next-token cross-entropy over every position,
 * gradients, the gradient scaled to norm `gradientClip` when above it (PyTorch's
 * `clip_grad_norm_`: factor clip / (norm + 1e-6)), and the update, only when everything is
 * finite. `beforeUpdate` runs between the gradient and the update (a test hook).
 */
export async function languageStep(options: {
  model: tf.LayersModel;
  optimizer: Optimizer;
  batch: TextBatch;
  learningRate: number;
  gradientClip: number;
  beforeUpdate?: () => Promise<void>;
}): Promise<LanguageStepOutcome> {
  const { model, optimizer, batch } = options;
  const { value, grads, summary } = stepGradients(optimizer.variables, () => {
    const logits = model.apply(batch.inputs, { training: true }) as tf.Tensor;
    const correct = nextTokenCorrect(logits, batch.targets);
    return { loss: nextTokenLoss(logits, batch.targets), correct };
  });
  let clipped: tf.Tensor[] = [];
  try {
    const [loss, squaredNorm, correct] = await summary.data();
    const gradientNorm = Math.sqrt(squaredNorm);
    const outcome = { loss, gradientNorm, correct, applied: false };
    if (!Number.isFinite(loss) || !Number.isFinite(squaredNorm)) return outcome;
    await options.beforeUpdate?.();
    const factor =
      options.gradientClip > 0 ? Math.min(1, options.gradientClip / (gradientNorm + 1e-6)) : 1;
    if (factor < 1) {
      clipped = tf.tidy(() => {
        const scale = tf.scalar(factor);
        return grads.map((gradient) => tf.mul(gradient, scale));
      });
    }
    optimizer.apply(factor < 1 ? clipped : grads, options.learningRate);
    return { ...outcome, applied: true };
  } finally {
    tf.dispose([value, summary, ...grads, ...clipped]);
  }
}
