import * as tf from '@tensorflow/tfjs';
import { type Checkpoint, CheckpointError } from './checkpoints.js';
import type { SgdMomentum } from './sgd-momentum.js';

/**
 * Puts the checkpoint's weights (batch-norm moving statistics included) into `model` and its
 * momentum into `optimizer`, bit for bit. Checks everything first, so a checkpoint that does
 * not fit changes nothing.
 * @throws CheckpointError naming the checkpoint and the weight that does not fit.
 */
export function restoreCheckpoint(
  model: tf.LayersModel,
  optimizer: SgdMomentum,
  checkpoint: Checkpoint,
): void {
  const where = checkpoint.path;
  const weights = tf.io.decodeWeights(checkpoint.weightData, checkpoint.weightSpecs);
  const slots = tf.io.decodeWeights(checkpoint.optimizerData, checkpoint.state.optimizer.slots);
  try {
    const names = new Set(Object.keys(weights));
    for (const weight of model.weights) {
      const saved = weights[weight.originalName];
      if (saved === undefined) {
        throw new CheckpointError(
          `${where} does not fit the model: it has no weight ${weight.originalName}.`,
        );
      }
      if (!tf.util.arraysEqual(saved.shape, weight.shape as number[])) {
        throw new CheckpointError(
          `${where} does not fit the model: ${weight.originalName} is [${saved.shape}] there, [${weight.shape}] in the model.`,
        );
      }
      names.delete(weight.originalName);
    }
    if (names.size > 0) {
      throw new CheckpointError(
        `${where} does not fit the model: the model has no weight ${[...names][0]}.`,
      );
    }
    try {
      optimizer.restore(slots);
    } catch (error) {
      throw new CheckpointError(`${where} does not fit the model: ${(error as Error).message}`);
    }
    // Assigned directly: LayerVariable.write would re-apply weight constraints.
    for (const weight of model.weights) {
      (weight.read() as tf.Variable).assign(weights[weight.originalName]);
    }
  } finally {
    tf.dispose(Object.values(weights));
    tf.dispose(Object.values(slots));
  }
}
