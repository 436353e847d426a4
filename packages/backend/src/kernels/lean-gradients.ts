import * as tf from '@tensorflow/tfjs';
import { gradientDepth } from './gradient-depth.js';
import { BATCH_NORM_GRAD } from './shared/batch-norm-backward.js';
import { RELU_GRAD } from './shared/relu-gradient.js';

/** The gradients tfjs had before {@link registerLeanGradients} wrapped them, by kernel name. */
const originals = new Map<string, tf.GradConfig>();

/**
 * Backends whose training steps take the lean gradients (the others keep tfjs's own). Each needs
 * the kernels the lean gradients call registered (see registerTrainingKernels).
 */
const leanBackends = new Set<string>();

/**
 * The gradient of Mean as one broadcast: `broadcastTo(dy / n, x.shape)`. tfjs computes
 * `(dy · ones(x.shape)) / n`, building the ones in JavaScript and uploading them, then two
 * full-size kernels; in a ResNet training step (two Means per batch norm) that took a fifth of
 * the time on wasm. The values are bit-identical: multiplying by one is exact, and each element
 * is the same division.
 */
function leanMeanGradient(original: tf.GradConfig): tf.GradConfig {
  return {
    ...original,
    gradFunc: (dy, saved, attrs) => {
      if (!leanBackends.has(tf.getBackend())) return original.gradFunc(dy, saved, attrs);
      const [x] = saved;
      const axes = tf.util.parseAxisParam((attrs as unknown as tf.MeanAttrs).axis, x.shape);
      const expandedShape = x.shape.slice();
      let reduceSize = 1;
      for (const axis of axes) {
        reduceSize *= x.shape[axis];
        expandedShape[axis] = 1;
      }
      return {
        x: () =>
          tf.broadcastTo(tf.div(tf.reshape(dy as tf.Tensor, expandedShape), reduceSize), x.shape),
      };
    },
  };
}

/**
 * The gradient of FusedBatchNorm (per-channel statistics, the form tfjs-layers uses) as one
 * kernel of two passes, {@link BATCH_NORM_GRAD}, where tfjs runs fourteen full-size ops and a
 * Tile. Same values up to float rounding (the sums are accumulated in float64).
 */
function leanBatchNormGradient(original: tf.GradConfig): tf.GradConfig {
  return {
    ...original,
    gradFunc: (dy, saved, attrs) => {
      const [x, mean, variance, scale] = saved as (tf.Tensor | undefined)[];
      const channels = mean?.shape[0];
      const perChannel = (t: tf.Tensor | undefined) =>
        t !== undefined && t.rank === 1 && t.shape[0] === channels && t.dtype === 'float32';
      if (
        !leanBackends.has(tf.getBackend()) ||
        // Not inside a gradient of a gradient: our fused kernel has no gradient of its own.
        gradientDepth() !== 0 ||
        x === undefined ||
        x.dtype !== 'float32' ||
        x.shape[x.rank - 1] !== channels ||
        !perChannel(mean) ||
        !perChannel(variance) ||
        (scale !== undefined && !perChannel(scale))
      ) {
        return original.gradFunc(dy, saved, attrs);
      }
      const inputs: tf.NamedTensorMap = {
        x,
        dy: dy as tf.Tensor,
        mean: mean!,
        variance: variance!,
      };
      if (scale !== undefined) inputs.scale = scale;
      const { varianceEpsilon } = attrs as unknown as tf.FusedBatchNormAttrs;
      const [dx, dMean, dVariance, dScale, dOffset] = tf
        .engine()
        .runKernel(BATCH_NORM_GRAD, inputs, {
          varianceEpsilon,
        } as unknown as tf.NamedAttrMap) as tf.Tensor[];
      return {
        x: () => dx,
        mean: () => dMean,
        variance: () => dVariance,
        scale: () => dScale,
        offset: () => dOffset,
      };
    },
  };
}

/**
 * The gradient of Relu as one kernel, {@link RELU_GRAD}, where tfjs runs Step and Multiply with a
 * full-size tensor between them, on the backends that register it. The same bits as tfjs's cpu
 * backend.
 *
 * On every backend it keeps Relu's output for the backward pass instead of its input, as
 * PyTorch's in-place ReLU does: y > 0 exactly where x > 0, so step(y) = step(x) bit for bit for
 * every finite x. The output is what the next convolution keeps anyway, so the input — a batch
 * norm's output, or a residual sum — is freed after the forward pass: in a ResNet's basic
 * block, three kept activations instead of five. One difference from tfjs: where the forward
 * kernel turned a NaN into 0 (tfjs's wasm Relu does at some sizes), the gradient there is 0, the
 * derivative of what was computed, where tfjs's was NaN.
 */
function leanReluGradient(original: tf.GradConfig): tf.GradConfig {
  return {
    ...original,
    inputsToSave: [],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [y] = saved;
      if (
        !leanBackends.has(tf.getBackend()) ||
        // Registered where it is faster than tfjs's pair (not on wasm without native code).
        tf.getKernel(RELU_GRAD, tf.getBackend()) === undefined ||
        // Not inside a gradient of a gradient: our kernel has no gradient of its own.
        gradientDepth() !== 0 ||
        y.dtype !== 'float32' ||
        (dy as tf.Tensor).dtype !== 'float32'
      ) {
        // tfjs's own gradient, dy · step(x), given y for x: the same values.
        return original.gradFunc(dy, [y], attrs);
      }
      return {
        x: () => tf.engine().runKernel(RELU_GRAD, { x: y, dy: dy as tf.Tensor }) as tf.Tensor,
      };
    },
  };
}

const LEAN_GRADIENTS: Record<string, (original: tf.GradConfig) => tf.GradConfig> = {
  [tf.Mean]: leanMeanGradient,
  [tf.FusedBatchNorm]: leanBatchNormGradient,
  [tf.Relu]: leanReluGradient,
};

/**
 * Makes training on `backendName` use the lean gradients above. Idempotent; on every other
 * backend the gradients stay exactly tfjs's.
 */
export function registerLeanGradients(backendName: string): void {
  leanBackends.add(backendName);
  for (const [kernelName, lean] of Object.entries(LEAN_GRADIENTS)) {
    if (originals.has(kernelName)) continue;
    const original = tf.getGradient(kernelName);
    if (original === undefined) continue;
    originals.set(kernelName, original);
    tf.registerGradient(lean(original));
  }
}
