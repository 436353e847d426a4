import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetError } from './dataset-error.js';
import { decodeImage } from './decode-image.js';
import { readImageFiles, readImageFolder } from './image-folder.js';
import { resizeBilinear } from './resize.js';
import { jpegBytes, pngBytes, rgbaImage, tempDir, writeTree } from './test-files.js';

/** A 4×6 image of one colour. */
const solid = (r: number, g: number, b: number, height = 4, width = 6) =>
  rgbaImage(height, width, () => [r, g, b, 255]);

describe('decodeImage', () => {
  it('decodes PNG and JPEG by content, whatever the file is called', async () => {
    const gradient = rgbaImage(3, 5, (y, x) => [x * 50, y * 100, 7, 255]);
    const png = await decodeImage(pngBytes(gradient), 'a.jpg');
    expect(png).toMatchObject({ width: 5, height: 3 });
    expect(Array.from(png.rgba)).toEqual(Array.from(gradient.data));
    const jpeg = await decodeImage(jpegBytes(solid(200, 40, 90)), 'b.png');
    expect(jpeg).toMatchObject({ width: 6, height: 4 });
    // Lossy, but close: within a few levels of the colour that was encoded.
    expect(Math.abs(jpeg.rgba[0] - 200)).toBeLessThan(6);
    expect(Math.abs(jpeg.rgba[1] - 40)).toBeLessThan(6);
  });

  it('names the file it cannot decode', async () => {
    await expect(decodeImage(new TextEncoder().encode('hello'), 'x.png')).rejects.toThrow(
      'x.png: not a PNG or JPEG image (unrecognised content).',
    );
    const cut = pngBytes(solid(1, 2, 3)).subarray(0, 60);
    await expect(decodeImage(cut, 'cut.png')).rejects.toThrow(
      /^cut\.png: cannot decode the PNG image \(.+\)\.$/,
    );
    const jpeg = jpegBytes(solid(1, 2, 3));
    await expect(decodeImage(jpeg.subarray(0, jpeg.length / 2), 'cut.jpg')).rejects.toThrow(
      /^cut\.jpg: cannot decode the JPEG image/,
    );
  });
});

