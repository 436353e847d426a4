import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@residual/backend';
import { decodeMask, vocPalette } from '@residual/datasets';
import { toStateDict, writePth } from '@residual/interop';
import { createModel } from '@residual/models';
import { loadModel } from '@residual/train';
import type * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/main.js';
import { writePng } from './image-files.js';
import { recordingTerminal } from './recording-terminal.js';

// The user path of torchvision's segmentation weights: `residual import` a state dict that
// torchvision itself saved, then `residual predict` and `residual eval` the model directory.
// A seeded fcn_resnet50 (torchvision_segmentation.py: random batch-norm statistics, eval mode)
// stands in for the published file, at 64×64 to keep it quick. The peer is Debian's Python
// with PyTorch and torchvision (apt-get install python3-torch python3-torchvision).
const PYTHON = '/usr/bin/python3';
const SCRIPT = join(import.meta.dirname, 'torchvision_segmentation.py');
const REQUIRED = process.env.CI === 'true' || process.env.RESIDUAL_REQUIRE_PYTHON === '1';
const SIZE = 64;
/**
 * Our logits match torchvision's within 1e-4 of the largest (@residual/interop's parity test),
 * so a pixel whose two best classes torchvision separates by less than twice that may flip.
 */
const NEAR_TIE = 2e-4;

function peerProblem(): string | undefined {
  const check = spawnSync(PYTHON, ['-c', 'import numpy, torch, torchvision'], {
    encoding: 'utf8',
  });
  if (check.error !== undefined) return `${PYTHON} cannot run (${check.error.message})`;
  if (check.status !== 0)
    return `${PYTHON} cannot import numpy, torch and torchvision: ${check.stderr.trim().split('\n').pop()}`;
  return undefined;
}

const problem = peerProblem();
if (problem !== undefined && REQUIRED) {
  throw new Error(
    `CI=true or RESIDUAL_REQUIRE_PYTHON=1, but ${problem} (apt-get install -y python3-torch python3-torchvision).`,
  );
}
if (problem !== undefined)
  console.warn(`Skipping the torchvision segmentation import: ${problem}.`);

/** A picture with structure at several scales: two gradients and a bright disc. */
function pixel(y: number, x: number): [number, number, number] {
  const disc = (x - 32) ** 2 + (y - 32) ** 2 < 200;
  return [x * 4, y * 4, disc ? 220 : 20];
}

const dir = mkdtempSync(join(tmpdir(), 'residual-segmentation-import-'));
// Each FCN file and model directory is about 140 MB.
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(problem !== undefined)(
  'torchvision fcn_resnet50 weights: import → predict → eval',
  () => {
    const image = join(dir, 'photo.png');
    const modelDir = join(dir, 'fcn');
    let torchvision: { categories: string[]; maxLogit: number };

    beforeAll(async () => {
      await initBackend({ backend: 'wasm' });
      writePng(image, SIZE, SIZE, pixel);
      const rgb = new Uint8Array(SIZE * SIZE * 3);
      for (let y = 0; y < SIZE; y++) {
        for (let x = 0; x < SIZE; x++) rgb.set(pixel(y, x), (y * SIZE + x) * 3);
      }
      writeFileSync(join(dir, 'image.rgb'), rgb);
      const reference = spawnSync(PYTHON, [SCRIPT, dir, String(SIZE)], {
        encoding: 'utf8',
        timeout: 120_000,
      });
      if (reference.status !== 0) {
        throw new Error(`torchvision_segmentation.py failed: ${reference.stderr}`);
      }
      torchvision = JSON.parse(reference.stdout);
    }, 180_000);

    it("imports the state dict with torchvision's classes, VOC's colours and ImageNet's statistics", async () => {
      const terminal = recordingTerminal();
      const weights = join(dir, 'fcn_resnet50.pth');
      const args = ['import', '--model', 'fcn_resnet50', '--weights', weights, '--out', modelDir];
      expect(await run([...args, '--image-size', String(SIZE)], terminal), terminal.stderr).toBe(0);
      expect(terminal.stdout).toMatch(
        /^imported fcn_resnet50 \(21 classes\) from .*fcn_resnet50\.pth/,
      );
      const info = JSON.parse(readFileSync(join(modelDir, 'inference.json'), 'utf8'));
      expect(info.classNames).toEqual(torchvision.categories);
      expect(info.preprocessing).toEqual({
        source: 'torchvision (COCO_WITH_VOC_LABELS_V1)',
        size: SIZE,
        interpolation: 'bilinear',
        normalization: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
      });
      expect(info.segmentation.imageShape).toEqual([SIZE, SIZE, 3]);
      expect(info.segmentation.palette.flat()).toEqual(Array.from(vocPalette(21)));
    });

    it("predicts torchvision's classes for every pixel but near-ties, and prints VOC's names", async () => {
      const terminal = recordingTerminal();
      expect(
        await run(['predict', '--model-dir', modelDir, image], terminal),
        terminal.stderr,
      ).toBe(0);
      const [summary, wrote] = terminal.stdout.trimEnd().split('\n');
      expect(wrote).toBe(
        `  wrote ${join(dir, 'photo.mask.png')} and ${join(dir, 'photo.overlay.png')}`,
      );
      const printed = /^.*photo\.png \(64×64\): (.*)$/.exec(summary!)![1]!.split(', ');
      for (const entry of printed) {
        const name = entry.replace(/ [\d.]+%$/, '');
        expect(torchvision.categories, entry).toContain(name);
      }

      const mask = await decodeMask(readFileSync(join(dir, 'photo.mask.png')), 'photo.mask.png');
      const expected = new Uint8Array(readFileSync(join(dir, 'mask.bin')));
      const bytes = readFileSync(join(dir, 'margin.bin'));
      const margin = new Float32Array(bytes.buffer, bytes.byteOffset, SIZE * SIZE);
      // A mask of one class would prove little: the seeded model labels several.
      expect(new Set(expected).size).toBeGreaterThan(1);
      expect(printed.length).toBe(new Set(expected).size);
      const differing = [...expected.keys()].filter((p) => mask.values[p] !== expected[p]);
      for (const p of differing) {
        expect(margin[p], `pixel ${p}`).toBeLessThan(NEAR_TIE * torchvision.maxLogit);
      }
      // At most 0.5% of the pixels (20 of 4096) may flip at a near-tie.
      expect(differing.length).toBeLessThanOrEqual(20);
    });

    it('scores the model on a Pascal VOC folder: its own masks as ground truth score 100%', async () => {
      const voc = join(dir, 'VOC2012');
      for (const folder of ['JPEGImages', 'SegmentationClass', 'ImageSets/Segmentation']) {
        mkdirSync(join(voc, folder), { recursive: true });
      }
      copyFileSync(image, join(voc, 'JPEGImages', 'photo.png'));
      copyFileSync(join(dir, 'photo.mask.png'), join(voc, 'SegmentationClass', 'photo.png'));
      writeFileSync(join(voc, 'ImageSets/Segmentation/train.txt'), 'photo\n');
      writeFileSync(join(voc, 'ImageSets/Segmentation/val.txt'), 'photo\n');
      const terminal = recordingTerminal();
      const args = ['eval', '--model-dir', modelDir, '--dataset', voc, '--json'];
      expect(await run(args, terminal), terminal.stderr).toBe(0);
      const report = JSON.parse(terminal.stdout);
      expect(report).toMatchObject({
        task: 'segmentation',
        images: 1,
        pixelAccuracy: 1,
        meanIoU: 1,
      });
    });
  },
);

