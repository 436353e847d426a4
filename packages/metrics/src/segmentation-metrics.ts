import * as tf from '@tensorflow/tfjs';
import { MetricsError } from './metrics-error.js';

/**
 * Masks of class indices, any shape ([N, H, W], [H, W], flat), row-major; or, for predictions,
 * per-pixel scores [..., C] (logits or probabilities) whose last axis is the classes.
 */
export type Masks = tf.Tensor | ArrayLike<number>;

export interface SegmentationMetricsOptions {
  numClasses: number;
  /** Class names for the report. Default the class indices. */
  classNames?: readonly string[];
  /** The true-mask value of pixels to leave out (Pascal VOC's borders, padding). Default 255. */
  ignoreIndex?: number;
}

/** One class's scores. */
export interface SegmentationClassScores {
  class: number;
  name: string;
  /** TP / (TP + FP + FN) over all pixels counted; NaN when the class is neither true nor predicted. */
  iou: number;
  /** TP / (TP + FN): the share of the class's pixels predicted right; NaN when it never occurs. */
  accuracy: number;
  /** Pixels of the class in the true masks (ignored pixels left out). */
  truePixels: number;
  /** Pixels predicted as the class (at pixels that are not ignored). */
  predictedPixels: number;
}

/** Every segmentation metric, JSON-serialisable (NaN becomes null). */
export interface SegmentationReport {
  /** Pixels counted (not ignored). */
  pixels: number;
  /** Pixels left out because their true value is `ignoreIndex`. */
  ignoredPixels: number;
  /** Correct pixels / pixels counted. */
  pixelAccuracy: number;
  /** Mean of the per-class IoU over the classes that are true or predicted somewhere. */
  meanIoU: number;
  /** Mean of the per-class accuracy over the classes that occur in the true masks. */
  meanClassAccuracy: number;
  perClass: SegmentationClassScores[];
  /** `confusionMatrix[true][predicted]`, in pixels. */
  confusionMatrix: number[][];
}

/**
 * Semantic segmentation metrics accumulated over batches from predicted and true masks: the
 * confusion matrix (numClasses², pixels), per-class intersection over union, mean IoU, pixel
 * accuracy and mean class accuracy. Pixels whose true value is `ignoreIndex` (255) are left
 * out of everything, whatever is predicted there.
 *
 * IoU is computed per class from the confusion matrix accumulated over the whole data set
 * (not per image then averaged), as torchvision's segmentation reference (`ConfusionMatrix` in
 * references/segmentation/utils.py) and mmsegmentation do. torchvision then averages over all
 * classes, so a class that is neither in the truth nor predicted (0 / 0) makes its mean NaN;
 * here, as mmsegmentation's `nanmean`, such classes are left out. When every class occurs,
 * the two agree exactly.
 */
export class SegmentationMetrics {
  readonly numClasses: number;
  readonly ignoreIndex: number;
  private readonly classNames: readonly string[];
  private readonly cells: Float64Array;
  private ignored = 0;

  constructor(options: SegmentationMetricsOptions) {
    const { numClasses, ignoreIndex = 255 } = options;
    if (!Number.isInteger(numClasses) || numClasses < 1) {
      throw new MetricsError(`numClasses must be a positive integer, got ${numClasses}.`);
    }
    if (!Number.isInteger(ignoreIndex) || (ignoreIndex >= 0 && ignoreIndex < numClasses)) {
      throw new MetricsError(
        `ignoreIndex must be an integer outside the classes 0-${numClasses - 1}, got ${ignoreIndex}.`,
      );
    }
    if (options.classNames !== undefined && options.classNames.length !== numClasses) {
      throw new MetricsError(`${options.classNames.length} class names for ${numClasses} classes.`);
    }
    this.numClasses = numClasses;
    this.ignoreIndex = ignoreIndex;
    this.classNames = options.classNames ?? Array.from({ length: numClasses }, (_, c) => String(c));
    this.cells = new Float64Array(numClasses * numClasses);
  }

