export {
  CONV_GEOMETRY_FIELDS,
  type ConvGeometry,
  convGeometryArray,
} from './conv-geometry.js';
export {
  ACTIVATIONS,
  BINARY_OPS,
  loadNativeKernels,
  type NativeKernels,
  type NativeStatus,
  nativeStatus,
} from './load.js';
