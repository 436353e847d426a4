export { Accuracy } from './accuracy.js';
export {
  type BlockGradient,
  type BlockGradients,
  blockGradients,
  groupWeightsByBlock,
  type WeightGroup,
} from './block-gradients.js';
export {
  type CalibrationBin,
  CalibrationError,
  type CalibrationErrorOptions,
} from './calibration-error.js';
export { depthStudyChart } from './charts/depth-study-chart.js';
export {
  type GradientNormChartOptions,
  gradientNormChart,
  gradientNormChartOptions,
  type NetworkGradients,
} from './charts/gradient-norm-chart.js';
export { initStudyChart } from './charts/init-study-chart.js';
export {
  type ChartSeries,
  chartGrid,
  type LineChartOptions,
  lineChart,
  lineChartBody,
} from './charts/line-chart.js';
export { residualFormChart } from './charts/residual-form-chart.js';
export { linearScale, logScale, type Scale } from './charts/scale.js';
export { type ChartTheme, DEFAULT_THEME } from './charts/svg.js';
export { type EpochPoint, trainingCurvesChart } from './charts/training-curves-chart.js';
export {
  ClassificationMetrics,
  type ClassificationMetricsOptions,
  type ClassificationReport,
} from './classification-metrics.js';
export { ConfusionMatrix } from './confusion-matrix.js';
export {
  compareDepths,
  type DepthRun,
  type DepthStudy,
  type DepthStudyOptions,
  type DepthStudyProgress,
  type GradientSnapshot,
} from './depth-study.js';
export {
  type EvaluateClassifierOptions,
  evaluateClassifier,
  outputKind,
} from './evaluate-classifier.js';
export {
  type EvaluateSegmenterOptions,
  evaluateSegmenter,
  type MaskedBatch,
} from './evaluate-segmenter.js';
export {
  type ActivationStats,
  type GradientFlow,
  type GradientFlowOptions,
  type GradientFlowSummary,
  gradientFlow,
  type LayerGradient,
  type WeightGradient,
} from './gradient-flow.js';
export {
  INIT_SCHEMES,
  type InitMeasurement,
  type InitScheme,
  type InitStudy,
  type InitStudyOptions,
  type InitStudyProgress,
  type InitTraining,
  initStudy,
} from './init-study.js';
export type { LabelledBatch } from './labelled-batch.js';
export { LogLoss, type LogLossOptions } from './log-loss.js';
export { MetricsError } from './metrics-error.js';
export {
  type AveragedScores,
  type ClassScores,
  type IllDefinedClasses,
  type PrecisionRecallOptions,
  type PrecisionRecallReport,
  precisionRecallF1,
} from './precision-recall.js';
export { type Labels, labelValues, type Predictions, predictedClasses } from './predictions.js';
export {
  type BlockSnapshot,
  compareResidualForms,
  type InputTargetBatch,
  type ResidualFormRun,
  type ResidualFormStudy,
  type ResidualFormStudyOptions,
  type ResidualFormStudyProgress,
  type StudyOptimizer,
} from './residual-form-study.js';
export {
  SCORE_KINDS,
  type ScoreKind,
  type ScoreMatrix,
  type Scores,
  scoreMatrix,
} from './scores.js';
export {
  type Masks,
  type SegmentationClassScores,
  SegmentationMetrics,
  type SegmentationMetricsOptions,
  type SegmentationReport,
} from './segmentation-metrics.js';
export {
  TOP_K_TIES,
  TopKAccuracy,
  type TopKAccuracyOptions,
  type TopKTies,
} from './top-k-accuracy.js';
