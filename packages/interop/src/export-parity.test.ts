// Our weights, written by writeSafetensors/writePth, load into torchvision's resnet50 with
// load_state_dict(strict=True) (the .pth through torch.load(weights_only=True)) and give our
// logits; and importing what we exported gives back identical logits. Python peer: see
// torch-peer.ts.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, Rng } from '@residual/backend';
import { createModel } from '@residual/models';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importWeights } from './import-weights.js';
import { logitsDifference } from './logits-parity.js';
import { readSafetensors } from './read-safetensors.js';
import { readWeightsFile } from './read-weights-file.js';
import type { SourceTensor } from './source-tensor.js';
import { toStateDict } from './to-state-dict.js';
import { peerAvailable, runTorchReference } from './torch-peer.js';
import { writePth } from './write-pth.js';
import { writeSafetensors } from './write-safetensors.js';

const TOLERANCE = 1e-4;
const SIZE = 199;

/** Random batch-norm statistics and affine parameters, so that exporting them matters. */
function randomiseBatchNorms(model: tf.LayersModel, seed: number): void {
  const rng = new Rng(seed);
  for (const variable of model.weights) {
    const name = variable.originalName ?? variable.name;
    const kind = /(gamma|beta|moving_mean|moving_variance)$/.exec(name)?.[1];
    if (kind === undefined) continue;
    const values = Float32Array.from({ length: variable.shape[0]! }, () => {
      const u = rng.nextUint32() / 2 ** 32;
      return kind === 'gamma'
        ? 0.5 + u
        : kind === 'moving_variance'
          ? 0.5 + 1.5 * u
          : (u - 0.5) * 0.2;
    });
    tf.tidy(() => {
      variable.write(tf.tensor1d(values));
    });
  }
}

let dir = '';
beforeAll(async () => {
  await initBackend();
  dir = mkdtempSync(join(tmpdir(), 'residual-interop-export-'));
});
afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!peerAvailable('torchvision'))('export to torchvision', () => {
  it('resnet50: .safetensors and .pth load strictly in PyTorch and give our logits; round trip is exact', () => {
    const model = createModel('resnet50', { inputShape: [SIZE, SIZE, 3] });
    randomiseBatchNorms(model, 7);
    const input: SourceTensor = {
      shape: [2, 3, SIZE, SIZE],
      dtype: 'float32',
      data: tf.randomNormal([2, 3, SIZE, SIZE], 0, 1, 'float32', 3).dataSync() as Float32Array,
    };
    const ours = tf.tidy(() => {
      const x = tf.transpose(tf.tensor(input.data as Float32Array, input.shape), [0, 2, 3, 1]);
      return (model.predict(x) as tf.Tensor).dataSync() as Float32Array;
    });
    const inputs = join(dir, 'inputs.safetensors');
    writeFileSync(inputs, writeSafetensors(new Map([[`input_${SIZE}`, input]])));
    const stateDict = toStateDict(model);
    const files = {
      'resnet50.safetensors': writeSafetensors(stateDict),
      'resnet50.pth': writePth(stateDict),
    };
    for (const [name, bytes] of Object.entries(files)) {
      const weights = join(dir, name);
      const out = join(dir, `${name}.logits.safetensors`);
      writeFileSync(weights, bytes);
      runTorchReference('torchvision', [
        'logits',
        '--model',
        'resnet50',
        '--weights',
        weights,
        '--reference',
        inputs,
        '--out',
        out,
      ]);
      const theirs = readSafetensors(new Uint8Array(readFileSync(out)), out).get(`logits_${SIZE}`)!;
      const reference: SourceTensor = { shape: theirs.shape, dtype: 'float32', data: ours };
      // PyTorch's logits against ours: the same measure as for imports.
      expect(logitsDifference(model, input, theirs), name).toBeLessThanOrEqual(TOLERANCE);
      // Round trip: our own file back into a fresh model gives exactly our logits.
      const back = createModel('resnet50', { inputShape: [SIZE, SIZE, 3] });
      importWeights(back, readWeightsFile(bytes, name), { fileName: name });
      expect(logitsDifference(back, input, reference), `${name} round trip`).toBe(0);
      back.dispose();
    }
  }, 240_000);
});
