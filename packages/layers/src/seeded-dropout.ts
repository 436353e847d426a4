import * as tf from '@tensorflow/tfjs';
import { layerSeed } from './initializers.js';
import { type LayerArgs, singleInput, singleShape } from './layer-config.js';
import { LayerError } from './layer-error.js';

export interface SeededDropoutArgs extends LayerArgs {
  /** Probability of zeroing each value while training, in [0, 1). */
  rate: number;
  /**
   * Seeds the masks: training call k of the layer draws from (seed, layer name, k), so the
   * same seed gives the same masks run after run. Default: unseeded.
   */
  seed?: number;
  /**
   * Drop whole channels of NHWC images (one draw per image and channel) instead of single
   * values: PyTorch's `nn.Dropout2d` (Tompson et al. 2015), which smp's FPN decoder uses.
   * Default false.
   */
  perChannel?: boolean;
}

/**
 * Zeroes each value with probability `rate` and scales the kept ones by 1 / (1 − rate): `x`
 * unchanged in expectation, and inference is the identity. `seed` is the mask's seed, or
 * undefined for an unseeded one.
 */
export function dropout(
  x: tf.Tensor,
  rate: number,
  seed: number | undefined,
  perChannel = false,
): tf.Tensor {
  if (rate === 0) return x;
  return tf.tidy(() => {
    const keep = 1 - rate;
    // One draw per image and channel, broadcast over the pixels.
    const shape = perChannel ? [x.shape[0]!, 1, 1, x.shape[3]!] : x.shape;
    // floor(u + keep) is 1 with probability keep, else 0.
    const mask = tf.floor(tf.add(tf.randomUniform(shape, 0, 1, 'float32', seed), keep));
    return tf.mul(x, tf.div(mask, keep));
  });
}

/** The seed of training call `call` of the layer `name` (undefined when unseeded). */
export function dropoutSeed(
  seed: number | undefined,
  name: string,
  call: number,
): number | undefined {
  return seed === undefined ? undefined : layerSeed(seed, `${name}:${call}`);
}

export function checkDropoutRate(name: string, rate: number): number {
  if (!(rate >= 0 && rate < 1)) {
    throw new LayerError(`${name}: dropout rate must be in [0, 1), got ${rate}.`);
  }
  return rate;
}

/**
 * Dropout (Srivastava et al. 2014) whose masks follow a seed. tfjs's `Dropout` layer passes
 * its seed to every call unchanged, so a seeded one drops the same values at every step; this
 * layer derives call k's mask from (seed, name, k) instead, so training is both random across
 * steps and reproducible across runs.
 *
 * Keras equivalent: `Dropout(rate)`; both are the identity at inference.
 */
export class SeededDropout extends tf.layers.Layer {
  static className = 'SeededDropout';
  readonly rate: number;
  readonly seed?: number;
  readonly perChannel: boolean;
  /** Training calls so far: call k draws its mask from (seed, name, k). See `maskCounts`. */
  trainingCalls = 0;

  constructor(args: SeededDropoutArgs) {
    super(args);
    this.rate = checkDropoutRate(this.name, args.rate);
    this.seed = args.seed ?? undefined;
    this.perChannel = args.perChannel ?? false;
    if (this.perChannel) this.inputSpec = [{ ndim: 4 }];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: tf.serialization.ConfigDict): tf.Tensor {
    const x = singleInput(inputs);
    if (kwargs.training !== true || this.rate === 0) return x;
    const seed = dropoutSeed(this.seed, this.name, this.trainingCalls++);
    return dropout(x, this.rate, seed, this.perChannel);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return singleShape(inputShape);
  }

  override getConfig(): tf.serialization.ConfigDict {
    const own: tf.serialization.ConfigDict = { rate: this.rate };
    if (this.seed !== undefined) own.seed = this.seed;
    if (this.perChannel) own.perChannel = true;
    return { ...own, ...super.getConfig() };
  }
}
tf.serialization.registerClass(SeededDropout);
