import { causalSoftmax } from '@residual/backend';
import * as tf from '@tensorflow/tfjs';
import type { LayerArgs } from './layer-config.js';
import { LayerError } from './layer-error.js';
import { checkDropoutRate, dropout, dropoutSeed } from './seeded-dropout.js';

export interface CausalAttentionArgs extends LayerArgs {
  /** Number of attention heads; must divide the width of the queries. */
  heads: number;
  /** Dropout on the attention weights while training, in [0, 1). Default 0. */
  dropout?: number;
  /** Seeds the dropout masks (see `SeededDropout`). Default: unseeded. */
  seed?: number;
}

/**
 * Causal multi-head scaled dot-product attention (Vaswani et al. 2017, masked as in GPT):
 * given queries, keys and values [batch, length, width] (three inputs, the outputs of their
 * projections), each of `heads` heads attends from position t to positions s ≤ t with weights
 * softmax(q·kᵀ / √(width / heads)), and the heads' outputs are concatenated back to
 * [batch, length, width]. The layer has no weights; `causalSelfAttention` puts the
 * projections around it.
 *
 * It is built from operations whose gradients every tfjs backend has (reshape, transpose,
 * batched matMul) and `causalSoftmax` of `@residual/backend` (one kernel each way where ours
 * are registered, else a −1e9 mask added before a softmax): tfjs's own attention code uses
 * einsum, which has no gradient.
 *
 * Keras equivalent: the core of `MultiHeadAttention(use_causal_mask=True)` between its
 * query/key/value and output projections.
 */
export class CausalAttention extends tf.layers.Layer {
  static className = 'CausalAttention';
  readonly heads: number;
  readonly dropout: number;
  readonly seed?: number;
  /** Training calls so far: call k draws its mask from (seed, name, k). See `maskCounts`. */
  trainingCalls = 0;

  constructor(args: CausalAttentionArgs) {
    super(args);
    this.heads = args.heads;
    if (!Number.isInteger(this.heads) || this.heads < 1) {
      throw new LayerError(`${this.name}: heads must be a positive integer, got ${this.heads}.`);
    }
    this.dropout = checkDropoutRate(this.name, args.dropout ?? 0);
    this.seed = args.seed ?? undefined;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shapes = this.threeShapes(inputShape);
    const width = shapes[0][2];
    if (width === null || width % this.heads !== 0) {
      throw new LayerError(
        `${this.name}: the width (${width}) must be divisible by the number of heads (${this.heads}).`,
      );
    }
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: tf.serialization.ConfigDict): tf.Tensor {
    if (!Array.isArray(inputs) || inputs.length !== 3) {
      throw new LayerError(`${this.name}: expected three inputs: queries, keys and values.`);
    }
    const seed =
      kwargs.training === true && this.dropout > 0
        ? dropoutSeed(this.seed, this.name, this.trainingCalls++)
        : undefined;
    return tf.tidy(() => {
      const [batch, length, width] = inputs[0].shape;
      const headWidth = width / this.heads;
      // [batch, length, width] → [batch, heads, length, headWidth]
      const split = (x: tf.Tensor) =>
        tf.transpose(tf.reshape(x, [batch, length, this.heads, headWidth]), [0, 2, 1, 3]);
      const scores = tf.matMul(split(inputs[0]), split(inputs[1]), false, true);
      let weights = causalSoftmax(scores, 1 / Math.sqrt(headWidth));
      if (kwargs.training === true && this.dropout > 0) {
        weights = dropout(weights, this.dropout, seed);
      }
      const heads = tf.matMul(weights, split(inputs[2]));
      return tf.reshape(tf.transpose(heads, [0, 2, 1, 3]), [batch, length, width]);
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return this.threeShapes(inputShape)[0];
  }

  /**
   * Multiply-accumulates per sequence: q·kᵀ and the weighted sum of values each cost
   * length² × width (every score counted, as PyTorch's FLOP counters do).
   */
  multiplyAccumulates(inputShape: tf.Shape | tf.Shape[]): number {
    const [, length, width] = this.threeShapes(inputShape)[0];
    return 2 * (length ?? 1) * (length ?? 1) * (width ?? 0);
  }

  override getConfig(): tf.serialization.ConfigDict {
    const own: tf.serialization.ConfigDict = { heads: this.heads, dropout: this.dropout };
    if (this.seed !== undefined) own.seed = this.seed;
    return { ...own, ...super.getConfig() };
  }

  private threeShapes(inputShape: tf.Shape | tf.Shape[]): tf.Shape[] {
    const shapes = inputShape as tf.Shape[];
    if (!Array.isArray(shapes[0]) || shapes.length !== 3 || shapes.some((s) => s.length !== 3)) {
      throw new LayerError(
        `${this.name}: expected queries, keys and values, each [batch, length, width].`,
      );
    }
    return shapes;
  }
}
tf.serialization.registerClass(CausalAttention);
