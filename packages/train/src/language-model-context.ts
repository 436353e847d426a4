import type * as tf from '@tensorflow/tfjs';

/**
 * The context length of a language model: the fixed length of its token input, or, for a
 * model that takes any length up to its context (the registry's GPTs), the `contextLength`
 * of the layer that holds its position embeddings. Undefined when neither says.
 */
export function languageModelContext(model: tf.LayersModel): number | undefined {
  const length = model.inputs[0]?.shape[1];
  if (typeof length === 'number') return length;
  for (const layer of model.layers) {
    const context = (layer.getConfig() as { contextLength?: unknown }).contextLength;
    if (typeof context === 'number' && Number.isInteger(context) && context > 0) return context;
  }
  return undefined;
}
