import {
  gptNormalInitializers,
  hasFinalLayerNorm,
  layerNorm,
  PositionEmbedding,
  SeededDropout,
  TokenEmbedding,
  TRANSFORMER_RESIDUAL_FORMS,
  type TransformerResidualForm,
  transformerBlock,
} from '@residual/layers';
import * as tf from '@tensorflow/tfjs';
import { ModelError } from './model-error.js';
import { checkChoice } from './model-options.js';

/** What a GPT registry entry fixes; every field can be overridden by an option. */
export interface GptSpec {
  name: string;
  vocabSize: number;
  contextLength: number;
  layers: number;
  heads: number;
  width: number;
  /** Default 0. */
  dropout?: number;
}

/** The options of the GPT entries (and of `gpt`). Defaults: the entry's spec. */
export interface GptOptions {
  /** Number of distinct tokens (65 for tiny Shakespeare's characters, 256 for bytes). */
  vocabSize?: number;
  /** The longest input, in tokens: the model reads [batch, length ≤ contextLength]. */
  contextLength?: number;
  /** Transformer blocks. */
  layers?: number;
  /** Attention heads per block; must divide the width. */
  heads?: number;
  /** Width of the residual stream (nanoGPT's n_embd). */
  width?: number;
  /** How each block joins its sublayers to the stream. Default 'pre-ln' (GPT-2). */
  residualForm?: TransformerResidualForm;
  /** Dropout on embeddings, attention weights and sublayer outputs while training. */
  dropout?: number;
  /** Biases in the projections and LayerNorms. Default true (nanoGPT's GPTConfig). */
  bias?: boolean;
  /** The output layer reuses the token embedding (logits = x·Eᵀ). Default true. */
  tieWeights?: boolean;
  /** Seed for the initial weights and the dropout masks. Default: random. */
  seed?: number;
}

export const GPT_OPTION_NAMES = [
  'vocabSize',
  'contextLength',
  'layers',
  'heads',
  'width',
  'residualForm',
  'dropout',
  'bias',
  'tieWeights',
] as const;

function positiveInteger(model: string, option: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new ModelError(`${model}: ${option} must be a positive integer, got ${value}.`);
  }
  return value;
}

function flag(model: string, option: string, value: boolean): boolean {
  if (typeof value !== 'boolean') {
    throw new ModelError(`${model}: ${option} must be true or false, got ${String(value)}.`);
  }
  return value;
}

/**
 * A GPT-style decoder-only transformer (Radford et al. 2018, 2019) laid out as nanoGPT's
 * `GPT`: token embedding (`token_embedding`) plus learned positions (`position_embedding`),
 * dropout, `layers` transformer blocks (`block1` … `blockN`), a final LayerNorm (`ln_f`, for
 * the forms that need one) and the logits, through the token embedding again when tied or a
 * bias-free `Dense` named `logits` when not. Input: int32 token ids [batch, length] with
 * length ≤ contextLength; output: next-token logits [batch, length, vocabSize].
 * @throws ModelError naming an option whose value it cannot build.
 */
export function gpt(spec: GptSpec, options: GptOptions = {}): tf.LayersModel {
  const { name } = spec;
  const vocabSize = positiveInteger(name, 'vocabSize', options.vocabSize ?? spec.vocabSize);
  const contextLength = positiveInteger(
    name,
    'contextLength',
    options.contextLength ?? spec.contextLength,
  );
  const layers = positiveInteger(name, 'layers', options.layers ?? spec.layers);
  const heads = positiveInteger(name, 'heads', options.heads ?? spec.heads);
  const width = positiveInteger(name, 'width', options.width ?? spec.width);
  if (width % heads !== 0) {
    throw new ModelError(
      `${name}: width ${width} does not divide by heads ${heads}; each head takes width / heads channels.`,
    );
  }
  const residualForm = checkChoice(
    name,
    'residualForm',
    options.residualForm ?? 'pre-ln',
    TRANSFORMER_RESIDUAL_FORMS,
  );
  const dropout = options.dropout ?? spec.dropout ?? 0;
  if (!(dropout >= 0 && dropout < 1)) {
    throw new ModelError(`${name}: dropout must be in [0, 1), got ${dropout}.`);
  }
  const bias = flag(name, 'bias', options.bias ?? true);
  const tieWeights = flag(name, 'tieWeights', options.tieWeights ?? true);
  const { seed } = options;
  const kernelInitializer = gptNormalInitializers(seed);

  const tokens = tf.input({ shape: [null], dtype: 'int32', name: 'tokens' });
  const embedding = new TokenEmbedding({
    vocabSize,
    width,
    embeddingsInitializer: kernelInitializer('token_embedding'),
    name: 'token_embedding',
  });
  let x = embedding.apply(tokens) as tf.SymbolicTensor;
  x = new PositionEmbedding({
    contextLength,
    embeddingsInitializer: kernelInitializer('position_embedding'),
    name: 'position_embedding',
  }).apply(x) as tf.SymbolicTensor;
  if (dropout > 0) {
    x = new SeededDropout({ rate: dropout, seed, name: 'embedding_dropout' }).apply(
      x,
    ) as tf.SymbolicTensor;
  }
  for (let i = 1; i <= layers; i++) {
    x = transformerBlock(x, {
      heads,
      layers,
      name: `block${i}`,
      residualForm,
      bias,
      dropout,
      seed,
      kernelInitializer,
    });
  }
  if (hasFinalLayerNorm(residualForm)) x = layerNorm(x, 'ln_f', bias);
  const logits = tieWeights
    ? embedding.apply(x)
    : tf.layers
        .dense({
          units: vocabSize,
          useBias: false,
          kernelInitializer: kernelInitializer('logits'),
          name: 'logits',
        })
        .apply(x);
  return tf.model({ inputs: tokens, outputs: logits as tf.SymbolicTensor, name });
}

/**
 * Trainable parameters of a GPT, in closed form: embeddings V·D (once, when tied) and T·D,
 * per block 12·D² weights, 13·D biases and LayerNorm parameters (9·D + 2 for ReZero, which
 * has no LayerNorm but two α; + 2·D for LayerScale's λ), the final LayerNorm, and V·D more for
 * an untied output layer.
 */
export function gptParameterCount(options: Required<Omit<GptOptions, 'dropout' | 'seed'>>): number {
  const {
    vocabSize: v,
    contextLength: t,
    layers,
    width: d,
    residualForm,
    bias,
    tieWeights,
  } = options;
  const norm = bias ? 2 * d : d;
  const norms = residualForm === 'rezero' ? 0 : 2 * norm;
  const biases = bias ? 9 * d : 0;
  const scales = residualForm === 'rezero' ? 2 : residualForm === 'layerscale' ? 2 * d : 0;
  const block = 12 * d * d + biases + norms + scales;
  const final = hasFinalLayerNorm(residualForm) ? norm : 0;
  return v * d + t * d + layers * block + final + (tieWeights ? 0 : v * d);
}
