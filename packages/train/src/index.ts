export { AdamW, type AdamWOptions } from './adamw.js';
export {
  CHECKSUMS_FILE,
  type Checkpoint,
  CheckpointError,
  type CheckpointState,
  checkpointStep,
  type EpochProgress,
  latestCheckpoint,
  listCheckpoints,
  OPTIMIZER_FILE,
  pruneCheckpoints,
  readCheckpoint,
  STATE_FILE,
  writeCheckpoint,
} from './checkpoints.js';
export { DivergenceError } from './divergence-error.js';
export { type EvaluateOptions, type Evaluation, evaluate } from './evaluate.js';
export {
  type EvaluateLanguageOptions,
  evaluateLanguageModel,
  evaluationWindows,
  type LanguageEvaluation,
} from './evaluate-language-model.js';
export {
  type EvaluateSegmentationOptions,
  evaluateSegmentation,
  type SegmentationEvaluation,
} from './evaluate-segmentation.js';
export { type GenerateTextOptions, generateText, sampleToken } from './generate-text.js';
export type { LanguageFingerprint } from './language-fingerprint.js';
export { languageModelContext } from './language-model-context.js';
export {
  type LanguageRecipe,
  languageSchedule,
  type NanoGptRecipeOptions,
  nanoGptRecipe,
} from './language-recipe.js';
export type {
  LanguageCallbacks,
  LanguageRecord,
  LanguageTrainingData,
  StepEndInfo,
} from './language-training-data.js';
export { type GraphStep, type LayerGraph, layerGraph } from './layer-graph.js';
export { maskCounts, restoreMaskCounts } from './mask-counts.js';
export {
  loadModel,
  MODEL_FILE,
  ModelFileError,
  type ModelFiles,
  modelArtifacts,
  saveModel,
  WEIGHTS_FILE,
  writeFileAtomic,
} from './model-files.js';
export { nextTokenCorrect, nextTokenLoss } from './next-token-loss.js';
export { NgramModel } from './ngram-baseline.js';
export type { Optimizer, OptimizerKind } from './optimizer.js';
export type { Recipe, RunShape } from './recipe.js';
export {
  type ModernRecipeOptions,
  modernRecipe,
  PAPER_WARMUP_STEPS,
  type PaperRecipeOptions,
  paperRecipe,
  quickRecipe,
  RECIPE_NAMES,
  RECIPES,
  type RecipeName,
  recipeByName,
  type SgdRecipeOptions,
  sgdRecipe,
  weightedLayerCount,
} from './recipes.js';
export { type RecomputeOption, recomputingForward, type Segments } from './recompute.js';
export {
  backendMemoryLimit,
  planForward,
  planRecompute,
  type RecomputePlan,
  WASM_HEAP_BYTES,
} from './recompute-plan.js';
export { interpolationWeights, resizeToMask } from './resize-to-mask.js';
export {
  CHECKPOINTS_DIR,
  checkWritableDirectory,
  configDifference,
  createDirectory,
  inspectRunDirectory,
  type OpenedRun,
  openRunDirectory,
  RUN_FILE,
  type RunConfig,
  RunDirectoryError,
  readRunConfig,
} from './run-directory.js';
export {
  type ConstantWarmupOptions,
  type CosineOptions,
  constantSchedule,
  constantWarmup,
  cosineSchedule,
  type LearningRateSchedule,
  type LinearWarmupOptions,
  linearWarmup,
  type MultiStepOptions,
  multiStep,
  type OneCycleOptions,
  oneCycle,
  type StepDecayOptions,
  stepDecay,
} from './schedules.js';
export {
  diceLoss,
  type PixelCrossEntropyOptions,
  pixelCrossEntropy,
  SEGMENTATION_LOSSES,
  type SegmentationLossName,
  type SegmentationLossOptions,
  segmentationLoss,
} from './segmentation-loss.js';
export { checkSegmentationLoss, checkSegmentationModel } from './segmentation-options.js';
export type {
  SegmentationCallbacks,
  SegmentationEpochRecord,
  SegmentationFingerprint,
  SegmentationTrainingData,
} from './segmentation-training-data.js';
export { SgdMomentum, type SgdMomentumOptions } from './sgd-momentum.js';
export {
  ACTIVATION_FACTOR,
  bytesAt,
  type StepMemory,
  stepMemory,
} from './step-memory.js';
export {
  describeShortfall,
  isOutOfMemory,
  StepMemoryError,
  type StepMemoryShortfall,
} from './step-memory-error.js';
export {
  type CheckpointOptions,
  type TrainOptions,
  type TrainResult,
  train,
} from './train.js';
export type {
  BatchEndInfo,
  BatchStartInfo,
  CheckpointInfo,
  EpochRecord,
  TrainCallbacks,
} from './train-callbacks.js';
export {
  type TrainLanguageModelOptions,
  type TrainLanguageModelResult,
  trainLanguageModel,
} from './train-language-model.js';
export { TrainOptionsError } from './train-options-error.js';
export {
  type TrainSegmentationOptions,
  type TrainSegmentationResult,
  trainSegmentation,
} from './train-segmentation.js';
export type { TrainingData } from './training-data.js';
export type { TrainingFingerprint } from './training-fingerprint.js';
export type { WeightDecayTarget } from './weight-decay.js';
