import * as tf from '@tensorflow/tfjs';

type Pair = number | [number, number];
type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

/** What the convolution kernels' attributes say about geometry, whichever kernel they belong to. */
export interface ConvAttrs {
  strides: Pair;
  pad: Pad;
  dilations?: Pair;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dataFormat?: 'NHWC' | 'NCHW';
}

/** tfjs's own geometry of a convolution (output size, padding), NHWC. */
export function conv2dInfo(
  xShape: readonly number[],
  filterShape: readonly number[],
  attrs: ConvAttrs,
  depthwise = false,
): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    depthwise,
    'channelsLast',
  );
}

/** True when the kernel's tensors are NHWC, the only layout our kernels implement. */
export function isChannelsLast(attrs: ConvAttrs): boolean {
  return attrs.dataFormat === undefined || attrs.dataFormat === 'NHWC';
}

/**
 * The geometry as the native kernels read it (see `@residual/backend-native`'s ConvGeometry). A
 * depthwise convolution is a grouped one with one group per input channel: tfjs's
 * `[kh, kw, inChannels, multiplier]` filter has the memory layout of a grouped
 * `[kh, kw, 1, inChannels × multiplier]` one.
 */
export function nativeGeometry(info: tf.backend_util.Conv2DInfo, depthwise = false): Int32Array {
  return Int32Array.of(
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.filterHeight,
    info.filterWidth,
    info.outChannels,
    info.outHeight,
    info.outWidth,
    info.strideHeight,
    info.strideWidth,
    info.padInfo.top,
    info.padInfo.left,
    info.dilationHeight,
    info.dilationWidth,
    depthwise ? info.inChannels : 1,
  );
}
