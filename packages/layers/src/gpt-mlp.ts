import type * as tf from '@tensorflow/tfjs';
import { dense, residualDropout, type SublayerOptions } from './causal-self-attention.js';

/** The MLP's hidden width relative to the model's (GPT, GPT-2, nanoGPT). */
export const MLP_EXPANSION = 4;

/**
 * The transformer's position-wise MLP as GPT-2 and nanoGPT build it: a projection to 4× the
 * width with GELU (`…_mlp_fc`; the exact erf form, PyTorch's `nn.GELU()` default, which
 * nanoGPT uses), a projection back (`…_mlp_proj`) and dropout. Standard `Dense` layers only.
 */
export function gptMlp(x: tf.SymbolicTensor, options: SublayerOptions): tf.SymbolicTensor {
  const { name } = options;
  const width = x.shape[x.shape.length - 1] as number;
  const hidden = dense(
    x,
    MLP_EXPANSION * width,
    `${name}_mlp_fc`,
    options,
    options.innerGain ?? 1,
    'gelu',
  );
  const output = dense(hidden, width, `${name}_mlp_proj`, options, options.outputGain ?? 1);
  return residualDropout(output, `${name}_mlp_dropout`, options);
}
