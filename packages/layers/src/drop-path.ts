import * as tf from '@tensorflow/tfjs';
import { layerSeed } from './initializers.js';
import { type LayerArgs, singleInput, singleShape } from './layer-config.js';
import { LayerError } from './layer-error.js';

export interface DropPathArgs extends LayerArgs {
  /** Probability of dropping the branch for each example while training, in [0, 1). */
  rate: number;
  /**
   * Seeds the masks: training call k of a layer draws from (seed, layer name, k), so the same
   * seed gives the same masks run after run. Default: unseeded.
   */
  seed?: number;
}

/**
 * Stochastic depth (Huang et al. 2016): while training, zeroes the residual branch of each
 * example with probability `rate` and scales the kept ones by 1 / (1 − rate), so the
 * expectation is unchanged and inference is the identity (the "inverted" scaling timm uses;
 * the paper scales at test time instead, which is the same network after training).
 *
 * Keras equivalent: `Dropout(rate, noise_shape=(None, 1, 1, 1))`, one mask value per example;
 * at inference both are the identity, so a trained model can drop these layers on export.
 */
export class DropPath extends tf.layers.Layer {
  static className = 'DropPath';
  readonly rate: number;
  readonly seed?: number;
  /** Training calls so far: call k draws its mask from (seed, name, k). See `maskCounts`. */
  trainingCalls = 0;

  constructor(args: DropPathArgs) {
    super(args);
    this.rate = args.rate;
    this.seed = args.seed ?? undefined;
    if (!(this.rate >= 0 && this.rate < 1)) {
      throw new LayerError(`${this.name}: rate must be in [0, 1), got ${this.rate}.`);
    }
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: tf.serialization.ConfigDict): tf.Tensor {
    const x = singleInput(inputs);
    if (kwargs.training !== true || this.rate === 0) return x;
    const seed =
      this.seed === undefined
        ? undefined
        : layerSeed(this.seed, `${this.name}:${this.trainingCalls++}`);
    return tf.tidy(() => {
      const keep = 1 - this.rate;
      const noiseShape = [x.shape[0], ...x.shape.slice(1).map(() => 1)];
      // floor(u + keep) is 1 with probability keep, else 0.
      const mask = tf.floor(tf.add(tf.randomUniform(noiseShape, 0, 1, 'float32', seed), keep));
      return tf.mul(x, tf.div(mask, keep));
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return singleShape(inputShape);
  }

  override getConfig(): tf.serialization.ConfigDict {
    const own: tf.serialization.ConfigDict = { rate: this.rate };
    if (this.seed !== undefined) own.seed = this.seed;
    return { ...own, ...super.getConfig() };
  }
}
tf.serialization.registerClass(DropPath);

/**
 * The linear decay rule of stochastic depth (Huang et al. 2016, §3): block l of L (counted
 * from 1) is dropped with probability `l / L · finalRate`, so early blocks, which every later
 * block builds on, are almost always kept and the last one is dropped with `finalRate`.
 */
export function stochasticDepthRate(finalRate: number, blockIndex: number, blockCount: number) {
  if (!(finalRate >= 0 && finalRate < 1)) {
    throw new LayerError(`dropPathRate must be in [0, 1), got ${finalRate}.`);
  }
  return (finalRate * (blockIndex + 1)) / blockCount;
}
