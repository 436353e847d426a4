import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '@residual/backend';
import { decodeImage, decodeMask, syntheticShapes, vocPalette } from '@residual/datasets';
import { loadModel } from '@residual/train';
import { temporaryDirectory } from '@residual/vitest-config/temporary-directory';
import * as tf from '@tensorflow/tfjs';
import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { readMetrics, residual, signalAt } from './train-process.js';

/** A tiny, quick segmentation run: 16 training and 8 test shapes at 32×32, one epoch. */
const TRAIN = [
  'train',
  '--model',
  'unet_resnet18',
  '--dataset',
  'shapes',
  '--image-size',
  '32',
  '--limit',
  '16',
  '--test-limit',
  '8',
  '--batch-size',
  '4',
  '--seed',
  '1',
];

/** RGB bytes of a shapes image (a test image of the generator at `size`), cropped to height×width. */
function shapesImage(size: number, height: number, width: number): Uint8Array {
  const { test } = syntheticShapes({ size, trainCount: 1, testCount: 1, seed: 3 });
  const rgb = new Uint8Array(height * width * 3);
  for (let y = 0; y < height; y++) {
    rgb.set(test.images.subarray(y * size * 3, (y * size + width) * 3), y * width * 3);
  }
  return rgb;
}

function rgba(rgb: Uint8Array): Uint8Array {
  const out = new Uint8Array((rgb.length / 3) * 4).fill(255);
  for (let p = 0; p < rgb.length / 3; p++) out.set(rgb.subarray(3 * p, 3 * p + 3), 4 * p);
  return out;
}

