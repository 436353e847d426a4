import { Rng } from '@residual/backend';
import { describe, expect, it } from 'vitest';
import { randomScaleCropFlip } from './segmentation-augmentation.js';

const SIDE = 8;
/** An 8×8 mask of four quadrant classes, and an image whose grey level is 40 × the class. */
function quadrants(): { image: Uint8Array; mask: Uint8Array } {
  const mask = Uint8Array.from({ length: SIDE * SIDE }, (_, p) => {
    const [y, x] = [Math.floor(p / SIDE), p % SIDE];
    return (y < SIDE / 2 ? 0 : 2) + (x < SIDE / 2 ? 0 : 1);
  });
  return { image: Uint8Array.from(mask, (c) => 40 * c), mask };
}
const shape = [1, SIDE, SIDE, 1] as const;

describe('randomScaleCropFlip', () => {
  it('leaves image and mask as they are at scale 1 without padding or flip', () => {
    const { image, mask } = quadrants();
    randomScaleCropFlip({ scale: [1, 1], flip: false })(image, mask, shape, new Rng(1));
    expect(Array.from(mask)).toEqual(Array.from(quadrants().mask));
    expect(Array.from(image)).toEqual(Array.from(quadrants().image));
  });

  it('moves image and mask together, padding the mask with 255 and the image with 0', () => {
    const rng = new Rng(2);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const { image, mask } = quadrants();
      randomScaleCropFlip({ scale: [1, 1], padding: 2 })(image, mask, shape, rng);
      for (let p = 0; p < SIDE * SIDE; p++) {
        expect(image[p]).toBe(mask[p] === 255 ? 0 : 40 * mask[p]);
      }
      seen.add(mask.join());
    }
    // 5 vertical × 5 horizontal shifts × 2 mirrorings.
    expect(seen.size).toBe(50);
    const mirrored = quadrants().mask.map(
      (_, p) => quadrants().mask[p - (p % SIDE) + SIDE - 1 - (p % SIDE)],
    );
    expect(seen).toContain(mirrored.join());
  });

  it('scales the mask by nearest neighbour (no new values) and the image bilinearly', () => {
    const original = quadrants().mask;
    const at = (y: number, x: number) => original[y * SIDE + x];
    const rng = new Rng(3);
    for (let i = 0; i < 20; i++) {
      const { image, mask } = quadrants();
      randomScaleCropFlip({ scale: [2, 2], flip: false })(image, mask, shape, rng);
      // Doubled to 16×16, the window starts at some (top, left) in [0, 8]: pixel (y, x) of the
      // mask is original pixel ((y + top) / 2, (x + left) / 2), rounded down.
      const windows: [number, number][] = [];
      for (let top = 0; top <= SIDE; top++) {
        for (let left = 0; left <= SIDE; left++) {
          const fits = mask.every(
            (value, p) =>
              value ===
              at(Math.floor((Math.floor(p / SIDE) + top) / 2), Math.floor(((p % SIDE) + left) / 2)),
          );
          if (fits) windows.push([top, left]);
        }
      }
      expect(windows.length).toBeGreaterThan(0);
      const [top, left] = windows[0];
      // Where the bilinear neighbourhood of a pixel lies in one quadrant, the image is exact.
      for (let p = 0; p < SIDE * SIDE; p++) {
        const sourceY = Math.max((Math.floor(p / SIDE) + top + 0.5) / 2 - 0.5, 0);
        const sourceX = Math.max(((p % SIDE) + left + 0.5) / 2 - 0.5, 0);
        const [y0, x0] = [Math.floor(sourceY), Math.floor(sourceX)];
        const [y1, x1] = [Math.min(y0 + 1, SIDE - 1), Math.min(x0 + 1, SIDE - 1)];
        const corners = new Set([at(y0, x0), at(y0, x1), at(y1, x0), at(y1, x1)]);
        if (corners.size === 1) expect(image[p]).toBe(40 * at(y0, x0));
      }
    }
  });

  it('shrunk, leaves the rest of the window ignored', () => {
    const { image, mask } = quadrants();
    randomScaleCropFlip({ scale: [0.5, 0.5] })(image, mask, shape, new Rng(4));
    expect(mask.filter((value) => value === 255).length).toBe(SIDE * SIDE - 16);
    expect(new Set(mask.filter((value) => value !== 255))).toEqual(new Set([0, 1, 2, 3]));
  });

  it('augments a batch the same way for the same generator state', () => {
    const run = (seed: number) => {
      const images = new Uint8Array(3 * SIDE * SIDE * 3).map((_, i) => i % 251);
      const masks = new Uint8Array(3 * SIDE * SIDE).map((_, i) => i % 5);
      randomScaleCropFlip({ padding: 1 })(images, masks, [3, SIDE, SIDE, 3], new Rng(seed));
      return [images.join(), masks.join()];
    };
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
  });

  it('rejects bad options', () => {
    expect(() => randomScaleCropFlip({ scale: [2, 1] })).toThrow(
      'scale must be [smallest, largest] with 0 < smallest ≤ largest, got [2,1].',
    );
    expect(() => randomScaleCropFlip({ padding: -1 })).toThrow(
      'padding must be a non-negative integer, got -1.',
    );
  });
});
