// torchvision's FCN and DeepLabv3 (random weights and batch-norm statistics, made by
// python/torch_reference.py) imported into our registry models give torchvision's per-pixel
// logits and auxiliary logits in eval mode, at an odd size where every resize and padding
// rounds. Python peer: torch-peer.ts (skipped with a printed reason without it, failed under CI).
import { initBackend } from '@residual/backend';
import { createModel } from '@residual/models';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importWeights } from './import-weights.js';
import { readPth } from './read-pth.js';
import { type SourceTensor, toFloat32 } from './source-tensor.js';
import { toStateDict } from './to-state-dict.js';
import { makeReference, peerAvailable, type Reference } from './torch-peer.js';

const TOLERANCE = 1e-4;
const SIZE = 65;
const CLASSES = 21;

beforeAll(async () => {
  await initBackend();
});

/** max |ours − theirs| / max |theirs|, theirs NCHW and ours NHWC. */
function difference(ours: tf.Tensor, reference: SourceTensor): number {
  return tf.tidy(() => {
    const theirs = tf.transpose(tf.tensor(toFloat32(reference), reference.shape), [0, 2, 3, 1]);
    const diff = tf.max(tf.abs(tf.sub(ours, theirs))).dataSync()[0]!;
    return diff / tf.max(tf.abs(theirs)).dataSync()[0]!;
  });
}

describe.skipIf(!peerAvailable('torchvision'))('torchvision segmentation parity', () => {
  for (const name of ['fcn_resnet50', 'deeplabv3_resnet50']) {
    describe(name, () => {
      let reference: Reference;
      let model: tf.LayersModel;
      beforeAll(() => {
        reference = makeReference('torchvision', name, { sizes: [SIZE], numClasses: CLASSES });
        model = createModel(name, { inputShape: [SIZE, SIZE, 3] });
      }, 300_000);
      afterAll(() => {
        reference?.remove();
        model?.dispose();
      });

      it(`gives torchvision's logits and auxiliary logits within ${TOLERANCE} at 2×3×${SIZE}×${SIZE}`, () => {
        const stateDict = readPth(reference.weights.pth, 'weights.pth');
        const report = importWeights(model, stateDict, { fileName: 'weights.pth' });
        expect(report.missing.length + report.unexpected.length + report.mismatched.length).toBe(0);
        const input = reference.tensors.get(`input_${SIZE}`)!;
        const [logits, aux] = tf.tidy(() => {
          const x = tf.transpose(tf.tensor(toFloat32(input), input.shape), [0, 2, 3, 1]);
          return model.predict(x) as tf.Tensor[];
        });
        expect(logits!.shape).toEqual([2, SIZE, SIZE, CLASSES]);
        const errors = [
          difference(logits!, reference.tensors.get(`logits_${SIZE}`)!),
          difference(aux!, reference.tensors.get(`aux_logits_${SIZE}`)!),
        ];
        tf.dispose([logits!, aux!]);
        expect(errors[0], 'logits').toBeLessThanOrEqual(TOLERANCE);
        expect(errors[1], 'aux_logits').toBeLessThanOrEqual(TOLERANCE);
      }, 120_000);

      it("exports under torchvision's state dict keys and shapes", () => {
        const stateDict = readPth(reference.weights.pth, 'weights.pth');
        const exported = toStateDict(model);
        expect([...exported.keys()].sort()).toEqual([...stateDict.keys()].sort());
        for (const [key, tensor] of exported) {
          expect(tensor.shape, key).toEqual(stateDict.get(key)!.shape);
        }
      });

      it('refuses the file for a model built without the auxiliary head, naming the keys', () => {
        const stateDict = readPth(reference.weights.pth, 'weights.pth');
        const bare = createModel(name, { inputShape: [SIZE, SIZE, 3], aux: false });
        try {
          expect(() => importWeights(bare, stateDict, { fileName: 'weights.pth' })).toThrow(
            new RegExp(
              `^weights\\.pth: does not fit ${name}: unexpected aux_classifier\\.0\\.weight`,
            ),
          );
        } finally {
          bare.dispose();
        }
      }, 60_000);
    });
  }
});
