export { type ExportOnnxOptions, exportOnnx } from './export-onnx.js';
export {
  type ImportKerasWeightsOptions,
  importKerasWeights,
  KERAS_RESNET_BN_EPSILON,
} from './import-keras-weights.js';
export { InteropError } from './interop-error.js';
export { readKerasWeights } from './read-keras-weights.js';
export type { ImportReport, SourceTensor, StateDict } from './source-tensor.js';
