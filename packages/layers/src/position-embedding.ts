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

export interface PositionEmbeddingArgs extends LayerArgs {
  /** The longest sequence the model reads: one learned vector per position. */
  contextLength: number;
  /** Default: N(0, 0.02²), GPT-2's. Serialized `{ className, config }` form accepted. */
  embeddingsInitializer?: Initializer | SerializedInitializer;
}

/**
 * Learned absolute position embeddings (GPT, Radford et al. 2018): adds the vector of
 * position t to the t-th element of every sequence, [batch, length, width] → the same shape.
 * A sequence may be shorter than `contextLength` (generation feeds a growing prompt), never
 * longer.
 *
 * Keras equivalent: keras-nlp's `PositionEmbedding(sequence_length)`, whose output is added
 * to the token embeddings.
 */
export class PositionEmbedding extends tf.layers.Layer {
  static className = 'PositionEmbedding';
  readonly contextLength: number;
  private readonly embeddingsInitializer: Initializer;
  private embeddings?: tf.LayerVariable;

  constructor(args: PositionEmbeddingArgs) {
    super(args);
    this.contextLength = args.contextLength;
    if (!Number.isInteger(this.contextLength) || this.contextLength < 1) {
      throw new LayerError(
        `${this.name}: contextLength must be a positive integer, got ${this.contextLength}.`,
      );
    }
    this.embeddingsInitializer = toInitializer(args.embeddingsInitializer, () =>
      tf.initializers.randomNormal({ mean: 0, stddev: GPT_INIT_STDDEV }),
    );
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = singleShape(inputShape);
    const width = shape[shape.length - 1];
    if (shape.length !== 3 || width === null) {
      throw new LayerError(
        `${this.name}: expected input [batch, length, width] with a known width, got [${shape}].`,
      );
    }
    this.embeddings = this.addWeight(
      'embeddings',
      [this.contextLength, width],
      'float32',
      this.embeddingsInitializer,
    );
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = singleInput(inputs);
    const length = x.shape[1] ?? 0;
    if (length > this.contextLength) {
      throw new LayerError(
        `${this.name}: a sequence of ${length} tokens is longer than the context (${this.contextLength}).`,
      );
    }
    return tf.tidy(() => {
      const table = this.embeddings!.read();
      const positions = length === this.contextLength ? table : tf.slice(table, 0, length);
      return tf.add(x, positions);
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return singleShape(inputShape);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      contextLength: this.contextLength,
      embeddingsInitializer: { ...serializeInitializer(this.embeddingsInitializer) },
      ...super.getConfig(),
    };
  }
}
tf.serialization.registerClass(PositionEmbedding);
