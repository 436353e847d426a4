import { describe, expect, it } from 'vitest';
import type { ImageSplit } from './image-dataset.js';
import { splitValidation } from './validation-split.js';

/** `count` 2×1 images whose bytes both hold their index (mod 256); labels cycle through 3. */
function split(count: number): ImageSplit {
  const images = new Uint8Array(count * 2);
  for (let i = 0; i < count; i++) images.fill(i % 256, 2 * i, 2 * i + 2);
  return {
    images,
    labels: Uint8Array.from({ length: count }, (_, i) => i % 3),
    count,
    imageShape: [2, 1, 1],
  };
}

describe('splitValidation', () => {
  it('holds out a stratified, seeded share, keeping each image with its label', () => {
    const { train, validation } = splitValidation(split(90), { count: 30 });
    expect([train.count, validation.count]).toEqual([60, 30]);
    expect(
      Array.from({ length: 3 }, (_, c) => validation.labels.filter((l) => l === c).length),
    ).toEqual([10, 10, 10]);
    const ids = (part: ImageSplit) =>
      Array.from({ length: part.count }, (_, i) => {
        expect(part.images[2 * i]).toBe(part.images[2 * i + 1]);
        expect(part.labels[i]).toBe(part.images[2 * i] % 3);
        return part.images[2 * i];
      });
    const trainIds = ids(train);
    const validationIds = ids(validation);
    // Every image in exactly one part, each part in the original order.
    expect([...trainIds, ...validationIds].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 90 }, (_, i) => i),
    );
    expect(trainIds).toEqual([...trainIds].sort((a, b) => a - b));
    expect(validationIds).toEqual([...validationIds].sort((a, b) => a - b));
  });

  it('is the same for the same seed and different for another', () => {
    const held = (seed?: number) =>
      Array.from(splitValidation(split(60), { count: 12, seed }).validation.images);
    expect(held()).toEqual(held());
    expect(held(7)).not.toEqual(held());
  });

  it('reuses the memory of the split instead of copying it', () => {
    const original = split(10);
    const { train, validation } = splitValidation(original, { count: 2 });
    expect(train.images.buffer).toBe(original.images.buffer);
    expect(validation.images.buffer).toBe(original.images.buffer);
  });

  it('refuses a count that leaves no training images', () => {
    expect(() => splitValidation(split(5), { count: 5 })).toThrow(
      'validation count must be an integer from 0 to 4 (fewer than the 5 images), got 5.',
    );
  });
});
