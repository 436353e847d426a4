import { describe, expect, it } from 'vitest';
import { SHAPE_CLASSES, syntheticShapes } from './synthetic-shapes.js';

const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

describe('syntheticShapes', () => {
  it('is the same for a seed and different for another', () => {
    const a = syntheticShapes({ trainCount: 20, testCount: 5, seed: 3 });
    const b = syntheticShapes({ trainCount: 20, testCount: 5, seed: 3 });
    const c = syntheticShapes({ trainCount: 20, testCount: 5, seed: 4 });
    expect(same(a.train.images, b.train.images) && same(a.test.masks, b.test.masks)).toBe(true);
    expect(same(a.train.images, c.train.images)).toBe(false);
    // Test images come from their own stream: none is a training image.
    expect(
      same(a.train.images.subarray(0, 64 * 64 * 3), a.test.images.subarray(0, 64 * 64 * 3)),
    ).toBe(false);
  });

  it('draws 64×64 RGB images with masks of background and the three shapes', () => {
    const shapes = syntheticShapes({ trainCount: 200, testCount: 50 });
    expect(shapes).toMatchObject({
      name: 'shapes',
      task: 'segmentation',
      numClasses: 4,
      classNames: SHAPE_CLASSES,
    });
    expect(shapes.train.imageShape).toEqual([64, 64, 3]);
    expect(shapes.train.images.length).toBe(200 * 64 * 64 * 3);
    expect(shapes.train.masks.length).toBe(200 * 64 * 64);
    const share = [0, 0, 0, 0];
    for (const value of shapes.train.masks) share[value] += 1 / shapes.train.masks.length;
    // Mostly background; each shape covers a few percent of the pixels, none dominating.
    expect(share[0]).toBeGreaterThan(0.6);
    for (const shape of [1, 2, 3]) {
      expect(share[shape]).toBeGreaterThan(0.03);
      expect(share[shape]).toBeLessThan(0.2);
    }
    // Every image holds at least one shape.
    for (let n = 0; n < 200; n++) {
      expect(shapes.train.masks.subarray(n * 4096, (n + 1) * 4096).some((v) => v > 0)).toBe(true);
    }
  });

  it('paints each shape in one colour that stands out from the background', () => {
    const { train } = syntheticShapes({ trainCount: 50, testCount: 1, seed: 9 });
    let inside = 0;
    let across = 0;
    let pairs = 0;
    // Neighbouring pixels of one class differ by the noise only; across a shape's edge they
    // differ by far more on average.
    for (let n = 0; n < 50; n++) {
      for (let p = n * 4096; p < (n + 1) * 4096 - 1; p++) {
        if (p % 64 === 63) continue;
        let difference = 0;
        for (let c = 0; c < 3; c++)
          difference += Math.abs(train.images[3 * p + c] - train.images[3 * p + 3 + c]);
        if (train.masks[p] === train.masks[p + 1]) inside += difference;
        else {
          across += difference;
          pairs++;
        }
      }
    }
    const insidePairs = 50 * 64 * 63 - pairs;
    expect(across / pairs).toBeGreaterThan(3 * (inside / insidePairs));
  });

  it('takes a size and rejects bad options', () => {
    expect(syntheticShapes({ trainCount: 2, testCount: 2, size: 32 }).test.imageShape).toEqual([
      32, 32, 3,
    ]);
    expect(() => syntheticShapes({ size: 4 })).toThrow(
      'size must be an integer of at least 8, got 4.',
    );
    expect(() => syntheticShapes({ trainCount: 0 })).toThrow(
      'trainCount must be an integer of at least 1, got 0.',
    );
  });
});
