import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetError } from './dataset-error.js';
import { loadDataset } from './load-dataset.js';
import { isSegmentationFolder, readSegmentationFolder } from './segmentation-folder.js';
import { VOC_CLASSES } from './segmentation-layout.js';
import { jpegBytes, maskPngBytes, pngBytes, rgbaImage, tempDir, writeTree } from './test-files.js';
import { vocPalette } from './voc-palette.js';

const VOC = Array.from({ length: 256 }, (_, i) =>
  Array.from(vocPalette().subarray(3 * i, 3 * i + 3)),
);
const HEIGHT = 4;
const WIDTH = 6;

/** An image whose red channel is `tag` everywhere and green the column, so tests tell them apart. */
const image = (tag: number, height = HEIGHT, width = WIDTH) =>
  pngBytes(rgbaImage(height, width, (_, x) => [tag, x * 10, 200, 255]));
/** A mask whose pixel (y, x) is `value(y, x)`, as Pascal VOC writes them (indexed, VOC colours). */
const mask = (value: (y: number, x: number) => number, height = HEIGHT, width = WIDTH) =>
  maskPngBytes(
    height,
    width,
    Array.from({ length: height * width }, (_, p) => value(Math.floor(p / width), p % width)),
    { palette: VOC },
  );
/** Class `id` on the left half, background on the right, a 255 border in the last row. */
const halves = (id: number) => mask((y, x) => (y === HEIGHT - 1 ? 255 : x < WIDTH / 2 ? id : 0));

function vocTree(extra: Record<string, Uint8Array | string> = {}): string {
  const root = tempDir();
  const base = 'VOCdevkit/VOC2012/';
  const files: Record<string, Uint8Array | string> = {
    [`${base}ImageSets/Segmentation/train.txt`]: 'b\na\nc\n',
    [`${base}ImageSets/Segmentation/val.txt`]: 'd\r\ne\r\n',
    // A detection-only image: no mask, not listed, left out.
    [`${base}JPEGImages/z.jpg`]: image(99),
  };
  ['a', 'b', 'c', 'd', 'e'].forEach((id, i) => {
    files[`${base}JPEGImages/${id}.jpg`] = image(10 + i);
    files[`${base}SegmentationClass/${id}.png`] = halves(i + 1);
  });
  return writeTree(root, { ...files, ...extra });
}

const rejects = async (promise: Promise<unknown>, message: string | RegExp) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DatasetError);
  expect((error as Error).message).toMatch(message);
};

