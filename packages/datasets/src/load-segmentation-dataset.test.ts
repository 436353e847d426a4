import { describe, expect, it } from 'vitest';
import { listDatasets } from './catalog.js';
import { loadDataset } from './load-dataset.js';
import { loadSegmentationDataset } from './load-segmentation-dataset.js';
import {
  datasetTask,
  getSegmentationDatasetInfo,
  listSegmentationDatasets,
} from './segmentation-catalog.js';
import { maskPngBytes, pngBytes, rgbaImage, tempDir, writeTree } from './test-files.js';

const small = { trainCount: 40, testCount: 10 };

describe('loadSegmentationDataset', () => {
  it('loads the generated data sets by name, as the catalogue describes them', async () => {
    for (const info of listSegmentationDatasets()) {
      const dataset = await loadSegmentationDataset(info.name, {
        shapes: small,
        digitMosaics: small,
      });
      expect(dataset.name).toBe(info.name);
      expect(dataset.task).toBe('segmentation');
      expect(dataset.classNames).toEqual(info.classNames);
      expect(dataset.train.imageShape).toEqual(info.imageShape);
      expect(dataset.train.count).toBe(40);
    }
    expect(getSegmentationDatasetInfo('shapes')).toMatchObject({
      trainCount: 2000,
      testCount: 500,
    });
  });

  it('holds a seeded validation set out of the training images', async () => {
    const whole = await loadSegmentationDataset('shapes', { shapes: small });
    const held = await loadSegmentationDataset('shapes', { shapes: small, validation: true });
    expect(held.train.count).toBe(36);
    expect(held.validation?.count).toBe(4);
    expect(held.validation?.masks.length).toBe(4 * 64 * 64);
    // Every held-out image is one of the training images, and no longer among them.
    const key = (images: Uint8Array, n: number) =>
      Buffer.from(images.subarray(n * 12288, (n + 1) * 12288)).toString('base64');
    const original = new Set(Array.from({ length: 40 }, (_, n) => key(whole.train.images, n)));
    const kept = new Set(Array.from({ length: 36 }, (_, n) => key(held.train.images, n)));
    for (let n = 0; n < 4; n++) {
      const image = key(held.validation?.images ?? new Uint8Array(), n);
      expect(original.has(image) && !kept.has(image)).toBe(true);
    }
    await expect(
      loadSegmentationDataset('shapes', { shapes: small, validation: 40 }),
    ).rejects.toThrow(
      'validation: 40 images cannot be held out of 40 training images; give 1 to 39.',
    );
  });

  it('reads a folder, and names what it cannot load', async () => {
    const image = pngBytes(rgbaImage(2, 2, () => [9, 8, 7, 255]));
    const mask = maskPngBytes(2, 2, [0, 1, 1, 255]);
    const root = writeTree(tempDir(), {
      'train/images/a.png': image,
      'train/masks/a.png': mask,
      'val/images/b.png': image,
      'val/masks/b.png': mask,
    });
    const folder = await loadSegmentationDataset(root);
    expect([folder.train.count, folder.test.count, folder.numClasses]).toEqual([1, 1, 2]);
    await expect(loadSegmentationDataset('cifar11')).rejects.toThrow(
      'Unknown data set "cifar11". Known: digits, mnist, fashion-mnist, cifar10, cifar100, shapes, digit-mosaics, or a path to a folder.',
    );
    await expect(loadSegmentationDataset('./no/such/folder')).rejects.toThrow(
      './no/such/folder: no such folder.',
    );
  });
});

describe('datasetTask', () => {
  it('tells classification from segmentation by name or by folder, without loading', async () => {
    for (const info of listDatasets()) {
      expect(info.task).toBe('classification');
      expect(await datasetTask(info.name)).toBe('classification');
    }
    expect(await datasetTask('shapes')).toBe('segmentation');
    expect(await datasetTask('digit-mosaics')).toBe('segmentation');
    const masks = writeTree(tempDir(), { 'images/a.png': 'x', 'masks/a.png': 'x' });
    expect(await datasetTask(masks)).toBe('segmentation');
    const classes = writeTree(tempDir(), { 'cat/a.png': 'x' });
    expect(await datasetTask(classes)).toBe('classification');
    await expect(datasetTask('shapez')).rejects.toThrow('Unknown data set "shapez".');
    await expect(datasetTask('./nowhere')).rejects.toThrow('./nowhere: no such folder.');
  });

  it('keeps loadDataset from loading a segmentation data set as classes', async () => {
    await expect(loadDataset('shapes')).rejects.toThrow(
      'shapes: a segmentation data set (a class per pixel), not a classification one; load it with loadSegmentationDataset, for a model with a segmentation head.',
    );
  });
});
