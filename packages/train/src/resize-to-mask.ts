import * as tf from '@tensorflow/tfjs';

/**
 * Per-pixel scores [N, h, w, C] resized bilinearly to [N, height, width, C] with half-pixel
 * centres, as PyTorch's `interpolate(mode='bilinear', align_corners=False)` upsamples a
 * torchvision segmentation model's outputs. Returned as given when the size already matches.
 *
 * Written as two matrix products with the interpolation weights rather than
 * `tf.image.resizeBilinear`: the CPU and WebAssembly gradients of that op ignore
 * `halfPixelCenters` (they differentiate the corner-aligned resize instead), while a matrix
 * product's gradient is exact on every backend.
 */
export function resizeToMask(scores: tf.Tensor, height: number, width: number): tf.Tensor {
  const [n, h, w, c] = scores.shape as [number, number, number, number];
  if (h === height && w === width) return scores;
  return tf.tidy(() => {
    const rows = tf.tensor2d(interpolationWeights(height, h), [height, h]);
    const columns = tf.tensor2d(interpolationWeights(width, w), [width, w]);
    // Along the height: [N, w, C, h] · rowsᵀ → [N, w, C, height].
    const tall = tf.matMul(
      tf.reshape(tf.transpose(scores, [0, 2, 3, 1]), [n * w * c, h]),
      rows,
      false,
      true,
    );
    // Along the width: [N, height, C, w] · columnsᵀ → [N, height, C, width].
    const wide = tf.matMul(
      tf.reshape(tf.transpose(tf.reshape(tall, [n, w, c, height]), [0, 3, 2, 1]), [
        n * height * c,
        w,
      ]),
      columns,
      false,
      true,
    );
    return tf.transpose(tf.reshape(wide, [n, height, c, width]), [0, 1, 3, 2]);
  });
}

/**
 * Weights [outSize, inSize] of 1-D linear interpolation: output pixel o reads the input at
 * (o + 0.5)·in/out − 0.5, clamped at 0 (PyTorch's `area_pixel_compute_source_index`), from
 * its two neighbours.
 */
export function interpolationWeights(outSize: number, inSize: number): Float32Array {
  const weights = new Float32Array(outSize * inSize);
  const scale = inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    const source = Math.max((o + 0.5) * scale - 0.5, 0);
    const low = Math.min(Math.floor(source), inSize - 1);
    const high = Math.min(low + 1, inSize - 1);
    const fraction = source - low;
    weights[o * inSize + low] += 1 - fraction;
    weights[o * inSize + high] += fraction;
  }
  return weights;
}
