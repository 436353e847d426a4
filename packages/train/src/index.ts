export { type EvaluateOptions, type Evaluation, evaluate } from './evaluate.js';
export {
  loadModel,
  MODEL_FILE,
  ModelFileError,
  saveModel,
  WEIGHTS_FILE,
  writeFileAtomic,
} from './model-files.js';
export {
  type BatchEndInfo,
  type EpochRecord,
  type TrainCallbacks,
  type TrainOptions,
  TrainOptionsError,
  type TrainResult,
  train,
} from './train.js';
export type { TrainingData } from './training-data.js';
