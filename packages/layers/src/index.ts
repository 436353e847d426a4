export { type BasicBlockOptions, basicBlock } from './basic-block.js';
export {
  BATCH_NORM_EPSILON,
  BATCH_NORM_MOMENTUM,
  batchNorm,
  type ConvBnOptions,
  convBn,
  relu,
} from './conv-bn.js';
export {
  heNormalInitializers,
  type Initializer,
  type KernelInitializerFactory,
  layerSeed,
} from './initializers.js';
export { SHORTCUT_KINDS, type ShortcutKind, type ShortcutOptions, shortcut } from './shortcut.js';
