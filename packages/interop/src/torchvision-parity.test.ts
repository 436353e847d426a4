// Weights from the real torchvision (random weights and batch-norm statistics, made by
// python/torch_reference.py) imported into our registry models give torchvision's logits, at
// 224×224 and at the odd sizes where padding and rounding differ. See torch-peer.ts for the
// Python peer (skipped with a printed reason where it is missing, required under CI).
import { initBackend } from '@residual/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importedLogitsDifference } from './imported-logits-difference.js';
import { readPth } from './read-pth.js';
import { readSafetensors } from './read-safetensors.js';
import { makeReference, peerAvailable, type Reference } from './torch-peer.js';

const TOLERANCE = 1e-4;
const SIZES = [224, 225, 199];

beforeAll(async () => {
  await initBackend();
});

describe.skipIf(!peerAvailable('torchvision'))('torchvision parity', () => {
  for (const name of ['resnet18', 'resnet50']) {
    describe(name, () => {
      let reference: Reference;
      beforeAll(() => {
        reference = makeReference('torchvision', name, { sizes: SIZES });
      }, 300_000);
      afterAll(() => reference?.remove());

      it(`.pth gives torchvision's logits within ${TOLERANCE} at ${SIZES.join(', ')}`, () => {
        const stateDict = readPth(reference.weights.pth, 'weights.pth');
        for (const size of SIZES) {
          expect(
            importedLogitsDifference(name, stateDict, reference, size),
            `${size}×${size}`,
          ).toBeLessThanOrEqual(TOLERANCE);
        }
      }, 120_000);

      it('.safetensors gives the same logits', () => {
        const stateDict = readSafetensors(reference.weights.safetensors, 'weights.safetensors');
        expect(importedLogitsDifference(name, stateDict, reference, 199)).toBeLessThanOrEqual(
          TOLERANCE,
        );
      }, 60_000);
    });
  }
});