  /**
   * Adds one batch: true masks and predicted masks of the same shape, or predicted scores with
   * one more axis (the classes, last), whose argmax is the prediction. A tensor passed in is
   * left as it is (the caller disposes it), and no tensor is left behind.
   */
  update(truth: Masks, predictions: Masks): void {
    const trueValues = values(truth);
    const predicted = predictedMask(predictions, trueValues.length, this.numClasses);
    if (trueValues.length !== predicted.length) {
      throw new MetricsError(
        `${trueValues.length} true pixels for ${predicted.length} predicted pixels.`,
      );
    }
    const n = this.numClasses;
    for (let i = 0; i < trueValues.length; i++) {
      const t = trueValues[i];
      if (t === this.ignoreIndex) {
        this.ignored++;
        continue;
      }
      const p = predicted[i];
      if (!(Number.isInteger(t) && t >= 0 && t < n)) {
        throw new MetricsError(
          `True mask value ${t} at ${i} is neither one of the ${n} classes nor ${this.ignoreIndex} (ignored).`,
        );
      }
      if (!(Number.isInteger(p) && p >= 0 && p < n)) {
        throw new MetricsError(`Predicted class ${p} at ${i} is outside the ${n} classes.`);
      }
      this.cells[t * n + p]++;
    }
  }

  /** `counts[t][p]`: pixels of true class t predicted as p. */
  confusionMatrix(): number[][] {
    const n = this.numClasses;
    return Array.from({ length: n }, (_, t) => Array.from(this.cells.subarray(t * n, (t + 1) * n)));
  }

  /** Pixels counted so far (not ignored). */
  get count(): number {
    return this.cells.reduce((a, b) => a + b, 0);
  }

  /** Per-class IoU: TP / (TP + FP + FN); NaN for a class neither true nor predicted. */
  perClassIoU(): number[] {
    const { truth, predicted } = this.sums();
    return Array.from({ length: this.numClasses }, (_, c) => {
      const union = truth[c] + predicted[c] - this.diagonal(c);
      return union === 0 ? Number.NaN : this.diagonal(c) / union;
    });
  }

  /** Mean IoU over the classes true or predicted somewhere; NaN before any pixel. */
  meanIoU(): number {
    return nanMean(this.perClassIoU());
  }

  /** Correct pixels / pixels counted; NaN before any pixel. */
  pixelAccuracy(): number {
    let correct = 0;
    for (let c = 0; c < this.numClasses; c++) correct += this.diagonal(c);
    const total = this.count;
    return total === 0 ? Number.NaN : correct / total;
  }

  result(): SegmentationReport {
    const { truth, predicted } = this.sums();
    const iou = this.perClassIoU();
    const perClass = iou.map((classIoU, c) => ({
      class: c,
      name: this.classNames[c],
      iou: classIoU,
      accuracy: truth[c] === 0 ? Number.NaN : this.diagonal(c) / truth[c],
      truePixels: truth[c],
      predictedPixels: predicted[c],
    }));
    return {
      pixels: this.count,
      ignoredPixels: this.ignored,
      pixelAccuracy: this.pixelAccuracy(),
      meanIoU: nanMean(iou),
      meanClassAccuracy: nanMean(perClass.map((scores) => scores.accuracy)),
      perClass,
      confusionMatrix: this.confusionMatrix(),
    };
  }

  reset(): void {
    this.cells.fill(0);
    this.ignored = 0;
  }

  toJSON(): SegmentationReport {
    return this.result();
  }

  private diagonal(c: number): number {
    return this.cells[c * this.numClasses + c];
  }

  /** Pixels of each true class (row sums) and of each predicted class (column sums). */
  private sums(): { truth: Float64Array; predicted: Float64Array } {
    const n = this.numClasses;
    const truth = new Float64Array(n);
    const predicted = new Float64Array(n);
    for (let t = 0; t < n; t++) {
      for (let p = 0; p < n; p++) {
        truth[t] += this.cells[t * n + p];
        predicted[p] += this.cells[t * n + p];
      }
    }
    return { truth, predicted };
  }
}

function values(masks: Masks): ArrayLike<number> {
  return masks instanceof tf.Tensor ? masks.dataSync() : masks;
}

/**
 * Predicted classes: the values of a mask with one value per true pixel, or the argmax over
 * the last axis of scores with `numClasses` values per true pixel.
 */
function predictedMask(predictions: Masks, pixels: number, numClasses: number): ArrayLike<number> {
  if (!(predictions instanceof tf.Tensor) || predictions.size === pixels)
    return values(predictions);
  if (predictions.shape.at(-1) !== numClasses || predictions.size !== pixels * numClasses) {
    throw new MetricsError(
      `Predictions of shape [${predictions.shape}] fit neither a mask of the ${pixels} true pixels nor their scores [..., ${numClasses}].`,
    );
  }
  const argmax = tf.argMax(predictions, -1);
  const classes = argmax.dataSync();
  argmax.dispose();
  return classes;
}

function nanMean(scores: readonly number[]): number {
  const defined = scores.filter((score) => !Number.isNaN(score));
  return defined.length === 0 ? Number.NaN : defined.reduce((a, b) => a + b, 0) / defined.length;
}
