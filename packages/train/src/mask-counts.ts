import type * as tf from '@tensorflow/tfjs';
import { CheckpointError } from './checkpoints.js';

/**
 * Layers whose random masks follow (seed, layer name, training call) count their training
 * calls in a numeric `trainingCalls` field (@residual/layers' SeededDropout, CausalAttention,
 * DropPath). A checkpoint saves the counts and a resume restores them, so a resumed run draws
 * the very masks the uninterrupted run would have. Found by that field, so this package needs
 * no layer classes.
 */
export function maskCounts(model: tf.LayersModel): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const layer of model.layers) {
    const calls = (layer as unknown as { trainingCalls?: unknown }).trainingCalls;
    if (typeof calls === 'number') counts[layer.name] = calls;
  }
  return counts;
}

/**
 * Restores what {@link maskCounts} saved.
 * @throws CheckpointError naming a counted layer the model lacks.
 */
export function restoreMaskCounts(
  model: tf.LayersModel,
  counts: Record<string, number>,
  where: string,
): void {
  const present = maskCounts(model);
  for (const [name, calls] of Object.entries(counts)) {
    if (!(name in present) || !Number.isInteger(calls) || calls < 0) {
      throw new CheckpointError(
        `${where} does not fit the model: it counts ${calls} masks of layer ${name}, which the model has no seeded masks for.`,
      );
    }
  }
  for (const layer of model.layers) {
    if (layer.name in counts) {
      (layer as unknown as { trainingCalls: number }).trainingCalls = counts[layer.name];
    }
  }
}
