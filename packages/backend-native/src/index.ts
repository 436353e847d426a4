export {
  ACTIVATIONS,
  BINARY_OPS,
  ENTRY_POINTS,
  type NativeKernels,
} from '@residual/native-contract';
export {
  CONV_GEOMETRY_FIELDS,
  type ConvGeometry,
  convGeometryArray,
} from './conv-geometry.js';
export { loadNativeKernels, type NativeStatus, nativeStatus } from './load.js';
