export { InteropError } from './interop-error.js';
export { readKerasWeights } from './read-keras-weights.js';
export type { ImportReport, SourceTensor, StateDict } from './source-tensor.js';
