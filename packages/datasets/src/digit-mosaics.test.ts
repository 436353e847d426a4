import { describe, expect, it } from 'vitest';
import { digitMosaics, MOSAIC_CLASSES } from './digit-mosaics.js';
import { loadDigits } from './digits.js';

const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

describe('digitMosaics', () => {
  it('is the same for a seed, and builds 64×64 grey mosaics of 11 classes', async () => {
    const a = await digitMosaics({ trainCount: 30, testCount: 10, seed: 1 });
    const b = await digitMosaics({ trainCount: 30, testCount: 10, seed: 1 });
    const c = await digitMosaics({ trainCount: 30, testCount: 10, seed: 2 });
    expect(same(a.train.masks, b.train.masks) && same(a.test.images, b.test.images)).toBe(true);
    expect(same(a.train.images, c.train.images)).toBe(false);
    expect(a).toMatchObject({ name: 'digit-mosaics', task: 'segmentation', numClasses: 11 });
    expect(a.classNames).toEqual(MOSAIC_CLASSES);
    expect(MOSAIC_CLASSES[0]).toBe('background');
    expect(MOSAIC_CLASSES[10]).toBe('9');
    expect(a.train.imageShape).toEqual([64, 64, 1]);
  });

  it('marks a digit’s class exactly where its stroke is at least the threshold', async () => {
    const { train } = await digitMosaics({ trainCount: 100, testCount: 1, threshold: 0.5 });
    const seen = new Set<number>();
    let wrong = 0;
    for (let p = 0; p < train.masks.length; p++) {
      seen.add(train.masks[p]);
      if ((train.masks[p] === 0) !== train.images[p] < 128) wrong++;
    }
    expect(wrong).toBe(0);
    expect(seen).toEqual(new Set(Array.from({ length: 11 }, (_, c) => c)));
  });

  it('builds test mosaics from test digits only, so they are truly held out', async () => {
    // A 28×28 canvas with one digit at scale 1 is the digit itself.
    const mosaics = await digitMosaics({
      trainCount: 60,
      testCount: 60,
      size: 28,
      digits: [1, 1],
      scale: [1, 1],
    });
    const digits = await loadDigits();
    const keys = (images: Uint8Array, count: number) =>
      new Set(
        Array.from({ length: count }, (_, i) =>
          Buffer.from(images.subarray(i * 784, (i + 1) * 784)).toString('base64'),
        ),
      );
    const trainDigits = keys(digits.train.images, digits.train.count);
    const testDigits = keys(digits.test.images, digits.test.count);
    for (const key of keys(mosaics.test.images, 60)) {
      expect(testDigits.has(key)).toBe(true);
      expect(trainDigits.has(key)).toBe(false);
    }
    for (const key of keys(mosaics.train.images, 60)) expect(trainDigits.has(key)).toBe(true);
  });

  it('rejects options it cannot draw', async () => {
    await expect(digitMosaics({ size: 32, scale: [1, 1.5] })).rejects.toThrow(
      'scale must be [smallest, largest] with 0 < smallest ≤ largest and 28 × largest ≤ size (32), got [1,1.5].',
    );
    await expect(digitMosaics({ digits: [0, 2] })).rejects.toThrow(
      'digits must be [fewest, most] with 1 ≤ fewest ≤ most, got [0,2].',
    );
    await expect(digitMosaics({ threshold: 0 })).rejects.toThrow(
      'threshold must be in (0, 1], got 0.',
    );
  });
});
