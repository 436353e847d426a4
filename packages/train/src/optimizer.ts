import type * as tf from '@tensorflow/tfjs';

/** The optimizers whose state a checkpoint holds. */
export type OptimizerKind = 'sgd-momentum' | 'adamw';

/**
 * What the training loops and checkpoints need of an optimizer: the variables it updates, one
 * update per step at a given rate, and a state that saves and restores exactly.
 */
export interface Optimizer {
  readonly kind: OptimizerKind;
  /** The variables this optimizer updates, in order. */
  readonly variables: tf.Variable[];
  /** Applies one update; `gradients[i]` belongs to `variables[i]`. */
  apply(gradients: readonly tf.Tensor[], learningRate: number): void;
  /** The state as named tensors (copies: the caller disposes them). */
  stateTensors(): tf.NamedTensorMap;
  /**
   * Restores the state from {@link stateTensors}' output, by name.
   * @throws RangeError naming a tensor that is missing or has another shape.
   */
  restore(state: tf.NamedTensorMap): void;
  dispose(): void;
}