// No Python needed: our own export of a model of another shape stands in for a state dict
// torchvision saved (@residual/interop holds the export to torchvision's keys and shapes).
describe('residual import of segmentation state dicts of other shapes', () => {
  it.each([
    ['without the auxiliary head (aux_loss=False)', false],
    ['with the auxiliary head', true],
  ])('takes an FCN of 3 classes %s, numbering its classes', async (_, aux) => {
    await initBackend({ backend: 'wasm' });
    const source = createModel('fcn_resnet50', {
      inputShape: [SIZE, SIZE, 3],
      numClasses: 3,
      aux,
      seed: 5,
    });
    const weights = join(dir, `fcn3-${aux}.pth`);
    writeFileSync(weights, writePth(toStateDict(source)));
    const out = join(dir, `fcn3-${aux}`);
    const terminal = recordingTerminal();
    const args = ['import', '--model', 'fcn_resnet50', '--weights', weights, '--out', out];
    expect(await run([...args, '--image-size', String(SIZE)], terminal), terminal.stderr).toBe(0);
    expect(terminal.stdout).toMatch(/^imported fcn_resnet50 \(3 classes\)/);
    const imported = await loadModel(out);
    expect(imported.outputs).toHaveLength(aux ? 2 : 1);
    const last = (model: tf.LayersModel) =>
      Array.from(model.getLayer('head_classifier_conv').getWeights()[0]!.dataSync());
    expect(last(imported)).toEqual(last(source));
    const info = JSON.parse(readFileSync(join(out, 'inference.json'), 'utf8'));
    expect(info.classNames).toEqual(['0', '1', '2']);
    expect(info.segmentation.palette).toEqual([
      [0, 0, 0],
      [128, 0, 0],
      [0, 128, 0],
    ]);
    source.dispose();
    imported.dispose();
  });

  it('refuses U-Net weights in one line, exit 2: no library publishes them', async () => {
    const weights = join(dir, 'unet.pth');
    writeFileSync(
      weights,
      writePth(
        new Map([['conv1.weight', { shape: [1], dtype: 'float32', data: new Float32Array(1) }]]),
      ),
    );
    const out = join(dir, 'unet');
    const terminal = recordingTerminal();
    const args = ['import', '--model', 'unet_resnet18', '--weights', weights, '--out', out];
    expect(await run(args, terminal)).toBe(2);
    expect(terminal.stderr).toMatch(
      /^residual: .*unet\.pth: model "unet_resnet18" has no torchvision or timm counterpart; PyTorch weights fit resnet18, .*deeplabv3_resnet101\n$/,
    );
    expect(existsSync(out)).toBe(false);
  });
});
