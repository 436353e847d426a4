import * as tf from '@tensorflow/tfjs';
import { singleInput, singleShape } from './layer-config.js';

/**
 * Adds one learned scalar (initially 0) to its input: Fixup's scalar biases (Zhang et al.
 * 2019), placed before each convolution, activation and the classifier of a network without
 * normalisation. One parameter, whatever the input shape; a per-channel bias would be a
 * different (larger) network.
 *
 * Keras has no such layer; its equivalent is a custom layer holding one scalar weight
 * (`self.add_weight(shape=(), initializer='zeros')`) whose `call` returns `x + bias`.
 */
export class ScalarBias extends tf.layers.Layer {
  static className = 'ScalarBias';
  private bias?: tf.LayerVariable;

  override build(): void {
    this.bias = this.addWeight('bias', [], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.add(singleInput(inputs), this.bias!.read()));
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return singleShape(inputShape);
  }
}
tf.serialization.registerClass(ScalarBias);
