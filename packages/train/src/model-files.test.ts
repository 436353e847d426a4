import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '@residual/backend';
import { expectTensorsClose } from '@residual/backend/testing';
import { temporaryDirectory } from '@residual/vitest-config/temporary-directory';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel, saveModel } from './model-files.js';
import { smallConvNet } from './test-fixtures.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('saveModel and loadModel', () => {
  it('round-trip a model in the TensorFlow.js Layers format, leaving no temporary files', async () => {
    const dir = temporaryDirectory('residual-model-');
    const model = smallConvNet(4);
    await saveModel(model, dir);
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0].paths).toEqual(['./weights.bin']);
    const restored = await loadModel(dir);
    const x = tf.randomNormal([2, 8, 8, 1], 0, 1, 'float32', 1);
    expectTensorsClose(restored.predict(x) as tf.Tensor, model.predict(x) as tf.Tensor);
  });

  it('refuses missing and truncated files, naming them', async () => {
    const dir = temporaryDirectory('residual-model-');
    await expect(loadModel(dir)).rejects.toThrow(
      `${dir}/model.json: cannot read the model (ENOENT).`,
    );
    await saveModel(smallConvNet(4), dir);
    const weights = readFileSync(join(dir, 'weights.bin'));
    writeFileSync(join(dir, 'weights.bin'), weights.subarray(0, 10));
    await expect(loadModel(dir)).rejects.toThrow(
      new RegExp(`${dir}/./weights.bin: expected ${weights.length} bytes of weights, found 10.`),
    );
  });
});
