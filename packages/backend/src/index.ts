export {
  type AdamWUpdateAttrs,
  type AdamWUpdateResult,
  adamwUpdate,
} from './adamw-update.js';
export {
  type BackendName,
  BROWSER_BACKENDS,
  isBackendName,
  isNode,
  KNOWN_BACKENDS,
  NODE_BACKENDS,
  preferredBackends,
} from './backend-names.js';
export { type BatchNormTrainingResult, batchNormTraining } from './batch-norm-training.js';
export { causalSoftmax } from './causal-softmax.js';
export { registerDilatedConvolutions } from './dilated-convolutions.js';
export { gelu } from './gelu.js';
export {
  availableBackends,
  type InitBackendOptions,
  initBackend,
  nativeKernelStatus,
} from './init-backend.js';
export type { NativeKernelStatus } from './kernels/native/addon.js';
export {
  type RegisterTrainingKernelsOptions,
  registerTrainingKernels,
} from './kernels/register-training-kernels.js';
export { layerNorm } from './layer-norm.js';
export { installLeanBackprop, uninstallLeanBackprop } from './lean-backprop.js';
export { type MemoryReport, memoryReport } from './memory.js';
export { movingAverageUpdate } from './moving-average-update.js';
export { BackendError, isResidualError, ResidualError } from './residual-error.js';
export { Rng, seededPermutation } from './rng.js';
export {
  type SgdMomentumUpdateAttrs,
  type SgdMomentumUpdateResult,
  sgdMomentumUpdate,
} from './sgd-momentum-update.js';
