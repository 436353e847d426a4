import { IGNORE_INDEX } from '@residual/datasets';
import * as tf from '@tensorflow/tfjs';
import { resizeToMask } from './resize-to-mask.js';

/** The per-pixel losses a segmentation model can train with. */
export const SEGMENTATION_LOSSES = ['cross-entropy', 'dice', 'cross-entropy+dice'] as const;
export type SegmentationLossName = (typeof SEGMENTATION_LOSSES)[number];

export interface PixelCrossEntropyOptions {
  /** A weight per class (PyTorch's `weight`): the mean is then weighted by the pixels' classes. */
  classWeights?: readonly number[];
  /** Cross-entropy against (1 − ε)·one-hot + ε/classes, as PyTorch's `label_smoothing`. */
  labelSmoothing?: number;
  /** Mask value of pixels left out. Default 255 (`IGNORE_INDEX`). */
  ignoreIndex?: number;
}

export interface SegmentationLossOptions extends PixelCrossEntropyOptions {
  /** Default 'cross-entropy'; 'cross-entropy+dice' is their sum. */
  loss?: SegmentationLossName;
  /**
   * Weight of the auxiliary head's loss when the model has a second output: the loss is
   * main + auxWeight·aux, torchvision's reference for FCN and DeepLabv3. Default 0.5.
   */
  auxWeight?: number;
}

/**
 * Softmax cross-entropy of per-pixel logits [N, H, W, C] against int32 masks [N, H, W], as
 * PyTorch's `CrossEntropyLoss(ignore_index=255)` with reduction 'mean': pixels whose mask is
 * `ignoreIndex` contribute nothing, and the sum over the others is divided by their count (by
 * the sum of their classes' weights with `classWeights`). A batch with every pixel ignored
 * gives 0 (PyTorch gives NaN), so it moves no weight instead of stopping the run.
 */
export function pixelCrossEntropy(
  logits: tf.Tensor,
  masks: tf.Tensor,
  options: PixelCrossEntropyOptions = {},
): tf.Scalar {
  return tf.tidy(() =>
    crossEntropyOf(
      tf.logSoftmax(logits),
      pixelTargets(logits, masks, options.ignoreIndex),
      options,
    ),
  );
}

/**
 * Soft Dice loss over the classes, as segmentation_models_pytorch's
 * `DiceLoss(mode='multiclass', from_logits=True, ignore_index=255)` (smooth 0, eps 1e-7):
 * softmax probabilities p and one-hot truth t with ignored pixels zeroed in both; per class
 * c, dice = 2·Σ p·t / max(Σ (p + t), eps) over the whole batch; the loss is the mean over all
 * classes of 1 − dice, counting 0 for a class absent from the batch's masks.
 */
export function diceLoss(
  logits: tf.Tensor,
  masks: tf.Tensor,
  options: { ignoreIndex?: number } = {},
): tf.Scalar {
  return tf.tidy(() =>
    diceOf(tf.logSoftmax(logits), pixelTargets(logits, masks, options.ignoreIndex)),
  );
}

/**
 * The loss of a segmentation model's outputs (the main head's logits, then, for FCN and
 * DeepLab, the auxiliary head's) against masks [N, H, W]: each output is resized to the
 * masks' size when smaller (see `resizeToMask`), then main + auxWeight·aux of the chosen loss.
 */
export function segmentationLoss(
  outputs: readonly tf.Tensor[],
  masks: tf.Tensor,
  options: SegmentationLossOptions = {},
): tf.Scalar {
  return tf.tidy(() => {
    const [height, width] = masks.shape.slice(1) as [number, number];
    const one = (logits: tf.Tensor): tf.Scalar => {
      const scores = resizeToMask(logits, height, width);
      const targets = pixelTargets(scores, masks, options.ignoreIndex);
      // One log-softmax for both losses: its exponentials over every pixel were most of the
      // loss's time (five passes of exp over the batch when each loss took its own).
      const logProbs = tf.logSoftmax(scores);
      const kind = options.loss ?? 'cross-entropy';
      if (kind === 'dice') return diceOf(logProbs, targets);
      const crossEntropy = crossEntropyOf(logProbs, targets, options);
      return kind === 'cross-entropy'
        ? crossEntropy
        : tf.add(crossEntropy, diceOf(logProbs, targets));
    };
    let loss = one(outputs[0]);
    if (outputs.length > 1) loss = tf.add(loss, tf.mul(one(outputs[1]), options.auxWeight ?? 0.5));
    return loss;
  });
}

/** The cross-entropy of `pixelCrossEntropy` from the logits' log-softmax. */
function crossEntropyOf(
  logProbs: tf.Tensor,
  { valid, targets, oneHot }: PixelTargets,
  options: PixelCrossEntropyOptions,
): tf.Scalar {
  const nll = tf.neg(tf.sum(tf.mul(logProbs, oneHot), -1));
  const weights = options.classWeights;
  const pixelWeights =
    weights === undefined ? valid : tf.mul(valid, tf.gather(tf.tensor1d([...weights]), targets));
  // Not tf.divNoNan, which tfjs cannot differentiate; the total does not depend on the logits.
  const sum = tf.sum(pixelWeights);
  const total = tf.where(tf.equal(sum, 0), tf.onesLike(sum), sum);
  const picked = tf.div(tf.sum(tf.mul(nll, pixelWeights)), total);
  const epsilon = options.labelSmoothing ?? 0;
  if (epsilon === 0) return picked as tf.Scalar;
  // PyTorch's smoothing term: −Σ_c w_c·log p_c at each counted pixel, over the same total.
  const weighted = weights === undefined ? logProbs : tf.mul(logProbs, tf.tensor1d([...weights]));
  const spread = tf.div(tf.sum(tf.mul(tf.neg(tf.sum(weighted, -1)), valid)), total);
  const classes = logProbs.shape.at(-1) as number;
  return tf.add(tf.mul(picked, 1 - epsilon), tf.mul(spread, epsilon / classes)) as tf.Scalar;
}

/** The loss of `diceLoss` from the logits' log-softmax. */
function diceOf(logProbs: tf.Tensor, { valid, oneHot }: PixelTargets): tf.Scalar {
  const counted = tf.expandDims(valid, -1);
  const probs = tf.mul(tf.exp(logProbs), counted);
  const truth = tf.mul(oneHot, counted);
  const axes = [0, 1, 2];
  const intersection = tf.sum(tf.mul(probs, truth), axes);
  const cardinality = tf.sum(tf.add(probs, truth), axes);
  const dice = tf.div(tf.mul(intersection, 2), tf.maximum(cardinality, 1e-7));
  const present = tf.cast(tf.greater(tf.sum(truth, axes), 0), 'float32');
  return tf.mean(tf.mul(tf.sub(1, dice), present)) as tf.Scalar;
}

/** Which pixels count (float 1/0), their classes (0 where ignored) and those as one-hot. */
interface PixelTargets {
  valid: tf.Tensor;
  targets: tf.Tensor;
  oneHot: tf.Tensor;
}

function pixelTargets(
  logits: tf.Tensor,
  masks: tf.Tensor,
  ignoreIndex = IGNORE_INDEX,
): PixelTargets {
  const classes = logits.shape.at(-1) as number;
  const labels = tf.cast(masks, 'int32');
  const keep = tf.notEqual(labels, ignoreIndex);
  const targets = tf.where(keep, labels, tf.zerosLike(labels));
  return {
    valid: tf.cast(keep, 'float32'),
    targets,
    oneHot: tf.cast(tf.oneHot(targets, classes), 'float32'),
  };
}
