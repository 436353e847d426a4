import * as tf from '@tensorflow/tfjs';

/** LayerScale's initial value: CaiT's choice for networks of up to 24 blocks. */
export const LAYER_SCALE_INIT = 1e-5;

/**
 * LayerScale (Touvron et al. 2021, CaiT §2.1): multiplies each channel of the residual branch
 * by its own learned factor, initially small, so every block starts close to the identity.
 * A per-channel scale is a 1×1 depthwise convolution, so this is the standard Keras layer
 * `DepthwiseConv2D(1, use_bias=False)` with a constant initial kernel.
 */
export function layerScale(
  x: tf.SymbolicTensor,
  name: string,
  initialValue = LAYER_SCALE_INIT,
): tf.SymbolicTensor {
  return tf.layers
    .depthwiseConv2d({
      kernelSize: 1,
      depthMultiplier: 1,
      useBias: false,
      depthwiseInitializer: tf.initializers.constant({ value: initialValue }),
      name,
    })
    .apply(x) as tf.SymbolicTensor;
}
