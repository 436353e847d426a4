// Weights from the real timm (random weights and batch-norm statistics, made by
// python/torch_reference.py in the .venv-timm virtual environment) imported into our
// timm-named models give timm's logits at 224×224 and the odd sizes. Python peer: torch-peer.ts.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@residual/backend';
import { createModel } from '@residual/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importWeights } from './import-weights.js';
import { importedLogitsDifference } from './imported-logits-difference.js';
import { logitsDifference } from './logits-parity.js';
import { readPth } from './read-pth.js';
import { readSafetensors } from './read-safetensors.js';
import { toStateDict } from './to-state-dict.js';
import { makeReference, peerAvailable, type Reference, runTorchReference } from './torch-peer.js';
import { writeSafetensors } from './write-safetensors.js';

const TOLERANCE = 1e-4;
const SIZES = [224, 225, 199];

beforeAll(async () => {
  await initBackend();
});

describe.skipIf(!peerAvailable('timm'))('timm parity', () => {
  for (const name of ['resnet50d', 'seresnet50']) {
    describe(name, () => {
      let reference: Reference;
      beforeAll(() => {
        reference = makeReference('timm', name, { sizes: SIZES });
      }, 300_000);
      afterAll(() => reference?.remove());

      it(`.pth gives timm's logits within ${TOLERANCE} at ${SIZES.join(', ')}`, () => {
        const stateDict = readPth(reference.weights.pth, 'weights.pth');
        for (const size of SIZES) {
          expect(
            importedLogitsDifference(name, stateDict, reference, size),
            `${size}×${size}`,
          ).toBeLessThanOrEqual(TOLERANCE);
        }
      }, 120_000);

      it('.safetensors (the hub format) gives the same logits', () => {
        const stateDict = readSafetensors(reference.weights.safetensors, 'weights.safetensors');
        expect(importedLogitsDifference(name, stateDict, reference, 199)).toBeLessThanOrEqual(
          TOLERANCE,
        );
      }, 60_000);

      it('our export loads into timm.create_model with strict=True and gives our logits', () => {
        const model = createModel(name, { inputShape: [199, 199, 3] });
        importWeights(model, readPth(reference.weights.pth, 'weights.pth'), {
          fileName: 'weights.pth',
        });
        const dir = mkdtempSync(join(tmpdir(), 'residual-interop-timm-'));
        try {
          const weights = join(dir, 'model.safetensors');
          const out = join(dir, 'logits.safetensors');
          writeFileSync(weights, writeSafetensors(toStateDict(model)));
          runTorchReference('timm', [
            'logits',
            '--model',
            name,
            '--weights',
            weights,
            '--reference',
            join(reference.dir, 'reference.safetensors'),
            '--out',
            out,
          ]);
          const theirs = readSafetensors(new Uint8Array(readFileSync(out)), out).get('logits_199')!;
          expect(
            logitsDifference(model, reference.tensors.get('input_199')!, theirs),
          ).toBeLessThanOrEqual(TOLERANCE);
        } finally {
          rmSync(dir, { recursive: true, force: true });
          model.dispose();
        }
      }, 120_000);
    });
  }
});