describe('readImageFolder', () => {
  it('reads one subfolder per class, sorted, and holds out a stratified test share', async () => {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 5; i++) {
      files[`dog/${i}.png`] = pngBytes(solid(200, 10 * i, 0));
      files[`cat/${i}.jpg`] = jpegBytes(solid(0, 10 * i, 200));
    }
    files['README.md'] = new TextEncoder().encode('notes');
    files['.DS_Store'] = new Uint8Array(3);
    const root = writeTree(tempDir(), files);
    const data = await readImageFolder(root, { testFraction: 0.4 });
    expect(data.classNames).toEqual(['cat', 'dog']);
    expect(data.numClasses).toBe(2);
    expect([data.train.count, data.test.count]).toEqual([6, 4]);
    expect(data.train.imageShape).toEqual([4, 6, 3]);
    expect(Array.from(data.test.labels).sort()).toEqual([0, 0, 1, 1]);
    // Dogs are red, cats blue: each label goes with its own pixels.
    for (const split of [data.train, data.test]) {
      split.labels.forEach((label, i) => {
        const red = split.images[i * 72];
        expect(label === 1 ? red > 150 : red < 50).toBe(true);
      });
    }
    const again = await readImageFolder(root, { testFraction: 0.4 });
    expect(Buffer.from(again.train.images).equals(Buffer.from(data.train.images))).toBe(true);
    expect(data.normalization.mean).toHaveLength(3);
  });

  it('uses train/ and test/ folders when present, and makes grey images one channel', async () => {
    const grey = (v: number) => pngBytes(solid(v, v, v), true);
    const root = writeTree(tempDir(), {
      'train/a/1.png': grey(10),
      'train/a/2.png': grey(20),
      'train/b/1.png': grey(200),
      'test/a/1.png': grey(30),
      'test/b/x.png': grey(210),
    });
    const data = await readImageFolder(root);
    expect([data.train.count, data.test.count]).toEqual([3, 2]);
    expect(data.train.imageShape).toEqual([4, 6, 1]);
    expect(data.test.images.length).toBe(2 * 24);
    expect(data.name).toBe(root.split('/').at(-1));
  });

  it('resizes on request and refuses mixed sizes otherwise', async () => {
    const root = writeTree(tempDir(), {
      'a/1.png': pngBytes(solid(9, 9, 9)),
      'a/2.png': pngBytes(solid(9, 9, 9, 8, 8)),
      'b/1.png': pngBytes(solid(9, 9, 9)),
      'b/2.png': pngBytes(solid(9, 9, 9)),
    });
    await expect(readImageFolder(root)).rejects.toThrow(
      `${join(root, 'a', '2.png')}: the image is 8×8, the others 4×6; pass a size to resize them all.`,
    );
    const data = await readImageFolder(root, { size: [5, 5], testFraction: 0.5 });
    expect(data.train.imageShape).toEqual([5, 5, 1]);
    expect(data.train.images.every((v) => v === 9)).toBe(true);
  });

  it('names an unreadable image, an unsupported format, a stray file and an empty folder', async () => {
    const good = pngBytes(solid(1, 2, 3));
    const broken = writeTree(tempDir(), {
      'a/1.png': good,
      'a/2.png': good.subarray(0, 40),
      'b/1.png': good,
    });
    const error = await readImageFolder(broken).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as Error).message).toMatch(
      new RegExp(`^${join(broken, 'a', '2.png')}: cannot decode the PNG image`),
    );
    const gif = writeTree(tempDir(), { 'a/1.png': good, 'a/2.gif': new Uint8Array(10) });
    await expect(readImageFolder(gif)).rejects.toThrow(
      `${join(gif, 'a', '2.gif')}: .gif images are not supported; convert them to .png, .jpg, .jpeg.`,
    );
    const stray = writeTree(tempDir(), { 'a/1.png': good, 'loose.png': good });
    await expect(readImageFolder(stray)).rejects.toThrow(
      `${join(stray, 'loose.png')}: not inside a class folder; put each image in a subfolder named after its class.`,
    );
    const empty = tempDir();
    await expect(readImageFolder(empty)).rejects.toThrow(/no images found/);
    await expect(readImageFolder(join(empty, 'nope'))).rejects.toThrow(
      `${join(empty, 'nope')}: cannot read the folder (ENOENT).`,
    );
  });

  it('names a test class that has no training images', async () => {
    const good = pngBytes(solid(1, 2, 3));
    const root = writeTree(tempDir(), {
      'train/a/1.png': good,
      'test/a/1.png': good,
      'test/z/1.png': good,
    });
    await expect(readImageFolder(root)).rejects.toThrow(
      `${join(root, 'test', 'z', '1.png')}: class "z" has no training images (classes: a).`,
    );
  });

  it('follows links to images and names a broken one', async () => {
    const root = writeTree(tempDir(), {
      'a/1.png': pngBytes(solid(1, 2, 3)),
      'b/1.png': pngBytes(solid(1, 2, 3)),
    });
    symlinkSync(join(root, 'a', '1.png'), join(root, 'a', 'linked.png'));
    expect((await readImageFolder(root, { testFraction: 0.34 })).train.count).toBe(2);
    symlinkSync(join(root, 'nowhere.png'), join(root, 'b', 'broken.png'));
    await expect(readImageFolder(root)).rejects.toThrow(
      `${join(root, 'b', 'broken.png')}: cannot read the file (ENOENT).`,
    );
  });
});

describe('readImageFiles (a folder picked in a browser)', () => {
  it('takes classes from webkitRelativePath below the picked folder', async () => {
    const file = (path: string, bytes: Uint8Array) =>
      Object.assign(new File([bytes as Uint8Array<ArrayBuffer>], path.split('/').at(-1) ?? path), {
        webkitRelativePath: path,
      });
    const png = pngBytes(solid(5, 6, 7));
    const data = await readImageFiles(
      [
        file('pets/train/cat/1.png', png),
        file('pets/train/dog/1.png', png),
        file('pets/test/cat/2.png', png),
      ],
      // The browser decoder needs a page; the pure-JS one decodes the same files here.
      { decode: decodeImage },
    );
    expect(data.name).toBe('pets');
    expect(data.classNames).toEqual(['cat', 'dog']);
    expect([data.train.count, data.test.count]).toEqual([2, 1]);
  });
});

describe('resizeBilinear', () => {
  it('keeps a constant image constant and interpolates between pixel centres', () => {
    const image = {
      width: 2,
      height: 1,
      rgba: Uint8Array.from([0, 0, 0, 255, 100, 100, 100, 255]),
    };
    const wide = resizeBilinear(image, 1, 4);
    expect(Array.from(wide.rgba.filter((_, i) => i % 4 === 0))).toEqual([0, 25, 75, 100]);
    expect(resizeBilinear(image, 1, 2)).toBe(image);
  });
});
