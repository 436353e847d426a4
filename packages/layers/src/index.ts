export { type BasicBlockOptions, basicBlock } from './basic-block.js';
export { BatchNormalization } from './batch-normalization.js';
export {
  BOTTLENECK_EXPANSION,
  type BottleneckBlockOptions,
  bottleneckBlock,
} from './bottleneck-block.js';
export { CausalAttention, type CausalAttentionArgs } from './causal-attention.js';
export {
  type CausalSelfAttentionOptions,
  causalSelfAttention,
  type SublayerOptions,
} from './causal-self-attention.js';
export { ChannelScale, type ChannelScaleArgs } from './channel-scale.js';
export {
  BATCH_NORM_EPSILON,
  BATCH_NORM_MOMENTUM,
  batchNorm,
  type ConvBnOptions,
  type ConvOptions,
  conv,
  convBn,
  NORMALIZATIONS,
  type Normalization,
  relu,
} from './conv-bn.js';
export { CUSTOM_LAYER_CLASS_NAMES, customLayerClassNames } from './custom-layers.js';
export { DropPath, type DropPathArgs, stochasticDepthRate } from './drop-path.js';
export { GeluActivation } from './gelu-activation.js';
export { gptMlp, MLP_EXPANSION } from './gpt-mlp.js';
export { GroupNormalization, type GroupNormalizationArgs } from './group-normalization.js';
export { GroupedConv2D, type GroupedConv2DArgs } from './grouped-conv2d.js';
export {
  GPT_INIT_STDDEV,
  gptNormalInitializers,
  heNormalInitializers,
  type Initializer,
  type KernelInitializerFactory,
  layerSeed,
} from './initializers.js';
export {
  INTERPOLATION_MODES,
  Interpolate,
  type InterpolateArgs,
  type InterpolationMode,
} from './interpolate.js';
export type { LayerArgs, SerializedInitializer } from './layer-config.js';
export { LayerError } from './layer-error.js';
export { LAYER_NORM_EPSILON, layerNorm } from './layer-norm.js';
export { LayerNormalization } from './layer-normalization.js';
export { LAYER_SCALE_INIT, layerScale } from './layer-scale.js';
export { maskCounts, setMaskCounts } from './mask-counts.js';
export { PositionEmbedding, type PositionEmbeddingArgs } from './position-embedding.js';
export { type PreActBlockOptions, preActBasicBlock } from './pre-act-basic-block.js';
export {
  type PreActBottleneckBlockOptions,
  preActBottleneckBlock,
} from './pre-act-bottleneck-block.js';
export { registerCustomLayers } from './register-custom-layers.js';
export {
  RESIDUAL_SCALES,
  type ResidualBlockOptions,
  type ResidualScale,
} from './residual-branch.js';
export { ScalarBias } from './scalar-bias.js';
export { ScalarMultiply, type ScalarMultiplyArgs } from './scalar-multiply.js';
export { SeededDropout, type SeededDropoutArgs } from './seeded-dropout.js';
export { SHORTCUT_KINDS, type ShortcutKind, type ShortcutOptions, shortcut } from './shortcut.js';
export {
  type SqueezeExcitationOptions,
  squeezeChannels,
  squeezeExcitation,
} from './squeeze-excitation.js';
export { TokenEmbedding, type TokenEmbeddingArgs } from './token-embedding.js';
export {
  caitLayerScaleInit,
  deepNormConstants,
  hasFinalLayerNorm,
  TRANSFORMER_RESIDUAL_FORMS,
  type TransformerBlockOptions,
  type TransformerResidualForm,
  transformerBlock,
} from './transformer-block.js';
