import { describe, expect, it } from 'vitest';
import type { ImageDataset, ImageSplit } from './image-dataset.js';
import { resizeDataset, resizeSplit } from './resize-dataset.js';

const GREY_4X4 = [0, 40, 80, 120, 10, 60, 110, 160, 200, 150, 100, 50, 255, 0, 255, 0];

/** PIL rounds to bytes between its two passes, `resample` once at the end: a level apart at most. */
function expectWithinOneLevel(actual: ArrayLike<number>, pil: readonly number[]): void {
  expect(actual).toHaveLength(pil.length);
  const worst = Math.max(...pil.map((value, i) => Math.abs(actual[i] - value)));
  expect(worst).toBeLessThanOrEqual(1);
}

function split(values: number[], shape: [number, number, number], count = 1): ImageSplit {
  const image = Uint8Array.from(values);
  const images = new Uint8Array(image.length * count);
  for (let i = 0; i < count; i++) images.set(image, i * image.length);
  return { images, labels: new Uint8Array(count), count, imageShape: shape };
}

describe('resizeSplit', () => {
  it("gives what torchvision's Resize then Grayscale(num_output_channels=3) gives", () => {
    const resized = resizeSplit(split(GREY_4X4, [4, 4, 1], 2), { size: 6, channels: 3 });
    expect(resized.imageShape).toEqual([6, 6, 3]);
    expect(resized.count).toBe(2);
    // torchvision 0.14: T.Compose([T.Resize(6), T.Grayscale(3)]) on the PIL image of GREY_4X4.
    const pil = [
      [0, 20, 47, 73, 100, 120],
      [5, 28, 58, 88, 118, 140],
      [42, 58, 80, 103, 125, 142],
      [168, 152, 130, 107, 85, 68],
      [228, 152, 93, 160, 102, 25],
      [255, 128, 43, 212, 128, 0],
    ].flat();
    for (const image of [0, 1]) {
      for (const channel of [0, 1, 2]) {
        const values = pil.map((_, p) => resized.images[image * 108 + p * 3 + channel]);
        expectWithinOneLevel(values, pil);
      }
    }
  });

  it('antialiases when shrinking, as PIL does', () => {
    const resized = resizeSplit(split(GREY_4X4, [4, 4, 1]), { size: 2 });
    // T.Resize(2) on the same image.
    expectWithinOneLevel(resized.images, [56, 104, 139, 101]);
    expect(resized.imageShape).toEqual([2, 2, 1]);
  });

  it("turns RGB into its luma, as torchvision's Grayscale(1)", () => {
    const rgb = [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 200, 30];
    const grey = resizeSplit(split(rgb, [2, 2, 3]), { channels: 1 });
    expect(Array.from(grey.images)).toEqual([76, 150, 29, 124]);
  });

  it('returns the split itself when the shape already fits', () => {
    const original = split(GREY_4X4, [4, 4, 1]);
    expect(resizeSplit(original, { size: 4, channels: 1 })).toBe(original);
    expect(resizeSplit(original, {})).toBe(original);
  });

  it('refuses a size or channel count it cannot make', () => {
    const original = split(GREY_4X4, [4, 4, 1]);
    expect(() => resizeSplit(original, { size: 0 })).toThrow(/size must be a positive integer/);
    expect(() => resizeSplit(original, { channels: 2 as 1 })).toThrow(/channels must be 1 or 3/);
  });
});

describe('resizeDataset', () => {
  const dataset: ImageDataset = {
    name: 'tiny',
    train: split(GREY_4X4, [4, 4, 1], 3),
    test: split(GREY_4X4, [4, 4, 1], 1),
    validation: split(GREY_4X4, [4, 4, 1], 2),
    numClasses: 10,
    classNames: [],
    normalization: { mean: [0.13], std: [0.31] },
  };

  it('resizes every split and repeats grey statistics for three channels', () => {
    const resized = resizeDataset(dataset, { size: 8, channels: 3 });
    for (const name of ['train', 'test', 'validation'] as const) {
      expect(resized[name]?.imageShape).toEqual([8, 8, 3]);
      expect(resized[name]?.count).toBe(dataset[name]?.count);
    }
    expect(resized.normalization).toEqual({ mean: [0.13, 0.13, 0.13], std: [0.31, 0.31, 0.31] });
  });

  it('keeps the statistics for a resize alone, and computes the luma statistics for one channel', () => {
    expect(resizeDataset(dataset, { size: 8 }).normalization).toBe(dataset.normalization);
    const colour = resizeDataset(dataset, { channels: 3 });
    const grey = resizeDataset(
      { ...colour, normalization: { mean: [0.5, 0.5, 0.5], std: [0.2, 0.2, 0.2] } },
      { channels: 1 },
    );
    expect(Array.from(grey.train.images)).toEqual(Array.from(dataset.train.images));
    const mean = GREY_4X4.reduce((sum, v) => sum + v / 255, 0) / GREY_4X4.length;
    expect(grey.normalization.mean[0]).toBeCloseTo(mean, 10);
    expect(grey.normalization.mean).toHaveLength(1);
  });
});
