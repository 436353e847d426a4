import * as tf from '@tensorflow/tfjs';
import { causalSelfAttention, type SublayerOptions } from './causal-self-attention.js';
import { ChannelScale } from './channel-scale.js';
import { gptMlp } from './gpt-mlp.js';
import type { KernelInitializerFactory } from './initializers.js';
import { LayerError } from './layer-error.js';
import { layerNorm } from './layer-norm.js';
import { ScalarMultiply } from './scalar-multiply.js';

/**
 * Where a transformer block normalises and how it adds its sublayers f (attention, then MLP)
 * to the residual stream x:
 * - `pre-ln`: x + f(LN(x)) (GPT-2; Xiong et al. 2020 show it trains without warm-up);
 * - `post-ln`: LN(x + f(x)) (the original Transformer, Vaswani et al. 2017);
 * - `none`: f(LN(x)), no shortcut: the plain twin of `pre-ln`;
 * - `rezero`: x + α·f(x), one learned α per sublayer starting at 0, no LayerNorm
 *   (Bachlechner et al. 2020);
 * - `deepnorm`: LN(α·x + f(x)) with α = (2N)^¼ and the values, output and MLP weights
 *   initialised × β = (8N)^−¼ for N decoder blocks (Wang et al. 2022, DeepNet);
 * - `layerscale`: x + diag(λ)·f(LN(x)), a learned factor per channel starting small
 *   (Touvron et al. 2021, CaiT).
 */
export type TransformerResidualForm =
  | 'pre-ln'
  | 'post-ln'
  | 'none'
  | 'rezero'
  | 'deepnorm'
  | 'layerscale';
export const TRANSFORMER_RESIDUAL_FORMS: readonly TransformerResidualForm[] = [
  'pre-ln',
  'post-ln',
  'none',
  'rezero',
  'deepnorm',
  'layerscale',
];

export interface TransformerBlockOptions {
  /** Attention heads; must divide the width. */
  heads: number;
  /** Layer name prefix, e.g. `block1`. */
  name: string;
  /** Blocks in the whole network, N: GPT-2's and DeepNorm's initial scales depend on it. */
  layers: number;
  /** Initial weights by layer name: `gptNormalInitializers(seed)` for GPT-2's. */
  kernelInitializer: KernelInitializerFactory;
  /** Default 'pre-ln'. */
  residualForm?: TransformerResidualForm;
  /** Biases on the projections and LayerNorms (GPT-2, nanoGPT's default). Default true. */
  bias?: boolean;
  /** Dropout on attention weights and on each sublayer's output while training. Default 0. */
  dropout?: number;
  /** Seeds the dropout masks. Default: unseeded. */
  seed?: number;
  /** LayerScale's initial λ. Default CaiT's rule for N blocks (`caitLayerScaleInit`). */
  layerScaleInit?: number;
}

/** DeepNorm's constants for a decoder of N blocks (Wang et al. 2022, Table 1, decoder-only). */
export function deepNormConstants(layers: number): { alpha: number; beta: number } {
  return { alpha: (2 * layers) ** 0.25, beta: (8 * layers) ** -0.25 };
}

/** CaiT's initial λ (Touvron et al. 2021, §2.1): 0.1 up to 18 blocks, 1e-5 to 24, then 1e-6. */
export function caitLayerScaleInit(layers: number): number {
  if (layers <= 18) return 0.1;
  return layers <= 24 ? 1e-5 : 1e-6;
}

/**
 * Whether a network of these blocks ends with a LayerNorm before its output layer: the
 * forms whose stream is not normalised by the blocks themselves (`pre-ln`, `none`,
 * `layerscale`), as GPT-2 does. `post-ln` and `deepnorm` blocks end in one already; `rezero`
 * has none at all.
 */
export function hasFinalLayerNorm(form: TransformerResidualForm): boolean {
  return form === 'pre-ln' || form === 'none' || form === 'layerscale';
}

