import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { DecodedImage } from './decode-image.js';
import { readImageFolder } from './image-folder.js';
import { type ImagePreprocessing, preprocessImage, withImageSize } from './image-preprocessing.js';
import { IMAGENET_CLASSES } from './imagenet-classes.js';
import {
  IMAGENET_NORMALIZATION,
  IMAGENET_PREPROCESSING,
  imagenetPreprocessing,
} from './imagenet-preprocessing.js';
import { resample } from './resample.js';
import { pngBytes, rgbaImage, tempDir, writeTree } from './test-files.js';

const decoded = (image: ReturnType<typeof rgbaImage>): DecodedImage => ({
  width: image.width,
  height: image.height,
  rgba: new Uint8Array(image.data),
});

const CROP: ImagePreprocessing = {
  source: 'test',
  size: 2,
  cropFraction: 0.5,
  interpolation: 'bilinear',
  normalization: IMAGENET_NORMALIZATION,
};

describe('preprocessImage', () => {
  it('resizes the shorter side to size / cropFraction and crops the centre', () => {
    // 4 high, 8 wide, each column its own grey: the shorter side is already 4 = 2 / 0.5.
    const image = decoded(rgbaImage(4, 8, (_y, x) => [x * 30, x * 30, x * 30, 255]));
    const rgb = preprocessImage(image, CROP);
    expect(Array.from(rgb)).toEqual([90, 90, 90, 120, 120, 120, 90, 90, 90, 120, 120, 120]);
  });

  it('without a crop fraction resizes the whole image (Keras)', () => {
    const image = decoded(rgbaImage(4, 8, (_y, x) => [x < 4 ? 0 : 200, 0, 0, 255]));
    const rgb = preprocessImage(image, { ...CROP, cropFraction: undefined });
    // 2×2 of the squashed image: left pixels mostly black, right mostly red (the shrink is
    // antialiased, so the edge bleeds a little), rows alike.
    expect(rgb.length).toBe(12);
    expect(rgb[0]).toBeLessThan(50);
    expect(rgb[3]).toBeGreaterThan(150);
    expect(Array.from(rgb.subarray(6))).toEqual(Array.from(rgb.subarray(0, 6)));
  });

  it('withImageSize keeps the crop fraction', () => {
    const torchvision = imagenetPreprocessing('resnet50') as ImagePreprocessing;
    expect(withImageSize(torchvision, 64)).toMatchObject({ size: 64, cropFraction: 0.875 });
    expect(() => withImageSize(torchvision, 0)).toThrow(RangeError);
  });
});

describe('resample', () => {
  it('enlarges as tf.image.resizeBilinear with half-pixel centres', () => {
    const image = decoded(rgbaImage(2, 3, (y, x) => [y * 100 + x * 40, 7, 250, 255]));
    const ours = resample(image, 5, 7, 'bilinear');
    const theirs = tf.tidy(() =>
      tf.image
        .resizeBilinear(tf.tensor3d(Float32Array.from(image.rgba), [2, 3, 4]), [5, 7], false, true)
        .dataSync(),
    );
    for (let i = 0; i < theirs.length; i++)
      expect(Math.abs(ours.rgba[i] - theirs[i])).toBeLessThanOrEqual(0.5);
  });

  it('shrinks with antialiasing: every source pixel counts, as in PIL', () => {
    const board = decoded(
      rgbaImage(8, 8, (y, x) => ((x + y) % 2 === 0 ? [255, 255, 255, 255] : [0, 0, 0, 255])),
    );
    for (const interpolation of ['bilinear', 'bicubic'] as const) {
      const one = resample(board, 1, 1, interpolation);
      expect(Math.abs(one.rgba[0] - 127.5)).toBeLessThanOrEqual(1);
    }
  });
});

describe('ImageNet metadata', () => {
  it('ships the 1000 class names in index order', () => {
    expect(IMAGENET_CLASSES).toHaveLength(1000);
    expect([IMAGENET_CLASSES[0], IMAGENET_CLASSES[1], IMAGENET_CLASSES[999]]).toEqual([
      'tench',
      'goldfish',
      'toilet tissue',
    ]);
  });

  it('knows each source library’s preprocessing', () => {
    expect(IMAGENET_PREPROCESSING.resnet18).toMatchObject({
      source: 'torchvision',
      size: 224,
      cropFraction: 0.875,
    });
    expect(imagenetPreprocessing('resnet50v2')?.normalization.mean).toEqual([0.5, 0.5, 0.5]);
    expect(imagenetPreprocessing('seresnet50')).toMatchObject({
      cropFraction: 0.95,
      interpolation: 'bicubic',
    });
    expect(imagenetPreprocessing('cifar_resnet20')).toBeUndefined();
    expect(imagenetPreprocessing('toString')).toBeUndefined();
  });

  it('an image folder read with a model’s preprocessing is size×size RGB, normalised as the model', async () => {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 3; i++) {
      files[`a/${i}.png`] = pngBytes(rgbaImage(10, 14, () => [9, 9, 9, 255]));
      files[`b/${i}.png`] = pngBytes(rgbaImage(12, 6, () => [200, 10, 10, 255]));
    }
    const data = await readImageFolder(writeTree(tempDir(), files), {
      preprocessing: withImageSize(IMAGENET_PREPROCESSING.resnet18, 4),
    });
    expect(data.train.imageShape).toEqual([4, 4, 3]);
    expect(data.normalization).toEqual(IMAGENET_NORMALIZATION);
    expect(data.train.images.length).toBe(data.train.count * 48);
  });
});
