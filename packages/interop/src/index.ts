export { type ExportOnnxOptions, exportOnnx } from './export-onnx.js';
export {
  type ImportKerasWeightsOptions,
  importKerasWeights,
  KERAS_RESNET_BN_EPSILON,
} from './import-keras-weights.js';
export { type ImportOptions, type ImportReport, importWeights } from './import-weights.js';
export { InteropError } from './interop-error.js';
export { readKerasWeights } from './read-keras-weights.js';
export { readPth } from './read-pth.js';
export { readSafetensors } from './read-safetensors.js';
export { readWeightsFile } from './read-weights-file.js';
export {
  SOURCE_DTYPES,
  type SourceData,
  type SourceDtype,
  type SourceTensor,
  type StateDict,
  toFloat32,
} from './source-tensor.js';
export { toStateDict } from './to-state-dict.js';
export { TORCH_MODELS, torchLibraryOf } from './torch-models.js';
export { writePth } from './write-pth.js';
export { writeSafetensors } from './write-safetensors.js';
