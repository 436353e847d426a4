// Weights from the real timm (random weights and batch-norm statistics, made by
// python/torch_reference.py in the .venv-timm virtual environment) imported into our
// timm-named models give timm's logits at 224×224 and the odd sizes. Python peer: torch-peer.ts.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModel } from '@residual/models';
import { expect, it } from 'vitest';
import { importWeights } from './import-weights.js';
import { logitsDifference } from './logits-parity.js';
import { describeLogitsParity, TOLERANCE } from './logits-parity-suite.js';
import { readPth } from './read-pth.js';
import { readSafetensors } from './read-safetensors.js';
import { toStateDict } from './to-state-dict.js';
import { runTorchReference } from './torch-peer.js';
import { writeSafetensors } from './write-safetensors.js';

describeLogitsParity({
  library: 'timm',
  models: ['resnet50d', 'seresnet50'],
  safetensorsTitle: '.safetensors (the hub format)',
  more: (name, reference) => {
    it('our export loads into timm.create_model with strict=True and gives our logits', () => {
      const model = createModel(name, { inputShape: [199, 199, 3] });
      importWeights(model, readPth(reference().weights.pth, 'weights.pth'), {
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
          join(reference().dir, 'reference.safetensors'),
          '--out',
          out,
        ]);
        const theirs = readSafetensors(new Uint8Array(readFileSync(out)), out).get('logits_199')!;
        expect(
          logitsDifference(model, reference().tensors.get('input_199')!, theirs),
        ).toBeLessThanOrEqual(TOLERANCE);
      } finally {
        rmSync(dir, { recursive: true, force: true });
        model.dispose();
      }
    }, 120_000);
  },
});
