import * as tf from '@tensorflow/tfjs';

/** The convolutions whose dilated gradients {@link atrousGradients} rebuilds from undilated ones. */
export type AtrousConv = 'conv2d' | 'depthwise';

const BACKPROP_KERNELS: Record<AtrousConv, { input: string; filter: string }> = {
  conv2d: { input: tf.Conv2DBackpropInput, filter: tf.Conv2DBackpropFilter },
  depthwise: {
    input: tf.DepthwiseConv2dNativeBackpropInput,
    filter: tf.DepthwiseConv2dNativeBackpropFilter,
  },
};

/** Rows (or columns) to add after `size` values so that `block` divides them. */
function roundUp(size: number, block: number): number {
  return (block - (size % block)) % block;
}

/**
 * Both gradients of a stride-1 dilated convolution, from undilated ones: the space-to-batch
 * identity TensorFlow computes atrous convolution with. Split the padded input into the
 * d_h × d_w phases of its pixels (`spaceToBatchND`): output pixel (q·d_h + r, p·d_w + s) of the
 * dilated convolution is output pixel (q, p) of an undilated 'valid' convolution of phase (r, s).
 * So dy splits the same way, the undilated gradient kernels run on the phases, and the input
 * gradient is put back together with `batchToSpaceND` (the adjoint of the split).
 *
 * Every op here has tfjs gradients and runs on every backend, whose undilated kernels are all
 * it needs; the phases cost copies of x and dy but no wasted products (a filter dilated with
 * zeros would multiply (d·(k−1)+1)² taps instead of k²).
 */
export function atrousGradients(
  conv: AtrousConv,
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  dy: tf.Tensor4D,
  info: tf.backend_util.Conv2DInfo,
): { x: () => tf.Tensor; filter: () => tf.Tensor } {
  const { dilationHeight, dilationWidth, padInfo } = info;
  const block = [dilationHeight, dilationWidth];
  const extraRows = roundUp(info.inHeight + padInfo.top + padInfo.bottom, dilationHeight);
  const extraCols = roundUp(info.inWidth + padInfo.left + padInfo.right, dilationWidth);
  // The padding of x (and the rows the split needs after it), and the rows the split needs
  // after dy: the phases' outputs put together are outHeight + extraRows rows long.
  const inputPads = [
    [padInfo.top, padInfo.bottom + extraRows],
    [padInfo.left, padInfo.right + extraCols],
  ];
  const outputPads = [
    [0, extraRows],
    [0, extraCols],
  ];
  const phaseCount = dilationHeight * dilationWidth;
  const phaseShape: [number, number, number, number] = [
    info.batchSize * phaseCount,
    (info.inHeight + padInfo.top + padInfo.bottom + extraRows) / dilationHeight,
    (info.inWidth + padInfo.left + padInfo.right + extraCols) / dilationWidth,
    info.inChannels,
  ];
  const undilated = {
    strides: 1,
    pad: 'valid',
    dilations: 1,
    dataFormat: 'NHWC',
    dimRoundingMode: undefined,
  };
  const kernels = BACKPROP_KERNELS[conv];
  // Each gradient splits dy itself: tfjs runs each in its own tidy scope, which disposes what
  // it made when it returns.
  const splitDy = () => tf.spaceToBatchND(dy, block, outputPads);
  return {
    x: () => {
      const dxPhases = tf.engine().runKernel(kernels.input, { dy: splitDy(), filter }, {
        ...undilated,
        inputShape: phaseShape,
      } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
      return tf.batchToSpaceND(dxPhases, block, inputPads);
    },
    filter: () =>
      tf
        .engine()
        .runKernel(kernels.filter, { x: tf.spaceToBatchND(x, block, inputPads), dy: splitDy() }, {
          ...undilated,
          filterShape: filter.shape,
        } as unknown as tf.NamedAttrMap) as tf.Tensor,
  };
}