describe('residual train, eval and predict on a segmentation data set (the built command)', () => {
  let out = '';
  let trained: Awaited<ReturnType<typeof residual>>;
  beforeAll(async () => {
    out = join(temporaryDirectory('residual-segmentation-'), 'run');
    trained = await residual(...TRAIN, '--epochs', '1', '--print-every', '2', '--out', out);
  });

  it('trains with mean IoU per epoch and writes the model, metrics and inference files', () => {
    expect(trained.stderr).toContain(
      'training unet_resnet18 on shapes (16 train / 8 test images of 32×32×3, 4 classes) with the quick recipe, the cross-entropy loss',
    );
    // 16 images at batch 4: a line after steps 2 and 4, then the epoch's.
    expect(trained.stderr.match(/^epoch 1\/1 {2}step [24]\/4 {2}loss \d/gm)).toHaveLength(2);
    expect(trained.stderr).toMatch(
      /^epoch 1\/1 {2}loss \d+\.\d{4} {2}pixel acc \d+\.\d\d% {2}test pixel acc \d+\.\d\d% {2}test mIoU \d+\.\d\d%/m,
    );
    expect(trained.stdout).toMatch(
      /^test mean IoU \d+\.\d\d%, pixel accuracy \d+\.\d\d% on 8 held-out images after 1 epoch/,
    );
    expect(readdirSync(out).sort()).toEqual([
      'checkpoints',
      'inference.json',
      'metrics.json',
      'model.json',
      'run.json',
      'training-curves.svg',
      'weights.bin',
    ]);
    const curves = readFileSync(join(out, 'training-curves.svg'), 'utf8');
    for (const panel of ['loss', 'pixel accuracy', 'mean IoU']) {
      expect(curves).toContain(`unet_resnet18 on shapes: ${panel}`);
    }
    const metrics = readMetrics(out);
    expect(metrics).toMatchObject({
      task: 'segmentation',
      model: 'unet_resnet18',
      dataset: 'shapes',
      loss: 'cross-entropy',
      steps: 4,
      trainImages: 16,
      testImages: 8,
      imageShape: [32, 32, 3],
      classNames: ['background', 'circle', 'square', 'triangle'],
    });
    expect(metrics.testMeanIoU).toBeGreaterThan(0);
    expect(metrics.testMeanIoU).toBeLessThanOrEqual(1);
    expect(metrics.history[0].testMeanIoU).toBe(metrics.testMeanIoU);
    expect(metrics.testPerClassIoU.map((c: { name: string }) => c.name)).toEqual(
      metrics.classNames,
    );
    const counted = metrics.confusionMatrix.flat().reduce((a: number, b: number) => a + b);
    expect(counted).toBe(8 * 32 * 32);
    // The diagonal over the total is the pixel accuracy.
    const diagonal = metrics.confusionMatrix.reduce(
      (sum: number, row: number[], i: number) => sum + row[i],
      0,
    );
    expect(metrics.testPixelAccuracy).toBeCloseTo(diagonal / counted, 12);
  });

  it('evaluates the run on its data set: mean IoU, pixel accuracy and a table of classes', async () => {
    const { stdout } = await residual('eval', '--model-dir', out, '--batch-size', '100');
    expect(stdout).toMatch(
      /^unet_resnet18 \(.*\) on the shapes test split: 500 images, 512,000 pixels/,
    );
    expect(stdout).toMatch(/^mean IoU +\d+\.\d\d%$/m);
    expect(stdout).toMatch(/^pixel accuracy +\d+\.\d\d%$/m);
    for (const name of ['background', 'circle', 'square', 'triangle']) {
      expect(stdout).toMatch(new RegExp(`^${name} +(\\d+\\.\\d\\d%|n/a) +`, 'm'));
    }
    const report = JSON.parse(readFileSync(join(out, 'eval.json'), 'utf8'));
    expect(report).toMatchObject({ task: 'segmentation', dataset: 'shapes', images: 500 });
    expect(report.pixels).toBe(500 * 32 * 32);
    expect(stdout).toContain(`mean IoU             ${(report.meanIoU * 100).toFixed(2)}%`);
    // A classification data set is refused before the model loads.
    await expect(residual('eval', '--model-dir', out, '--dataset', 'digits')).rejects.toMatchObject(
      {
        stderr: `residual: eval --dataset: digits is a classification data set (a class per image); the model in ${out} labels pixels: give a segmentation data set (shapes, digit-mosaics, or a folder of images and masks).\n`,
      },
    );
  });

  it('generates as many training images as --train-images asks, and keeps it in run.json', async () => {
    const dir = join(temporaryDirectory('residual-train-images-'), 'run');
    const args = [...TRAIN.filter((_, i) => i < 7), '--test-limit', '4', '--batch-size', '8'];
    const { stderr } = await residual(
      ...args,
      '--train-images',
      '24',
      '--epochs',
      '1',
      '--out',
      dir,
    );
    expect(stderr).toContain(
      'training unet_resnet18 on shapes (24 train / 4 test images of 32×32×3',
    );
    const run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    expect(run.config).toMatchObject({ 'train-images': 24 });
  });

  it('draws the first test images with their true and predicted masks into examples.png', async () => {
    const { stdout } = await residual('eval', '--model-dir', out, '--examples', '3');
    expect(stdout).toContain(`and ${join(out, 'examples.png')}`);
    const figure = await decodeImage(readFileSync(join(out, 'examples.png')), 'examples.png');
    // 32×32 images enlarged 6 times (to about 192 pixels), 4 columns and 3 rows, 4 pixels apart.
    expect([figure.width, figure.height]).toEqual([4 * 192 + 5 * 4, 3 * 192 + 4 * 4]);
    const { test } = syntheticShapes({ size: 32, trainCount: 1, testCount: 3 });
    const palette = vocPalette();
    const colourAt = (x: number, y: number) =>
      Array.from(figure.rgba.subarray((y * figure.width + x) * 4, (y * figure.width + x) * 4 + 3));
    // Row 2 (the third test image): its pixel (x 5, y 20) in the image and the true mask columns.
    const [x, y, row] = [5, 20, 2];
    const top = 4 + row * (192 + 4) + y * 6;
    const image = Array.from(
      test.images.subarray((row * 1024 + y * 32 + x) * 3, (row * 1024 + y * 32 + x) * 3 + 3),
    );
    expect(colourAt(4 + x * 6 + 3, top + 3)).toEqual(image);
    const label = test.masks[row * 1024 + y * 32 + x];
    expect(colourAt(4 + 196 + x * 6, top)).toEqual(
      Array.from(palette.subarray(3 * label, 3 * label + 3)),
    );
    // The predicted mask's pixel is drawn in the colour of one of the four classes.
    const classColours = [0, 1, 2, 3].map((c) => Array.from(palette.subarray(3 * c, 3 * c + 3)));
    expect(classColours).toContainEqual(colourAt(4 + 2 * 196 + x * 6, top));
  });

  it('predicts masks and overlays for PNG and JPEG images, at their own size, as training fed them', async () => {
    const images = temporaryDirectory('residual-segment-images-');
    // A 40×56 PNG (another size than training's 32×32), a 32×32 PNG and a JPEG.
    const odd = shapesImage(64, 40, 56);
    writeFileSync(
      join(images, 'odd.png'),
      encodePng({ width: 56, height: 40, data: odd, channels: 3, depth: 8 }),
    );
    const exact = shapesImage(32, 32, 32);
    writeFileSync(
      join(images, 'exact.png'),
      encodePng({ width: 32, height: 32, data: exact, channels: 3, depth: 8 }),
    );
    const photo = jpeg.encode({ width: 56, height: 40, data: rgba(odd) }, 95).data;
    writeFileSync(join(images, 'photo.jpg'), photo);
    const paths = ['odd.png', 'exact.png', 'photo.jpg'].map((name) => join(images, name));
    const { stdout } = await residual('predict', '--model-dir', out, ...paths);
    expect(stdout).toContain(`${paths[0]} (56×40): `);
    expect(stdout).toContain(
      `wrote ${join(images, 'odd.mask.png')} and ${join(images, 'odd.overlay.png')}`,
    );

    const palette = vocPalette(4);
    for (const [name, height, width] of [
      ['odd', 40, 56],
      ['exact', 32, 32],
      ['photo', 40, 56],
    ] as const) {
      const mask = await decodeMask(readFileSync(join(images, `${name}.mask.png`)), name);
      expect([mask.height, mask.width]).toEqual([height, width]);
      expect(Math.max(...mask.values)).toBeLessThan(4);
      // An indexed PNG in the data set's colours: viewers see them, decodeMask reads classes.
      expect(mask.palette).toEqual(palette);
      const overlay = await decodeImage(readFileSync(join(images, `${name}.overlay.png`)), name);
      expect([overlay.height, overlay.width]).toEqual([height, width]);
      if (name === 'odd') {
        for (let p = 0; p < height * width; p++) {
          const c = mask.values[p];
          const expected = [0, 1, 2].map((k) =>
            c === 0 ? odd[3 * p + k] : Math.round(0.5 * odd[3 * p + k] + 0.5 * palette[3 * c + k]),
          );
          expect(Array.from(overlay.rgba.subarray(4 * p, 4 * p + 3))).toEqual(expected);
        }
      }
    }

    // At the training size nothing is resized: the mask is the model's argmax on the image
    // normalised with the training statistics.
    const info = JSON.parse(readFileSync(join(out, 'inference.json'), 'utf8'));
    const { mean, std } = info.preprocessing.normalization;
    await initBackend({ backend: 'wasm' });
    const model = await loadModel(out);
    const expected = tf.tidy(() => {
      const input = tf.div(
        tf.sub(tf.div(tf.tensor4d(exact, [1, 32, 32, 3], 'float32'), 255), mean),
        std,
      );
      return tf.argMax(model.predict(input) as tf.Tensor4D, -1).dataSync();
    });
    const mask = await decodeMask(readFileSync(join(images, 'exact.mask.png')), 'exact');
    expect(Array.from(mask.values)).toEqual(Array.from(expected));

    // Into a new folder with --out, as JSON.
    const folder = join(images, 'masks');
    const json = JSON.parse(
      (await residual('predict', '--model-dir', out, '--out', folder, '--json', paths[1])).stdout,
    );
    expect(readdirSync(folder).sort()).toEqual(['exact.mask.png', 'exact.overlay.png']);
    // --out is a new folder: one that holds anything is refused before any work.
    await expect(
      residual('predict', '--model-dir', out, '--out', folder, paths[1]),
    ).rejects.toMatchObject({
      stderr: `residual: predict --out: ${folder} already exists and is not empty; choose another directory.\n`,
    });
    const shares = json.predictions[0].classes as { pixels: number; share: number }[];
    expect(shares.reduce((sum, c) => sum + c.pixels, 0)).toBe(32 * 32);
  });

  it('lists the segmentation data sets in a table of their own', async () => {
    const { stdout } = await residual('datasets');
    expect(stdout).toMatch(
      /^ {2}shapes +2,000 +500 +64×64×3 +4 \(background, circle, square, triangle\) +generated$/m,
    );
    expect(stdout).toMatch(/^ {2}digit-mosaics +2,000 +500 +64×64×1 +11 \(background, 0, 1/m);
    const json = JSON.parse((await residual('datasets', '--json')).stdout);
    expect(json.segmentation.map((d: { name: string }) => d.name)).toEqual([
      'shapes',
      'digit-mosaics',
    ]);
    expect(json.segmentation[0]).toMatchObject({ imageShape: [64, 64, 3], numClasses: 4 });
  });
});

describe('residual train --resume on a segmentation run', () => {
  it('stops at Ctrl-C and resumes to the metrics and weights of a run never stopped', async () => {
    const root = temporaryDirectory('residual-segmentation-resume-');
    const args = [...TRAIN, '--epochs', '2', '--checkpoint-every', '2'];
    await residual(...args, '--out', join(root, 'reference'));
    const out = join(root, 'run');
    const stopped = await signalAt('step:3', 'SIGINT', [...args, '--out', out]);
    expect(stopped.code).toBe(130);
    expect(existsSync(join(out, 'model.json'))).toBe(false);
    // The options that define the run may only repeat it.
    await expect(residual('train', '--resume', out, '--loss', 'dice')).rejects.toMatchObject({
      stderr: `residual: train --resume: ${out} was started with --loss cross-entropy; drop --loss dice.\n`,
    });
    const { stderr } = await residual('train', '--resume', out);
    expect(stderr).toContain('training unet_resnet18 on shapes');
    expect(stderr).toContain(`resuming from ${out}/checkpoints/step-00000003`);
    const reference = readMetrics(join(root, 'reference'));
    const resumed = readMetrics(out);
    expect(resumed.history.map((r: { loss: number }) => r.loss)).toEqual(
      reference.history.map((r: { loss: number }) => r.loss),
    );
    expect(resumed.testMeanIoU).toBe(reference.testMeanIoU);
    expect(resumed.confusionMatrix).toEqual(reference.confusionMatrix);
    // Byte for byte (Buffer.equals: a deep equality over 57 MB of weights would take minutes).
    const weights = readFileSync(join(out, 'weights.bin'));
    expect(weights.equals(readFileSync(join(root, 'reference', 'weights.bin')))).toBe(true);
    await expect(residual('train', '--resume', out)).rejects.toMatchObject({
      stderr: expect.stringContaining('is a finished run'),
    });
  });
});
