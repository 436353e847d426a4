import type * as tf from '@tensorflow/tfjs';
import { LayerError } from './layer-error.js';

/** A layer whose random masks follow (seed, layer name, training call). */
interface CountsItsMasks {
  trainingCalls: number;
}

function masked(model: tf.LayersModel): Map<string, CountsItsMasks> {
  const layers = new Map<string, CountsItsMasks>();
  for (const layer of model.layers) {
    const calls = (layer as unknown as Partial<CountsItsMasks>).trainingCalls;
    if (typeof calls === 'number') layers.set(layer.name, layer as unknown as CountsItsMasks);
  }
  return layers;
}

/**
 * How many training calls each seeded-mask layer of `model` has made (`SeededDropout`,
 * `CausalAttention`'s dropout, `DropPath`), by layer name. A checkpoint that saves these and
 * restores them with {@link setMaskCounts} resumes with the very masks an uninterrupted run
 * would have drawn.
 */
export function maskCounts(model: tf.LayersModel): Record<string, number> {
  return Object.fromEntries([...masked(model)].map(([name, layer]) => [name, layer.trainingCalls]));
}

/** Restores what {@link maskCounts} saved. @throws LayerError for a name the model lacks. */
export function setMaskCounts(model: tf.LayersModel, counts: Record<string, number>): void {
  const layers = masked(model);
  for (const [name, calls] of Object.entries(counts)) {
    const layer = layers.get(name);
    if (layer === undefined) {
      throw new LayerError(`${model.name}: no seeded-mask layer named "${name}" to restore.`);
    }
    if (!Number.isInteger(calls) || calls < 0) {
      throw new LayerError(`${name}: a mask count must be a non-negative integer, got ${calls}.`);
    }
    layer.trainingCalls = calls;
  }
}
