import { describe, expect, it } from 'vitest';
import { loadDigits, stratifiedCounts } from './digits.js';

describe('loadDigits', () => {
  it('splits the 10,000 bundled digits 8,000 / 2,000, stratified by class', async () => {
    const digits = await loadDigits();
    expect(digits.train.count).toBe(8000);
    expect(digits.test.count).toBe(2000);
    expect(digits.train.imageShape).toEqual([28, 28, 1]);
    expect(digits.train.images.length).toBe(8000 * 784);
    const testPerClass = Array.from(
      { length: 10 },
      (_, c) => digits.test.labels.filter((l) => l === c).length,
    );
    // 20% of each class (1,001 zeros, 1,127 ones, …), rounded by largest remainder.
    expect(testPerClass).toEqual([200, 225, 198, 206, 196, 173, 203, 214, 189, 196]);
  });

  it('gives the same split on every call, with no image in both parts', async () => {
    const a = await loadDigits();
    const b = await loadDigits();
    expect(Buffer.from(a.test.images).equals(Buffer.from(b.test.images))).toBe(true);
    expect(Buffer.from(a.train.labels).equals(Buffer.from(b.train.labels))).toBe(true);
    const key = (images: Uint8Array, i: number) =>
      Buffer.from(images.subarray(i * 784, (i + 1) * 784)).toString('base64');
    const trainImages = new Set(
      Array.from({ length: a.train.count }, (_, i) => key(a.train.images, i)),
    );
    const shared = Array.from({ length: a.test.count }, (_, i) => key(a.test.images, i)).filter(
      (k) => trainImages.has(k),
    );
    // MNIST has a handful of exact duplicate images; a leak would show hundreds.
    expect(shared.length).toBeLessThan(5);
  });

  it('holds real digits: blank corners and the MNIST mean grey level', async () => {
    const { train } = await loadDigits();
    let corners = 0;
    for (let i = 0; i < train.count; i++) {
      const image = train.images.subarray(i * 784, (i + 1) * 784);
      corners += image[0] + image[27] + image[756] + image[783];
    }
    expect(corners).toBe(0);
    const mean = train.images.reduce((sum, v) => sum + v, 0) / train.images.length / 255;
    expect(mean).toBeGreaterThan(0.12);
    expect(mean).toBeLessThan(0.14);
  });
});

describe('stratifiedCounts', () => {
  it('keeps the total exact by largest remainder', () => {
    // 7.5 rounds to 8; the three equal remainders go to the lower class indices first.
    expect(stratifiedCounts([5, 5, 5], 0.5)).toEqual([3, 3, 2]);
    expect(stratifiedCounts([10, 7], 0.2)).toEqual([2, 1]);
    expect(stratifiedCounts([1001, 1127], 0.2).reduce((a, b) => a + b)).toBe(426);
  });
});

describe('the digits order', () => {
  it('mixes the classes, so a prefix of the training split holds every digit', async () => {
    const { train } = await loadDigits();
    expect(new Set(train.labels.subarray(0, 100)).size).toBe(10);
  });
});
