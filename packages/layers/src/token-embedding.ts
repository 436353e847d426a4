import * as tf from '@tensorflow/tfjs';
import { GPT_INIT_STDDEV, type Initializer } from './initializers.js';
import {
  type LayerArgs,
  type SerializedInitializer,
  serializeInitializer,
  singleInput,
  singleShape,
  toInitializer,
} from './layer-config.js';
import { LayerError } from './layer-error.js';

export interface TokenEmbeddingArgs extends LayerArgs {
  /** Number of distinct tokens; ids run from 0 to vocabSize − 1. */
  vocabSize: number;
  /** Width of each embedding vector. */
  width: number;
  /** Default: N(0, 0.02²), GPT-2's. Serialized `{ className, config }` form accepted. */
  embeddingsInitializer?: Initializer | SerializedInitializer;
}

/**
 * A token embedding E of shape [vocabSize, width] that also serves as the output layer, so
 * the two share one matrix (weight tying: Press & Wolf 2017, as GPT-2 and nanoGPT do):
 * - applied to token ids [batch, length] (int32) it returns their rows, [batch, length, width];
 * - applied to hidden states [batch, length, width] it returns the logits x·Eᵀ,
 *   [batch, length, vocabSize].
 * A model applies the one layer twice (Keras' shared layers), so `model.toJSON()` records the
 * matrix once and both uses load it.
 *
 * tfjs's `Embedding` gathers rows, whose gradient (UnsortedSegmentSum) the wasm backend lacks;
 * here the gradient of the lookup is onehot(ids)ᵀ·dy, a matrix product every backend has.
 *
 * Keras equivalent: keras-nlp's `ReversibleEmbedding` (`reverse=True` for the logits).
 */
export class TokenEmbedding extends tf.layers.Layer {
  static className = 'TokenEmbedding';
  readonly vocabSize: number;
  readonly width: number;
  private readonly embeddingsInitializer: Initializer;
  private embeddings?: tf.LayerVariable;

  constructor(args: TokenEmbeddingArgs) {
    super(args);
    this.vocabSize = args.vocabSize;
    this.width = args.width;
    for (const [option, value] of [
      ['vocabSize', this.vocabSize],
      ['width', this.width],
    ] as const) {
      if (!Number.isInteger(value) || value < 1) {
        throw new LayerError(`${this.name}: ${option} must be a positive integer, got ${value}.`);
      }
    }
    this.embeddingsInitializer = toInitializer(args.embeddingsInitializer, () =>
      tf.initializers.randomNormal({ mean: 0, stddev: GPT_INIT_STDDEV }),
    );
  }

  override build(): void {
    this.embeddings = this.addWeight(
      'embeddings',
      [this.vocabSize, this.width],
      'float32',
      this.embeddingsInitializer,
    );
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = singleInput(inputs);
      const table = this.embeddings!.read() as tf.Tensor2D;
      if (x.rank === 2) return this.lookUp(table, x.dtype === 'int32' ? x : tf.cast(x, 'int32'));
      if (x.rank === 3 && x.shape[2] === this.width) {
        const [batch, length] = x.shape;
        const logits = tf.matMul(
          tf.reshape(x, [-1, this.width]) as tf.Tensor2D,
          table,
          false,
          true,
        );
        return tf.reshape(logits, [batch, length, this.vocabSize]);
      }
      throw new LayerError(
        `${this.name}: expected token ids [batch, length] or hidden states [batch, length, ${this.width}], got shape [${x.shape}].`,
      );
    });
  }

  /** Rows of `table` for `ids`, with the gradient of the lookup as a matrix product. */
  private lookUp(table: tf.Tensor2D, ids: tf.Tensor): tf.Tensor {
    const { vocabSize, width } = this;
    const lookUp = tf.customGrad((t) => ({
      value: tf.gather(t as tf.Tensor2D, ids),
      gradFunc: (dy) =>
        tf.tidy(() => {
          // Cast rather than ask oneHot for float32: wasm's OneHot writes int32 bits regardless.
          const rows = tf.cast(
            tf.oneHot(tf.reshape(ids, [-1]) as tf.Tensor1D, vocabSize),
            'float32',
          );
          return tf.matMul(rows, tf.reshape(dy as tf.Tensor, [-1, width]) as tf.Tensor2D, true);
        }),
    }));
    return lookUp(table);
  }

  /**
   * Weight tying applies this layer twice in one model (ids → vectors, then vectors → logits).
   * tfjs counts a reference per application but a model disposes each of its layers once, so
   * the table would outlive the model: one dispose releases every reference.
   */
  override dispose(): ReturnType<tf.layers.Layer['dispose']> {
    let result = super.dispose();
    while (result.refCountAfterDispose > 0) result = super.dispose();
    return result;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = singleShape(inputShape);
    return shape.length === 2 ? [...shape, this.width] : [...shape.slice(0, -1), this.vocabSize];
  }

  /**
   * Multiply-accumulates per sequence of one use of the layer: none for the lookup, width ×
   * vocabSize per position for the logits.
   */
  multiplyAccumulates(inputShape: tf.Shape | tf.Shape[]): number {
    const shape = singleShape(inputShape);
    if (shape.length === 2) return 0;
    const positions = shape.slice(1, -1).reduce<number>((n, d) => n * (d ?? 1), 1);
    return positions * this.width * this.vocabSize;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      vocabSize: this.vocabSize,
      width: this.width,
      embeddingsInitializer: { ...serializeInitializer(this.embeddingsInitializer) },
      ...super.getConfig(),
    };
  }
}
tf.serialization.registerClass(TokenEmbedding);