/**
 * A GPT transformer block on [batch, length, width]: causal self-attention, then the MLP,
 * each joined to the residual stream as `residualForm` says. Layers are named from `name`:
 * `…_ln1`, `…_attn_*`, `…_add1`, `…_ln2`, `…_mlp_*`, `…_add2`, and `…_attn_scale`,
 * `…_mlp_scale` (ReZero's α, LayerScale's λ) or `…_attn_alpha`, `…_mlp_alpha` (DeepNorm's α).
 */
export function transformerBlock(
  x: tf.SymbolicTensor,
  options: TransformerBlockOptions,
): tf.SymbolicTensor {
  const { name, layers, heads } = options;
  const form = options.residualForm ?? 'pre-ln';
  if (!TRANSFORMER_RESIDUAL_FORMS.includes(form)) {
    throw new LayerError(
      `${name}: residualForm must be one of ${TRANSFORMER_RESIDUAL_FORMS.map((f) => `'${f}'`).join(', ')}, got '${form}'.`,
    );
  }
  if (!Number.isInteger(layers) || layers < 1) {
    throw new LayerError(`${name}: layers must be a positive integer, got ${layers}.`);
  }
  const width = x.shape[x.shape.length - 1];
  if (width === null || !Number.isInteger(heads) || heads < 1 || width % heads !== 0) {
    throw new LayerError(
      `${name}: the width (${width}) must be divisible by the number of heads (${heads}).`,
    );
  }
  const bias = options.bias ?? true;
  const { alpha, beta } = deepNormConstants(layers);
  const sublayer: SublayerOptions = {
    name,
    kernelInitializer: options.kernelInitializer,
    bias,
    dropout: options.dropout ?? 0,
    seed: options.seed,
    // GPT-2 (and nanoGPT) shrink each projection into the stream by 1/√(2N); DeepNorm's β
    // takes its place, on the values and the MLP's first layer too.
    outputGain: form === 'deepnorm' ? beta : 1 / Math.sqrt(2 * layers),
    innerGain: form === 'deepnorm' ? beta : 1,
  };
  const lambda = options.layerScaleInit ?? caitLayerScaleInit(layers);
  const functions = [
    (h: tf.SymbolicTensor) => causalSelfAttention(h, { ...sublayer, heads }),
    (h: tf.SymbolicTensor) => gptMlp(h, sublayer),
  ];
  const short = ['attn', 'mlp'];
  const apply = (layer: tf.layers.Layer, input: tf.SymbolicTensor | tf.SymbolicTensor[]) =>
    layer.apply(input) as tf.SymbolicTensor;
  const add = (a: tf.SymbolicTensor, b: tf.SymbolicTensor, i: number) =>
    apply(tf.layers.add({ name: `${name}_add${i}` }), [a, b]);
  const ln = (h: tf.SymbolicTensor, i: number) => layerNorm(h, `${name}_ln${i}`, bias);

  let stream = x;
  for (const [index, f] of functions.entries()) {
    const i = index + 1;
    const part = `${name}_${short[index]}`;
    switch (form) {
      case 'pre-ln':
        stream = add(stream, f(ln(stream, i)), i);
        break;
      case 'post-ln':
        stream = ln(add(stream, f(stream), i), i);
        break;
      case 'none':
        stream = f(ln(stream, i));
        break;
      case 'rezero':
        stream = add(stream, apply(new ScalarMultiply({ name: `${part}_scale` }), f(stream)), i);
        break;
      case 'deepnorm': {
        const scaled = apply(tf.layers.rescaling({ scale: alpha, name: `${part}_alpha` }), stream);
        stream = ln(add(scaled, f(stream), i), i);
        break;
      }
      case 'layerscale': {
        const scale = new ChannelScale({ initialValue: lambda, name: `${part}_scale` });
        stream = add(stream, apply(scale, f(ln(stream, i))), i);
        break;
      }
    }
  }
  return stream;
}
