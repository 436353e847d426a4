import * as tf from '@tensorflow/tfjs';
import {
  SegmentationMetrics,
  type SegmentationMetricsOptions,
  type SegmentationReport,
} from './segmentation-metrics.js';

/** Images and their true masks: what a segmentation data pipeline yields for one step. */
export interface MaskedBatch {
  /** Model inputs, e.g. float32 [N, height, width, channels]. */
  images: tf.Tensor;
  /** int32 [N, height, width] class indices, `ignoreIndex` (255) where ignored. */
  masks: tf.Tensor;
}

export interface EvaluateSegmenterOptions extends Omit<SegmentationMetricsOptions, 'numClasses'> {
  /** Default: the size of the model output's last axis. */
  numClasses?: number;
}

/**
 * Runs a segmentation model (output [N, h, w, classes]) in inference mode over `batches` and
 * returns every segmentation metric (see {@link SegmentationMetrics}). An output smaller than
 * the masks is resized bilinearly to their size first (half-pixel centres, as PyTorch's
 * `interpolate(..., align_corners=False)` in torchvision's segmentation models), so a model
 * may predict at a lower resolution. Each batch's tensors are disposed once used.
 */
export function evaluateSegmenter(
  model: tf.LayersModel,
  batches: Iterable<MaskedBatch>,
  options: EvaluateSegmenterOptions = {},
): SegmentationReport {
  const metrics = new SegmentationMetrics({
    ...options,
    numClasses: options.numClasses ?? (model.outputs[0].shape.at(-1) as number),
  });
  for (const batch of batches) {
    try {
      const [height, width] = batch.masks.shape.slice(1) as [number, number];
      const classes = tf.tidy(() => {
        let scores = model.predict(batch.images) as tf.Tensor4D;
        if (scores.shape[1] !== height || scores.shape[2] !== width) {
          scores = tf.image.resizeBilinear(scores, [height, width], false, true);
        }
        return tf.argMax(scores, -1);
      });
      try {
        metrics.update(batch.masks, classes);
      } finally {
        classes.dispose();
      }
    } finally {
      tf.dispose([batch.images, batch.masks]);
    }
  }
  return metrics.result();
}