describe('readSegmentationFolder, Pascal VOC', () => {
  it('reads the listed images and their masks as class indices, 255 kept', async () => {
    const root = vocTree();
    const voc = await readSegmentationFolder(root);
    expect(voc.task).toBe('segmentation');
    expect(voc.classNames).toEqual(VOC_CLASSES);
    expect(voc.numClasses).toBe(21);
    expect(voc.train.count).toBe(3);
    expect(voc.test.count).toBe(2);
    expect(voc.train.imageShape).toEqual([HEIGHT, WIDTH, 3]);
    // train.txt's order: b, a, c (images tagged 11, 10, 12; masks of classes 2, 1, 3).
    const pixels = HEIGHT * WIDTH;
    expect([0, 1, 2].map((n) => voc.train.images[n * pixels * 3])).toEqual([11, 10, 12]);
    expect([0, 1, 2].map((n) => voc.train.masks[n * pixels])).toEqual([2, 1, 3]);
    expect(Array.from(voc.test.masks.subarray(0, pixels))).toEqual(
      Array.from({ length: pixels }, (_, p) =>
        p >= (HEIGHT - 1) * WIDTH ? 255 : p % WIDTH < WIDTH / 2 ? 4 : 0,
      ),
    );
    expect(Array.from(voc.palette)).toEqual(Array.from(vocPalette()));
  });

  it('resizes images bilinearly and masks by nearest neighbour to a given size', async () => {
    const voc = await readSegmentationFolder(vocTree(), { size: [8, 12] });
    expect(voc.train.imageShape).toEqual([8, 12, 3]);
    const first = Array.from(voc.train.masks.subarray(0, 8 * 12));
    // Every value is one of the original mask's, each doubled in both directions.
    expect(first.slice(0, 12)).toEqual([2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0]);
    expect(first.slice(7 * 12)).toEqual(Array(12).fill(255));
  });

  it('without the lists, holds out a seeded fifth of the masked images', async () => {
    const root = vocTree();
    const { rmSync } = await import('node:fs');
    rmSync(join(root, 'VOCdevkit/VOC2012/ImageSets'), { recursive: true });
    const voc = await readSegmentationFolder(join(root, 'VOCdevkit/VOC2012'));
    expect([voc.train.count, voc.test.count]).toEqual([4, 1]);
    const again = await readSegmentationFolder(join(root, 'VOCdevkit/VOC2012'));
    expect(Buffer.from(again.test.images).equals(Buffer.from(voc.test.images))).toBe(true);
  });

  it('names the file of every bad input', async () => {
    const base = 'VOCdevkit/VOC2012/';
    await rejects(
      readSegmentationFolder(
        vocTree({ [`${base}SegmentationClass/c.png`]: mask(() => 1, 3, WIDTH) }),
      ),
      /SegmentationClass\/c\.png: the mask is 3×6, but its image .*JPEGImages\/c\.jpg is 4×6\.$/,
    );
    await rejects(
      readSegmentationFolder(
        vocTree({
          [`${base}SegmentationClass/a.png`]: mask((y, x) => (y === 2 && x === 5 ? 21 : 0)),
        }),
      ),
      /SegmentationClass\/a\.png: value 21 at row 2, column 5 is not a class; there are 21 classes \(0-20\) and 255 marks pixels to ignore\.$/,
    );
    await rejects(
      readSegmentationFolder(
        vocTree({
          [`${base}SegmentationClass/b.png`]: jpegBytes(rgbaImage(4, 6, () => [1, 2, 3, 255])),
        }),
      ),
      /SegmentationClass\/b\.png: a mask must be a PNG file \(indexed or grey\), but this is not a PNG/,
    );
    await rejects(
      readSegmentationFolder(vocTree({ [`${base}SegmentationClass/e.png`]: image(5) })),
      /SegmentationClass\/e\.png: the mask is a RGBA PNG; masks must be indexed/,
    );
    await rejects(
      readSegmentationFolder(vocTree({ [`${base}ImageSets/Segmentation/val.txt`]: 'd\nz\n' })),
      /JPEGImages\/z\.jpg: the image has no mask \(expected VOCdevkit\/VOC2012\/SegmentationClass\/z\.png\)\.$/,
    );
    await rejects(
      readSegmentationFolder(vocTree({ [`${base}ImageSets/Segmentation/val.txt`]: 'd\nq\n' })),
      /val\.txt: lists "q", but VOCdevkit\/VOC2012\/JPEGImages\/ has no q\.jpg\.$/,
    );
    await rejects(
      readSegmentationFolder(
        vocTree({
          [`${base}JPEGImages/a.jpg`]: image(1, 5, 6),
          [`${base}SegmentationClass/a.png`]: mask(() => 0, 5, 6),
        }),
      ),
      /JPEGImages\/a\.jpg: the image is 5×6, the others 4×6; pass a size to resize them all\.$/,
    );
  });
});

