// The parity tests' measure (timm-parity and torchvision-parity), for tests only: our model with
// a reference's weights imported strictly, against the reference's logits.
import { createModel } from '@residual/models';
import { expect } from 'vitest';
import { importWeights } from './import-weights.js';
import { logitsDifference } from './logits-parity.js';
import type { StateDict } from './source-tensor.js';
import type { Reference } from './torch-peer.js';

/** Our model `name` at `size`×`size` with `stateDict` imported strictly, against the reference. */
export function importedLogitsDifference(
  name: string,
  stateDict: StateDict,
  reference: Reference,
  size: number,
): number {
  const model = createModel(name, { inputShape: [size, size, 3] });
  const report = importWeights(model, stateDict, { fileName: 'weights' });
  expect(report.missing.length + report.unexpected.length + report.mismatched.length).toBe(0);
  const result = logitsDifference(
    model,
    reference.tensors.get(`input_${size}`)!,
    reference.tensors.get(`logits_${size}`)!,
  );
  model.dispose();
  return result;
}
