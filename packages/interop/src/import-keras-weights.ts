import * as tf from '@tensorflow/tfjs';
import { InteropError } from './interop-error.js';
import { kerasLayerName } from './keras-layer-names.js';
import type { ImportReport, StateDict } from './source-tensor.js';

/** Batch-norm epsilon of Keras applications' ResNets (ours is PyTorch's 1e-5). */
export const KERAS_RESNET_BN_EPSILON = 1.001e-5;

export interface ImportKerasWeightsOptions {
  /** Named in every error. */
  fileName: string;
  /**
   * Refuse (and load nothing) when a weight is missing, unexpected or wrongly shaped. With
   * false, load what fits and report the rest. Default true.
   */
  strict?: boolean;
  /** The epsilon of the source model's batch norms. Default 1.001e-5, Keras applications'. */
  batchNormEpsilon?: number;
}

interface Assignment {
  variable: tf.LayerVariable;
  key: string;
  /** Added to the values: makes `variance + our ε` equal `variance + Keras' ε`. */
  offset: number;
}

/**
 * Loads Keras weights (from {@link readKerasWeights}) into one of our models by layer name:
 * `resnet50v2`, `resnet101v2`, `resnet152v2` take keras.applications' ResNet50V2/101V2/152V2
 * weights and then compute the same function (their kernels share Keras' layout). Batch-norm
 * variances absorb the difference between Keras' epsilon and the model's, so that
 * `variance + ε` is Keras' exactly.
 */
export function importKerasWeights(
  model: tf.LayersModel,
  weights: StateDict,
  options: ImportKerasWeightsOptions,
): ImportReport {
  const { fileName } = options;
  const sourceEpsilon = options.batchNormEpsilon ?? KERAS_RESNET_BN_EPSILON;
  const report: ImportReport = { loaded: [], missing: [], unexpected: [], mismatched: [] };
  const assignments: Assignment[] = [];
  const used = new Set<string>();
  for (const layer of model.layers) {
    const layerName = kerasLayerName(layer.name);
    const epsilon = layer.getClassName() === 'BatchNormalization' ? layer.getConfig().epsilon : 0;
    for (const variable of layer.weights) {
      const short = variable.originalName.split('/').pop() as string;
      const key = `${layerName}/${short}`;
      const tensor = weights.get(key);
      if (tensor === undefined) {
        report.missing.push(key);
        continue;
      }
      used.add(key);
      if (!sameShape(tensor.shape, variable.shape)) {
        report.mismatched.push({
          key,
          expected: variable.shape as number[],
          actual: [...tensor.shape],
        });
        continue;
      }
      const offset =
        short === 'moving_variance' && typeof epsilon === 'number' ? sourceEpsilon - epsilon : 0;
      assignments.push({ variable, key, offset });
    }
  }
  report.unexpected = [...weights.keys()].filter((key) => !used.has(key));
  if ((options.strict ?? true) && !fits(report)) {
    throw new InteropError(`${fileName}: does not fit model ${model.name}: ${describe(report)}.`);
  }
  for (const { variable, key, offset } of assignments) {
    const { data } = weights.get(key) as { data: Float32Array };
    const values = offset === 0 ? data : data.map((v) => v + offset);
    tf.tidy(() => {
      variable.write(tf.tensor(values, variable.shape as number[], 'float32'));
    });
    report.loaded.push(key);
  }
  return report;
}

function sameShape(a: readonly number[], b: readonly (number | null)[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function fits(report: ImportReport): boolean {
  return (
    report.missing.length === 0 && report.unexpected.length === 0 && report.mismatched.length === 0
  );
}

/** The problems of a report in one line, the first few keys of each kind. */
function describe(report: ImportReport): string {
  const list = (keys: string[]) =>
    keys.slice(0, 3).join(', ') + (keys.length > 3 ? `, … ${keys.length - 3} more` : '');
  const parts: string[] = [];
  if (report.missing.length > 0) {
    parts.push(`${report.missing.length} missing (${list(report.missing)})`);
  }
  if (report.unexpected.length > 0) {
    parts.push(`${report.unexpected.length} unexpected (${list(report.unexpected)})`);
  }
  if (report.mismatched.length > 0) {
    const shapes = report.mismatched.map(
      (m) => `${m.key} [${m.expected.join(', ')}] vs file [${m.actual.join(', ')}]`,
    );
    parts.push(`${report.mismatched.length} wrongly shaped (${list(shapes)})`);
  }
  return `${parts.join('; ')}; pass strict: false to load what fits`;
}
