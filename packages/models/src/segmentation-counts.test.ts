// The segmentation entries held to the counts PyTorch computes (scripts/segmentation-reference.py
// wrote segmentation-counts.json: torchvision's FCN and DeepLabv3 themselves, and a PyTorch
// re-implementation of segmentation_models_pytorch's Unet and FPN). The conformance test holds
// the built models to the registry; this test holds the registry to PyTorch.
import { readFileSync } from 'node:fs';
import { initBackend } from '@residual/backend';
import { beforeAll, expect, it } from 'vitest';
import { countParameters } from './count-parameters.js';
import './index.js';
import { createModel, listModels } from './registry.js';

interface ReferenceCounts {
  inputShape: number[];
  numClasses: number;
  trainableParams: number;
  totalParams: number;
  macs: number;
  withoutAux?: { trainableParams: number };
}

const reference = JSON.parse(
  readFileSync(new URL('./segmentation-counts.json', import.meta.url), 'utf8'),
) as Record<string, ReferenceCounts>;

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

it('every segmentation entry has the counts PyTorch gives, at its input size', () => {
  const entries = listModels().filter((entry) => entry.task === 'semantic-segmentation');
  expect(entries.map((e) => e.name).sort()).toEqual(Object.keys(reference).sort());
  for (const entry of entries) {
    const counts = reference[entry.name]!;
    expect(
      {
        inputShape: entry.defaultInputShape,
        numClasses: entry.defaultNumClasses,
        trainableParams: entry.trainableParams,
        totalParams: entry.totalParams,
        macs: entry.macs,
      },
      entry.name,
    ).toEqual({
      inputShape: counts.inputShape,
      numClasses: counts.numClasses,
      trainableParams: counts.trainableParams,
      totalParams: counts.totalParams,
      macs: counts.macs,
    });
  }
  // torchvision's own figures for its two published heads.
  expect(reference.fcn_resnet50!.trainableParams).toBe(35_322_218);
  expect(reference.deeplabv3_resnet50!.trainableParams).toBe(42_004_074);
});

it('without the auxiliary head, FCN and DeepLabv3 have the counts of aux_loss=False', () => {
  for (const name of ['fcn_resnet50', 'deeplabv3_resnet50']) {
    const model = createModel(name, { aux: false, inputShape: [32, 32, 3] });
    expect(countParameters(model).trainable, name).toBe(
      reference[name]!.withoutAux!.trainableParams,
    );
    model.dispose();
  }
}, 60_000);
