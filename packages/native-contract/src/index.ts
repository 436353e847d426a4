export { ENTRY_POINTS, type EntryPointName } from './entry-points.js';
export {
  ACTIVATIONS,
  type ActivationCode,
  type ActivationName,
  BINARY_OPS,
  type BinaryOpCode,
  type BinaryOpName,
} from './native-codes.js';
export type { NativeKernels } from './native-kernels.js';
