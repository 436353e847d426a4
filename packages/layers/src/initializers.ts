import * as tf from '@tensorflow/tfjs';

/**
 * Gives each layer its kernel initializer. Blocks ask for one by layer name, so a model's
 * initial weights depend only on its seed and its layer names, not on construction order.
 * `gain` multiplies the standard deviation: Fixup shrinks the layers inside residual branches
 * with it, and a gain of 0 starts a kernel at zero.
 */
export type KernelInitializerFactory = (layerName: string, gain?: number) => Initializer;

/** tfjs's initializer class, which tfjs does not export by name. */
export type Initializer = ReturnType<typeof tf.initializers.heNormal>;

/**
 * He-normal initialisation (He et al. 2015, the ResNet paper's choice), seeded per layer from
 * `seed` and the layer's name. Without a seed, every call draws fresh random weights.
 */
export function heNormalInitializers(seed?: number): KernelInitializerFactory {
  return (layerName, gain = 1) => {
    if (gain === 0) return tf.initializers.zeros();
    const seeded = seed === undefined ? {} : { seed: layerSeed(seed, layerName) };
    if (gain === 1) return tf.initializers.heNormal(seeded);
    // He-normal is variance scaling with scale 2 over the fan-in; a gain g scales the variance by g².
    return tf.initializers.varianceScaling({
      scale: 2 * gain * gain,
      mode: 'fanIn',
      distribution: 'normal',
      ...seeded,
    });
  };
}

/** GPT-2's standard deviation for every linear and embedding weight (Radford et al. 2019). */
export const GPT_INIT_STDDEV = 0.02;

/**
 * GPT-2's initialisation, as nanoGPT writes it: every weight drawn from N(0, 0.02²), seeded
 * per layer from `seed` and the layer's name. `gain` multiplies the standard deviation: GPT-2
 * shrinks the projections that write into the residual stream by 1/√(2·layers), DeepNorm
 * shrinks its branches by β; a gain of 0 starts a weight at zero. Unseeded without a seed.
 */
export function gptNormalInitializers(seed?: number): KernelInitializerFactory {
  return (layerName, gain = 1) => {
    if (gain === 0) return tf.initializers.zeros();
    const seeded = seed === undefined ? {} : { seed: layerSeed(seed, layerName) };
    return tf.initializers.randomNormal({ mean: 0, stddev: GPT_INIT_STDDEV * gain, ...seeded });
  };
}

/** A 31-bit seed derived from a model seed and a layer name (FNV-1a, then mixed). */
export function layerSeed(seed: number, layerName: string): number {
  let hash = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < layerName.length; i++) {
    hash ^= layerName.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  hash ^= hash >>> 15;
  hash = Math.imul(hash, 0x2c1b3c6d) >>> 0;
  return (hash ^ (hash >>> 12)) & 0x7fffffff;
}
