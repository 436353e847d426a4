// Parity with Keras itself: keras.applications' ResNetV2 with random weights and batch-norm
// statistics (python/keras_resnet_v2.py) saved in every Keras format, imported here, must give
// Keras' logits within 1e-4 (max |diff| / max |logit|), at 224×224 and at odd sizes.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { initBackend } from '@residual/backend';
import { createModel } from '@residual/models';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importKerasWeights } from './import-keras-weights.js';
import { readFloats, relativeDifference, runCached, venvPython } from './python-peer.js';
import { readKerasWeights } from './read-keras-weights.js';
import type { SourceData, StateDict } from './source-tensor.js';

const { python } = venvPython(['keras', 'tensorflow', 'h5py']);
const FORMATS = ['h5', 'legacy-weights.h5', 'keras', 'weights.h5'];
/** Keras' default size and two odd ones, where padding and rounding differences show. */
const RESNET50V2_SIZES = [224, 225, 199];

interface KerasRun {
  size: number;
  batch: number;
  input: string;
  logits: string;
}

/** Keras' files and logits for `model`, made once and cached. */
function kerasFixture(name: string, formats: string[], sizes: number[]) {
  const dir = runCached(
    python as string,
    'keras_resnet_v2.py',
    [name, formats.join(','), sizes.join(',')],
    `${name}.json`,
  );
  const meta = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as {
    files: Record<string, string>;
    runs: KerasRun[];
  };
  return { dir, meta };
}

function bytesOf(data: SourceData): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** Measured differences, written to parity/keras.json when RESIDUAL_WRITE_PARITY=1. */
const measured: {
  model: string;
  format: string;
  size: number;
  batch: number;
  difference: number;
}[] = [];

/** Our model's logits on Keras' input, with `weights` imported. */
function ourLogits(name: string, weights: StateDict, file: string, dir: string, run: KerasRun) {
  const model = createModel(name, { inputShape: [run.size, run.size, 3] });
  const report = importKerasWeights(model, weights, { fileName: file });
  expect(report.loaded.length).toBe(weights.size);
  const x = tf.tensor(readFloats(join(dir, run.input)), [run.batch, run.size, run.size, 3]);
  const logits = tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync() as Float32Array);
  x.dispose();
  model.dispose();
  return logits;
}

/** Imports `format` (one of `formats` made) into `name` and checks each run against Keras'. */
function expectKerasLogits(name: string, formats: string[], format: string, sizes: number[]) {
  const { dir, meta } = kerasFixture(name, formats, sizes);
  const file = meta.files[format];
  const weights = readKerasWeights(readFileSync(join(dir, file)), file);
  for (const run of meta.runs) {
    const difference = relativeDifference(
      ourLogits(name, weights, file, dir, run),
      readFloats(join(dir, run.logits)),
    );
    measured.push({ model: name, format, size: run.size, batch: run.batch, difference });
    expect(difference, `${name} ${format} at ${run.size}`).toBeLessThan(1e-4);
  }
}

describe.skipIf(python === undefined)('Keras ResNetV2 parity', () => {
  beforeAll(async () => {
    await initBackend();
  });

  afterAll(() => {
    if (process.env.RESIDUAL_WRITE_PARITY !== '1') return;
    const path = join(import.meta.dirname, '..', 'parity', 'keras.json');
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify({ backend: tf.getBackend(), measured }, null, 2)}\n`);
  });

  it('reads the same weights from every Keras format', () => {
    const { dir, meta } = kerasFixture('resnet50v2', FORMATS, RESNET50V2_SIZES);
    const [first, ...others] = FORMATS.map((format) =>
      readKerasWeights(readFileSync(join(dir, meta.files[format])), meta.files[format]),
    );
    expect(first.size).toBe(272);
    for (const other of others) {
      expect([...other.keys()].sort()).toEqual([...first.keys()].sort());
      for (const [key, tensor] of first) {
        const same = other.get(key);
        expect(same?.shape, key).toEqual(tensor.shape);
        // Byte comparison: a deep equality over 25 million floats takes minutes.
        expect(same !== undefined && bytesOf(same.data).equals(bytesOf(tensor.data)), key).toBe(
          true,
        );
      }
    }
  }, 300_000);

  it('resnet50v2 gives Keras logits at 224, 225 and 199', () => {
    expectKerasLogits('resnet50v2', FORMATS, 'h5', RESNET50V2_SIZES);
  }, 300_000);

  // The deeper variants differ only in blocks per stage: one small odd size checks their names.
  it('resnet101v2 and resnet152v2 give Keras logits at 97', () => {
    expectKerasLogits('resnet101v2', ['keras'], 'keras', [97]);
    expectKerasLogits('resnet152v2', ['weights.h5'], 'weights.h5', [97]);
  }, 300_000);

  it('refuses the weights of another architecture in one line naming the file', () => {
    const { dir, meta } = kerasFixture('resnet101v2', ['keras'], [97]);
    const file = meta.files.keras;
    const weights = readKerasWeights(readFileSync(join(dir, file)), file);
    const model = createModel('resnet50v2', { inputShape: [97, 97, 3] });
    expect(() => importKerasWeights(model, weights, { fileName: file })).toThrow(
      /^resnet101v2\.keras: does not fit model resnet50v2: 272 unexpected \(conv4_block/,
    );
    model.dispose();
  }, 300_000);
});
