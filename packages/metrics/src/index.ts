export { Accuracy } from './accuracy.js';
export { ConfusionMatrix } from './confusion-matrix.js';
export { type Labels, labelValues, type Predictions, predictedClasses } from './predictions.js';
