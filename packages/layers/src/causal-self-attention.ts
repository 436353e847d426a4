import * as tf from '@tensorflow/tfjs';
import { CausalAttention } from './causal-attention.js';
import type { KernelInitializerFactory } from './initializers.js';
import { SeededDropout } from './seeded-dropout.js';

/** What the attention and MLP sublayers of a transformer block take. */
export interface SublayerOptions {
  /** Layer name prefix, e.g. `block1`; the sublayer adds `_attn_…` or `_mlp_…`. */
  name: string;
  /** Initial weights by layer name: `gptNormalInitializers(seed)` for GPT-2's N(0, 0.02²). */
  kernelInitializer: KernelInitializerFactory;
  /** Biases on every projection (GPT-2, nanoGPT's default). Default true. */
  bias?: boolean;
  /** Dropout on the sublayer's output (and on attention weights) while training. Default 0. */
  dropout?: number;
  /** Seeds the dropout masks. Default: unseeded. */
  seed?: number;
  /**
   * Gain on the initial standard deviation of the projection that writes into the residual
   * stream: GPT-2's 1/√(2·layers), DeepNorm's β. Default 1.
   */
  outputGain?: number;
  /** Gain on the other weights that DeepNorm scales by β (values, MLP input). Default 1. */
  innerGain?: number;
}

export interface CausalSelfAttentionOptions extends SublayerOptions {
  /** Number of heads; must divide the input's width. */
  heads: number;
}

export function dense(
  x: tf.SymbolicTensor,
  units: number,
  name: string,
  options: SublayerOptions,
  gain: number,
  activation?: 'gelu',
): tf.SymbolicTensor {
  return tf.layers
    .dense({
      units,
      activation,
      useBias: options.bias ?? true,
      kernelInitializer: options.kernelInitializer(name, gain),
      name,
    })
    .apply(x) as tf.SymbolicTensor;
}

/** The sublayer's residual dropout, when it has one. */
export function residualDropout(
  x: tf.SymbolicTensor,
  name: string,
  options: SublayerOptions,
): tf.SymbolicTensor {
  const rate = options.dropout ?? 0;
  if (rate === 0) return x;
  return new SeededDropout({ rate, seed: options.seed, name }).apply(x) as tf.SymbolicTensor;
}

/**
 * Causal multi-head self-attention on [batch, length, width]: query, key and value
 * projections (`…_attn_query`, `…_attn_key`, `…_attn_value`, as Keras' `MultiHeadAttention`
 * names them), the attention itself (`CausalAttention`, `…_attn`), the output projection
 * (`…_attn_proj`, nanoGPT's `c_proj`) and its dropout. Same shape out.
 */
export function causalSelfAttention(
  x: tf.SymbolicTensor,
  options: CausalSelfAttentionOptions,
): tf.SymbolicTensor {
  const { name, heads } = options;
  const width = x.shape[x.shape.length - 1] as number;
  const inner = options.innerGain ?? 1;
  const query = dense(x, width, `${name}_attn_query`, options, 1);
  const key = dense(x, width, `${name}_attn_key`, options, 1);
  const value = dense(x, width, `${name}_attn_value`, options, inner);
  const attention = new CausalAttention({
    heads,
    dropout: options.dropout ?? 0,
    seed: options.seed,
    name: `${name}_attn`,
  }).apply([query, key, value]) as tf.SymbolicTensor;
  const output = dense(attention, width, `${name}_attn_proj`, options, options.outputGain ?? 1);
  return residualDropout(output, `${name}_attn_dropout`, options);
}
