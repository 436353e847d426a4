import { describe, expect, it } from 'vitest';
import {
  blankPicture,
  type Colour,
  drawShape,
  drawStroke,
  type Picture,
  shapeFromDrag,
} from '../src/shape-drawing.js';

const INK: Colour = [250, 10, 20];

/** How many pixels of the picture are exactly `colour`. */
function painted(picture: Picture, colour: Colour = INK): number {
  let count = 0;
  for (let p = 0; p < picture.pixels.length; p += 3) {
    const [r, g, b] = picture.pixels.subarray(p, p + 3);
    if (r === colour[0] && g === colour[1] && b === colour[2]) count++;
  }
  return count;
}

function isPainted(picture: Picture, x: number, y: number): boolean {
  const at = (y * picture.size + x) * 3;
  return picture.pixels[at] === INK[0] && picture.pixels[at + 1] === INK[1];
}

/** A white picture with no noise, so every painted pixel can be counted. */
function plain(size: number): Picture {
  return { size, pixels: new Uint8Array(size * size * 3).fill(255) };
}

describe('blankPicture', () => {
  it('is the colour with noise of at most ±24, the same for the same seed', () => {
    const picture = blankPicture(16, [200, 100, 30], 3);
    expect(picture.pixels).toHaveLength(16 * 16 * 3);
    for (let i = 0; i < picture.pixels.length; i++) {
      expect(Math.abs(picture.pixels[i] - [200, 100, 30][i % 3])).toBeLessThanOrEqual(24);
    }
    expect(new Set(picture.pixels).size).toBeGreaterThan(10);
    expect(blankPicture(16, [200, 100, 30], 3).pixels).toEqual(picture.pixels);
  });

  it('refuses a size that is not a positive integer', () => {
    expect(() => blankPicture(0, [0, 0, 0])).toThrow(/positive integer, got 0/);
  });
});

describe('shapeFromDrag', () => {
  it('centres the shape where the drag starts; the distance is its radius, the direction its turn', () => {
    expect(shapeFromDrag('square', [10, 10], [13, 14])).toEqual({
      kind: 'square',
      centreX: 10,
      centreY: 10,
      radius: 5,
      rotation: Math.atan2(4, 3),
    });
    // A click without a drag still draws something.
    expect(shapeFromDrag('circle', [4, 4], [4, 4]).radius).toBe(1);
  });
});

describe('drawShape', () => {
  it('paints a circle of about πr² pixels, and nothing outside its radius', () => {
    const picture = plain(64);
    drawShape(picture, shapeFromDrag('circle', [32, 32], [42, 32]), INK);
    expect(painted(picture) / (Math.PI * 100)).toBeCloseTo(1, 1);
    expect(isPainted(picture, 32, 32)).toBe(true);
    expect(isPainted(picture, 32, 20)).toBe(false);
  });

  it('paints a square inscribed in the circle (2r² pixels) and a triangle (3√3r²/4)', () => {
    const square = plain(64);
    drawShape(square, shapeFromDrag('square', [32, 32], [32, 52]), INK);
    expect(painted(square) / (2 * 400)).toBeCloseTo(1, 1);
    const triangle = plain(64);
    drawShape(triangle, shapeFromDrag('triangle', [32, 32], [52, 32]), INK);
    expect(painted(triangle) / ((3 * Math.sqrt(3) * 400) / 4)).toBeCloseTo(1, 1);
  });

  it("points a triangle's vertex where the drag ended", () => {
    const right = plain(64);
    drawShape(right, shapeFromDrag('triangle', [32, 32], [52, 32]), INK);
    expect(isPainted(right, 49, 32)).toBe(true);
    expect(isPainted(right, 14, 32)).toBe(false);
    const left = plain(64);
    drawShape(left, shapeFromDrag('triangle', [32, 32], [12, 32]), INK);
    expect(isPainted(left, 14, 32)).toBe(true);
    expect(isPainted(left, 49, 32)).toBe(false);
  });

  it('clips a shape at the edges', () => {
    const picture = plain(16);
    drawShape(picture, shapeFromDrag('circle', [0, 0], [8, 0]), INK);
    expect(painted(picture)).toBeGreaterThan(0);
    expect(painted(picture)).toBeLessThan(Math.PI * 64);
  });
});

describe('drawStroke', () => {
  it('paints every pixel within the radius of the segment, leaving no gaps', () => {
    const picture = plain(32);
    drawStroke(picture, [2, 16], [30, 16], 1.5, INK);
    for (let x = 2; x < 30; x++) expect(isPainted(picture, x, 15)).toBe(true);
    expect(isPainted(picture, 16, 10)).toBe(false);
  });

  it('paints a dot for a stroke of no length', () => {
    const picture = plain(32);
    drawStroke(picture, [8.5, 8.5], [8.5, 8.5], 2, INK);
    expect(isPainted(picture, 8, 8)).toBe(true);
    expect(painted(picture)).toBeGreaterThan(8);
    expect(painted(picture)).toBeLessThan(16);
  });
});
