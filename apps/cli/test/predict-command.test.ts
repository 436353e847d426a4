import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { initBackend } from '@residual/backend';
import {
  decodeImage,
  IMAGENET_CLASSES,
  IMAGENET_PREPROCESSING,
  preprocessImage,
  withImageSize,
} from '@residual/datasets';
import { createModel } from '@residual/models';
import { loadModel, saveModel } from '@residual/train';
import { temporaryDirectory } from '@residual/vitest-config/temporary-directory';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeInferenceFile } from '../src/inference-file.js';
import { run } from '../src/main.js';
import { writePng } from './image-files.js';
import { recordingTerminal } from './recording-terminal.js';

const preprocessing = withImageSize(IMAGENET_PREPROCESSING.resnet18, 32);
const dir = temporaryDirectory('residual-predict-');
let modelDir: string;
let images: string[];

// An untrained 1000-class model at 32×32 stands in for an ImageNet model: predict only has to
// feed it as the model expects and report its outputs.
beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  modelDir = join(dir, 'model');
  await saveModel(
    createModel('cifar_resnet8', { inputShape: [32, 32, 3], numClasses: 1000, seed: 4 }),
    modelDir,
  );
  await writeInferenceFile(modelDir, { preprocessing, classNames: IMAGENET_CLASSES });
  images = [
    writePng(join(dir, 'warm.png'), 50, 70, (y, x) => [250 - x, 120 + y, 30]),
    writePng(join(dir, 'cool.png'), 36, 36, (y, x) => [20, (x * y) % 256, 240]),
  ];
});

describe('residual predict', () => {
  it('prints each image with its top-5 ImageNet classes, as the model computes them', async () => {
    const json = recordingTerminal();
    expect(await run(['predict', '--model-dir', modelDir, '--json', ...images], json)).toBe(0);
    const result = JSON.parse(json.stdout) as {
      model: string;
      predictions: { image: string; top: { index: number; name: string; probability: number }[] }[];
    };
    expect(result.model).toBe('cifar_resnet8');
    expect(result.predictions.map((p) => p.image)).toEqual(images);
    // The same probabilities as the model's own softmax on the preprocessed image.
    const reference = await loadModel(modelDir);
    for (const [i, path] of images.entries()) {
      const rgb = preprocessImage(await decodeImage(await readFile(path), path), preprocessing);
      const expected = tf.tidy(() => {
        const x = tf.div(
          tf.sub(
            tf.div(tf.tensor4d(Float32Array.from(rgb), [1, 32, 32, 3]), 255),
            [0.485, 0.456, 0.406],
          ),
          [0.229, 0.224, 0.225],
        );
        return Array.from(tf.softmax(reference.predict(x) as tf.Tensor2D).dataSync());
      });
      const top = result.predictions[i].top;
      expect(top).toHaveLength(5);
      const best = expected.indexOf(Math.max(...expected));
      expect(top[0].index).toBe(best);
      expect(top[0].name).toBe(IMAGENET_CLASSES[best]);
      for (const score of top) expect(score.probability).toBeCloseTo(expected[score.index], 5);
      for (let k = 1; k < top.length; k++) {
        expect(top[k].probability).toBeLessThanOrEqual(top[k - 1].probability);
      }
    }
    const text = recordingTerminal();
    expect(await run(['predict', '--model-dir', modelDir, '--top', '2', images[0]], text)).toBe(0);
    expect(text.stdout).toMatch(
      new RegExp(`^${images[0]}\\n  1\\. +\\d+\\.\\d% {2}.+ \\(\\d+\\)\\n  2\\. .+\\n$`),
    );
  });

  it.each([
    [
      () => ['predict', images[0]],
      "residual: predict: --model-dir, or --model with --weights, is required. See 'residual predict --help'.\n",
    ],
    [
      () => ['predict', '--model-dir', modelDir],
      "residual: predict: missing <image>. See 'residual predict --help'.\n",
    ],
    [
      () => ['predict', '--model-dir', modelDir, images[0], join(dir, 'missing.png')],
      `residual: predict: cannot read image ${join(dir, 'missing.png')} (ENOENT).\n`,
    ],
    [
      () => {
        writeFileSync(join(dir, 'fake.png'), 'not an image');
        return ['predict', '--model-dir', modelDir, join(dir, 'fake.png')];
      },
      `residual: ${join(dir, 'fake.png')}: not a PNG or JPEG image (unrecognised content).\n`,
    ],
    [
      () => ['predict', '--model-dir', dir, images[0]],
      `residual: ${join(dir, 'inference.json')}: missing; models written by 'residual train' or 'residual import' have it.\n`,
    ],
  ])('bad input is one line and exit status 2 (%#)', async (args, message) => {
    const terminal = recordingTerminal();
    expect(await run(args(), terminal)).toBe(2);
    expect(terminal.stderr).toBe(message);
    expect(terminal.stdout).toBe('');
  });
});
