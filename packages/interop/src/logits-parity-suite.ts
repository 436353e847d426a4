// The parity suite that timm-parity and torchvision-parity share, for tests only: weights made
// by the real library (python/torch_reference.py) imported strictly into our model of the same
// name give the library's logits, from .pth and from .safetensors. Python peer: torch-peer.ts.
import { initBackend } from '@residual/backend';
import { createModel } from '@residual/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importWeights } from './import-weights.js';
import { logitsDifference } from './logits-parity.js';
import { readPth } from './read-pth.js';
import { readSafetensors } from './read-safetensors.js';
import type { StateDict } from './source-tensor.js';
import { makeReference, peerAvailable, type Reference, type TorchLibrary } from './torch-peer.js';

export const TOLERANCE = 1e-4;
/** 224×224 and the odd sizes where padding and rounding differ. */
const SIZES = [224, 225, 199];

/** Our model `name` at `size`×`size` with `stateDict` imported strictly, against the reference. */
function importedLogitsDifference(
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

/**
 * `describe(`${library} parity`)`, skipped with a printed reason where the peer is missing:
 * per model, the .pth and .safetensors tests, then the tests `more` adds (given the reference).
 */
export function describeLogitsParity(options: {
  library: TorchLibrary;
  models: readonly string[];
  /** How the .safetensors test names the format, e.g. '.safetensors (the hub format)'. */
  safetensorsTitle: string;
  more?: (name: string, reference: () => Reference) => void;
}): void {
  const { library } = options;
  beforeAll(async () => {
    await initBackend();
  });

  describe.skipIf(!peerAvailable(library))(`${library} parity`, () => {
    for (const name of options.models) {
      describe(name, () => {
        let reference: Reference;
        beforeAll(() => {
          reference = makeReference(library, name, { sizes: SIZES });
        }, 300_000);
        afterAll(() => reference?.remove());

        it(`.pth gives ${library}'s logits within ${TOLERANCE} at ${SIZES.join(', ')}`, () => {
          const stateDict = readPth(reference.weights.pth, 'weights.pth');
          for (const size of SIZES) {
            expect(
              importedLogitsDifference(name, stateDict, reference, size),
              `${size}×${size}`,
            ).toBeLessThanOrEqual(TOLERANCE);
          }
        }, 120_000);

        it(`${options.safetensorsTitle} gives the same logits`, () => {
          const stateDict = readSafetensors(reference.weights.safetensors, 'weights.safetensors');
          expect(importedLogitsDifference(name, stateDict, reference, 199)).toBeLessThanOrEqual(
            TOLERANCE,
          );
        }, 60_000);

        options.more?.(name, () => reference);
      });
    }
  });
}
