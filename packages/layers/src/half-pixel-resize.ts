import * as tf from '@tensorflow/tfjs';

/**
 * The [outSize, inSize] matrix of PyTorch's bilinear `align_corners=False` along one axis:
 * output pixel d samples the input at s = (d + ½)·in/out − ½ (clamped at 0), between pixels
 * ⌊s⌋ and ⌊s⌋ + 1 (the last pixel repeats at the edge).
 */
function interpolationMatrix(inSize: number, outSize: number): tf.Tensor2D {
  const weights = new Float32Array(outSize * inSize);
  const scale = inSize / outSize;
  for (let d = 0; d < outSize; d++) {
    const s = Math.max((d + 0.5) * scale - 0.5, 0);
    const low = Math.min(Math.floor(s), inSize - 1);
    const high = Math.min(low + 1, inSize - 1);
    const fraction = s - low;
    weights[d * inSize + low]! += 1 - fraction;
    weights[d * inSize + high]! += fraction;
  }
  return tf.tensor2d(weights, [outSize, inSize]);
}

/** Applies [n, m] matrix `matrix` along axis `axis` (1 or 2) of NHWC `x`, whose size there is m. */
function alongAxis(x: tf.Tensor4D, matrix: tf.Tensor2D, axis: 1 | 2): tf.Tensor4D {
  // Move the axis last, multiply by the matrix's transpose, move it back.
  const order = axis === 1 ? [0, 2, 3, 1] : [0, 1, 3, 2];
  const moved = tf.transpose(x, order);
  const [a, b, c, m] = moved.shape;
  const product = tf.matMul(tf.reshape(moved, [a * b * c, m]), matrix, false, true);
  const back = tf.reshape(product, [a, b, c, matrix.shape[0]]);
  return tf.transpose(back, axis === 1 ? [0, 3, 1, 2] : [0, 1, 3, 2]) as tf.Tensor4D;
}

/**
 * Bilinear resize of NHWC `images` to `size` with half-pixel centres (PyTorch's
 * `align_corners=False`), whose gradient is the adjoint of that resize. tfjs's forward kernel
 * samples half-pixel centres, but its `ResizeBilinearGrad` kernels (cpu, wasm) ignore
 * `halfPixelCenters` and return the gradient of the corner-sampling resize instead; the
 * gradient here is Ryᵀ · dy · Rx, with Ry and Rx the interpolation matrices of each axis.
 */
export function resizeBilinearHalfPixel(images: tf.Tensor4D, size: [number, number]): tf.Tensor4D {
  const resize = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor4D;
    const value = tf.image.resizeBilinear(x, size, false, true);
    const [, inHeight, inWidth] = x.shape as number[];
    return {
      value,
      gradFunc: (dy: tf.Tensor) =>
        tf.tidy(() => {
          const rows = interpolationMatrix(inHeight!, size[0]);
          const columns = interpolationMatrix(inWidth!, size[1]);
          // dy [n, H, W, c] → [n, h, W, c] (rowsᵀ) → [n, h, w, c] (columnsᵀ).
          const alongRows = alongAxis(dy as tf.Tensor4D, tf.transpose(rows), 1);
          return alongAxis(alongRows, tf.transpose(columns), 2);
        }),
    };
  });
  return resize(images) as tf.Tensor4D;
}
