import * as tf from '@tensorflow/tfjs';
import { InteropError } from './interop-error.js';
import { type StateDict, toFloat32 } from './source-tensor.js';
import { type MappedWeight, mapWeights } from './weight-mapping.js';

/** What an import matched: keys in the file's (PyTorch's) names. */
export interface ImportReport {
  /** Loaded into the model. */
  loaded: string[];
  /** Expected by the model, absent from the file. */
  missing: string[];
  /** In the file, unknown to the model. */
  unexpected: string[];
  /** In both, with different shapes (PyTorch layout): e.g. a classifier for other classes. */
  mismatched: { key: string; expected: number[]; actual: number[] }[];
}

export interface ImportOptions {
  /** Named in every error. */
  fileName: string;
  /**
   * true (default): any missing, unexpected or wrongly shaped tensor fails the import, and the
   * model is left untouched. false: loads what matches and reports the rest.
   */
  strict?: boolean;
}

function list(keys: string[]): string {
  const shown = keys.slice(0, 4).join(', ');
  return keys.length > 4 ? `${shown}, … (${keys.length - 4} more)` : shown;
}

/**
 * Loads a torchvision or timm state dict into `model` (a registry model, `model.name` its
 * registry name), converting layouts (conv OIHW → HWIO, linear [out, in] → [in, out]) and
 * mapping batch-norm running statistics to the moving statistics. `num_batches_tracked`
 * buffers are accepted and ignored.
 */
export function importWeights(
  model: tf.LayersModel,
  stateDict: StateDict,
  options: ImportOptions,
): ImportReport {
  const { fileName, strict = true } = options;
  const weights = mapWeights(model, fileName);
  const report: ImportReport = { loaded: [], missing: [], unexpected: [], mismatched: [] };
  const matched: MappedWeight[] = [];
  const known = new Set<string>();
  for (const weight of weights) {
    known.add(weight.key);
    const tensor = stateDict.get(weight.key);
    if (tensor === undefined) {
      report.missing.push(weight.key);
    } else if (tensor.shape.join(',') !== weight.torchShape.join(',')) {
      report.mismatched.push({
        key: weight.key,
        expected: weight.torchShape,
        actual: tensor.shape,
      });
    } else {
      matched.push(weight);
    }
  }
  for (const key of stateDict.keys()) {
    if (!known.has(key) && !key.endsWith('.num_batches_tracked')) report.unexpected.push(key);
  }
  const problems = [
    report.missing.length > 0 ? `missing ${list(report.missing)}` : '',
    report.unexpected.length > 0 ? `unexpected ${list(report.unexpected)}` : '',
    report.mismatched.length > 0
      ? `wrongly shaped ${list(report.mismatched.map((m) => `${m.key} (model [${m.expected.join(', ')}], file [${m.actual.join(', ')}])`))}`
      : '',
  ].filter((p) => p !== '');
  if (strict && problems.length > 0) {
    throw new InteropError(
      `${fileName}: does not fit ${model.name}: ${problems.join('; ')} (strict: false loads the matching tensors)`,
    );
  }
  for (const weight of matched) {
    const tensor = stateDict.get(weight.key)!;
    tf.tidy(() => {
      let value: tf.Tensor = tf.tensor(toFloat32(tensor), tensor.shape, 'float32');
      if (weight.fromTorch !== undefined) value = tf.transpose(value, weight.fromTorch);
      weight.variable.write(value);
    });
    report.loaded.push(weight.key);
  }
  return report;
}
