import type { ImportReport } from '@residual/interop';
import { createModel, getModelEntry, replaceClassifier } from '@residual/models';
import type * as tf from '@tensorflow/tfjs';
import { applyWeights, type WeightsFile } from './weights-file.js';

export interface PretrainedOptions {
  inputShape?: readonly [number, number, number];
  /**
   * Classes the model must output. When the weights' classifier has another count, the
   * backbone is loaded strictly and the classifier replaced by a fresh one (fine-tuning).
   * Default: the weights' own count.
   */
  numClasses?: number;
  seed?: number;
}

/**
 * The registered model `name` with `weights` loaded: every tensor must match (strict), except
 * that the classifier may have another class count than `numClasses`. Returns the model and
 * the class count the weights were trained for.
 * @throws InteropError naming the file and the missing, unexpected or mismatched tensors.
 */
export function pretrainedModel(
  name: string,
  weights: WeightsFile,
  options: PretrainedOptions = {},
): { model: tf.LayersModel; sourceClasses: number } {
  const entry = getModelEntry(name);
  const wanted = options.numClasses ?? entry.defaultNumClasses;
  // torchvision publishes FCN and DeepLabv3 with their auxiliary head; one trained with
  // aux_loss=False (torchvision's default without weights) has none.
  const aux = entry.options.includes('aux') ? { aux: hasAuxiliaryHead(weights) } : {};
  const build = (numClasses: number) =>
    createModel(name, { inputShape: options.inputShape, numClasses, seed: options.seed, ...aux });
  const first = build(wanted);
  const report = applyWeights(first, weights, false);
  if (report.missing.length + report.unexpected.length + report.mismatched.length === 0) {
    return { model: first, sourceClasses: wanted };
  }
  const source = classifierClasses(report, wanted, first.outputs.length);
  // Anything but a classifier of another size: the strict import reports it, naming the keys.
  const model = source === undefined ? first : build(source);
  applyWeights(model, weights, true);
  if (source === undefined) return { model, sourceClasses: wanted };
  return {
    model:
      options.numClasses === undefined
        ? model
        : replaceClassifier(model, options.numClasses, { seed: options.seed }),
    sourceClasses: source,
  };
}

/** Whether a PyTorch file holds torchvision's auxiliary segmentation head. */
function hasAuxiliaryHead(weights: WeightsFile): boolean {
  if (weights.library !== 'torch') return true;
  return [...weights.stateDict.keys()].some((key) => key.startsWith('aux_classifier.'));
}

/**
 * The class count of the weights' classifier, when the only tensors that differ from a model
 * built for `wanted` classes are shaped like a classifier (weight and bias per output: the
 * main and auxiliary heads of a segmentation model) for another count.
 */
function classifierClasses(
  report: ImportReport,
  wanted: number,
  outputs: number,
): number | undefined {
  if (report.missing.length > 0 || report.unexpected.length > 0) return undefined;
  const counts = new Set<number>();
  for (const { expected, actual } of report.mismatched) {
    if (expected.length !== actual.length) return undefined;
    const differing = expected.flatMap((size, i) => (size === actual[i] ? [] : [i]));
    if (differing.length !== 1 || expected[differing[0]] !== wanted) return undefined;
    counts.add(actual[differing[0]]);
  }
  return counts.size === 1 && report.mismatched.length <= 2 * outputs ? [...counts][0] : undefined;
}
