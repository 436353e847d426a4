import { heNormalInitializers } from '@residual/layers';
import * as tf from '@tensorflow/tfjs';
import { ModelError } from './model-error.js';

/**
 * `model` with a fresh classifier of `numClasses` outputs in place of its `logits` layer: the
 * step of fine-tuning a pretrained network on a data set with other classes. Every other layer
 * (and its weights) is shared with `model`; the new layer is seeded by `seed` as a freshly
 * built model's would be.
 * @throws ModelError when the model has no dense `logits` layer as its output.
 */
export function replaceClassifier(
  model: tf.LayersModel,
  numClasses: number,
  options: { seed?: number } = {},
): tf.LayersModel {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new ModelError(
      `replaceClassifier: numClasses must be a positive integer, got ${numClasses}.`,
    );
  }
  const logits = model.layers.find((layer) => layer.name === 'logits');
  if (
    logits === undefined ||
    logits.getClassName() !== 'Dense' ||
    model.outputs.length !== 1 ||
    model.outputs[0].sourceLayer !== logits
  ) {
    throw new ModelError(
      `replaceClassifier: ${model.name} does not end in a dense layer named "logits".`,
    );
  }
  const features = logits.input as tf.SymbolicTensor;
  const classifier = tf.layers.dense({
    units: numClasses,
    kernelInitializer: heNormalInitializers(options.seed)('logits'),
    name: 'logits',
  });
  // The old classifier leaves the graph; its name is free for the new one.
  return tf.model({
    inputs: model.inputs,
    outputs: classifier.apply(features) as tf.SymbolicTensor,
    name: model.name,
  });
}