describe('readSegmentationFolder, images/ beside masks/', () => {
  const pair = (id: string, tag: number, value: number) => ({
    [`images/${id}.png`]: image(tag),
    [`masks/${id}.png`]: mask(() => value),
  });

  it('pairs images with masks of the same name, with classes from classes.txt', async () => {
    const root = writeTree(tempDir(), {
      'classes.txt': 'ground\nrock\nsky\n',
      ...pair('1', 1, 0),
      ...pair('2', 2, 1),
      ...pair('3', 3, 2),
      ...pair('4', 4, 1),
      ...pair('5', 5, 0),
    });
    const data = await readSegmentationFolder(root);
    expect(data.classNames).toEqual(['ground', 'rock', 'sky']);
    expect([data.train.count, data.test.count]).toEqual([4, 1]);
    const pixels = HEIGHT * WIDTH;
    // Each image still carries its own mask: tag 1..5 ↔ class 0, 1, 2, 1, 0.
    const expected = [0, 0, 1, 2, 1, 0];
    for (const split of [data.train, data.test]) {
      for (let n = 0; n < split.count; n++) {
        expect(split.masks[n * pixels]).toBe(expected[split.images[n * pixels * 3]]);
      }
    }
    await rejects(
      readSegmentationFolder(
        writeTree(tempDir(), {
          'classes.txt': 'a\nb\n',
          ...pair('1', 1, 2),
          ...pair('2', 1, 0),
          ...pair('3', 1, 0),
        }),
      ),
      /masks\/1\.png: value 2 at row 0, column 0 is not a class; there are 2 classes \(0-1\)/,
    );
  });

  it('reads train/ and test/ folders, grey images as one channel, classes up to the largest value', async () => {
    const grey = (tag: number) => pngBytes(rgbaImage(HEIGHT, WIDTH, () => [tag, tag, tag, 255]));
    const root = writeTree(tempDir(), {
      'train/images/a.png': grey(1),
      'train/masks/a.png': mask(() => 3),
      'train/images/b.png': grey(2),
      'train/masks/b.png': mask(() => 255),
      'test/images/c.png': grey(3),
      'test/masks/c.png': maskPngBytes(HEIGHT, WIDTH, Array(HEIGHT * WIDTH).fill(1)),
    });
    const data = await readSegmentationFolder(root);
    expect([data.train.count, data.test.count]).toEqual([2, 1]);
    expect(data.train.imageShape).toEqual([HEIGHT, WIDTH, 1]);
    expect(data.classNames).toEqual(['0', '1', '2', '3']);
    expect(data.test.images[0]).toBe(3);
  });

  it('names an image without a mask and a mask without an image', async () => {
    await rejects(
      readSegmentationFolder(
        writeTree(tempDir(), { ...pair('1', 1, 0), 'images/2.jpg': image(2) }),
      ),
      /images\/2\.jpg: the image has no mask \(expected masks\/2\.png\)\.$/,
    );
    await rejects(
      readSegmentationFolder(
        writeTree(tempDir(), { ...pair('1', 1, 0), 'masks/3.png': mask(() => 0) }),
      ),
      /masks\/3\.png: the mask has no image \(expected images\/3\.png or \.jpg\)\.$/,
    );
    await rejects(
      readSegmentationFolder(
        writeTree(tempDir(), { 'cats/1.png': image(1), 'dogs/2.png': image(2) }),
      ),
      /: not a segmentation folder; expected Pascal VOC's JPEGImages\/ and SegmentationClass\//,
    );
  });
});

describe('isSegmentationFolder', () => {
  it('tells segmentation folders from classification folders by their folder names', async () => {
    expect(await isSegmentationFolder(vocTree())).toBe(true);
    expect(await isSegmentationFolder(join(vocTree(), 'VOCdevkit/VOC2012'))).toBe(true);
    const classes = writeTree(tempDir(), { 'cats/1.png': image(1), 'dogs/2.png': image(2) });
    expect(await isSegmentationFolder(classes)).toBe(false);
  });

  it('keeps loadDataset from reading a segmentation folder as classes', async () => {
    const root = vocTree();
    await rejects(
      loadDataset(root),
      /: a segmentation data set \(a class per pixel\), not a classification one; load it with loadSegmentationDataset/,
    );
  });
});
