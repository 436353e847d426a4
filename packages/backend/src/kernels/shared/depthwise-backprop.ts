import type * as tf from '@tensorflow/tfjs';

/**
 * The input gradient of a depthwise convolution (filter `[kh, kw, channels, multiplier]`), by
 * scattering each output gradient back through the taps that read it.
 */
export function depthwiseBackpropInput(
  dy: Float32Array,
  filter: Float32Array,
  info: tf.backend_util.Conv2DInfo,
  dx: Float32Array,
): void {
  const { inChannels, outChannels } = info;
  const multiplier = outChannels / inChannels;
  dx.fill(0);
  forEachTapRead(info, (source, target, tap) => {
    for (let c = 0; c < inChannels; c++) {
      let sum = 0;
      for (let m = 0; m < multiplier; m++) {
        sum += dy[source + c * multiplier + m] * filter[tap + c * multiplier + m];
      }
      dx[target + c] += sum;
    }
  });
}

/** The filter gradient of a depthwise convolution: Σ x · dy over every output pixel, per tap. */
export function depthwiseBackpropFilter(
  x: Float32Array,
  dy: Float32Array,
  info: tf.backend_util.Conv2DInfo,
  dw: Float32Array,
): void {
  const { inChannels, outChannels } = info;
  const multiplier = outChannels / inChannels;
  dw.fill(0);
  forEachTapRead(info, (source, pixel, tap) => {
    for (let c = 0; c < inChannels; c++) {
      const value = x[pixel + c];
      for (let m = 0; m < multiplier; m++) {
        dw[tap + c * multiplier + m] += value * dy[source + c * multiplier + m];
      }
    }
  });
}

/**
 * Calls `visit` for every output pixel and filter tap that reads a pixel inside the input, in
 * output order: with the offsets of the output pixel in dy, of the input pixel in x (and dx),
 * and of the tap in the filter. Both gradients walk the convolution this way.
 */
function forEachTapRead(
  info: tf.backend_util.Conv2DInfo,
  visit: (source: number, pixel: number, tap: number) => void,
): void {
  const { inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  let source = 0;
  for (let n = 0; n < info.batchSize; n++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++, source += outChannels) {
        for (let ky = 0; ky < info.filterHeight; ky++) {
          const iy = oy * info.strideHeight - info.padInfo.top + ky * info.dilationHeight;
          if (iy < 0 || iy >= inHeight) continue;
          for (let kx = 0; kx < info.filterWidth; kx++) {
            const ix = ox * info.strideWidth - info.padInfo.left + kx * info.dilationWidth;
            if (ix < 0 || ix >= inWidth) continue;
            visit(
              source,
              ((n * inHeight + iy) * inWidth + ix) * inChannels,
              (ky * info.filterWidth + kx) * outChannels,
            );
          }
        }
      }
    }
  }
}
