import * as tf from '@tensorflow/tfjs';

/** The gradient norm of one convolution, in network order. */
export interface LayerGradient {
  layer: string;
  /** L2 norm of the loss gradient with respect to the layer's kernel. */
  norm: number;
}

/**
 * Per-layer gradient norms of the softmax cross-entropy on one batch, for every convolution
 * (the classifier's dense layer is left out: its gradient does not travel through the depth),
 * from the input end to the output end. Batch norm runs in training mode, as during
 * training. The gradient reaching the first layers is what residual connections protect
 * (He et al. 2016, "Identity Mappings in Deep Residual Networks", §2).
 *
 * Computed here with `tf.variableGrads`; `gradientFlow(model, batch)` in @residual/metrics
 * reports the same per-layer norms (and more), and replaces this function where available.
 */
export function layerGradientNorms(
  model: tf.LayersModel,
  images: tf.Tensor4D,
  labels: tf.Tensor1D,
  numClasses: number,
): LayerGradient[] {
  const kernels = model.layers
    .filter((layer) => layer.getClassName() === 'Conv2D')
    .flatMap((layer) =>
      layer.trainableWeights
        .filter((weight) => weight.originalName.endsWith('/kernel'))
        .map((weight) => ({ layer: layer.name, variable: weight.read() as tf.Variable })),
    );
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(
      () => {
        const logits = model.apply(images, { training: true }) as tf.Tensor;
        return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, numClasses), logits) as tf.Scalar;
      },
      kernels.map((k) => k.variable),
    );
    value.dispose();
    return kernels.map(({ layer, variable }) => ({
      layer,
      norm: tf.norm(grads[variable.name]).dataSync()[0],
    }));
  });
}
