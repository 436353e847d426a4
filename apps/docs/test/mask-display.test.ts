import { vocPalette } from '@residual/datasets';
import { describe, expect, it } from 'vitest';
import {
  centredSquare,
  classPixelCounts,
  maskColours,
  overlayMask,
  paletteCss,
  rgbaToRgb,
  rgbToRgba,
} from '../src/mask-display.js';

const PALETTE = vocPalette(4);

describe('classPixelCounts', () => {
  it('counts the pixels of every class, absent ones as 0', () => {
    expect(classPixelCounts(Uint8Array.of(0, 0, 3, 1, 3, 3), 4)).toEqual([2, 1, 0, 3]);
  });

  it('refuses a value that is not a class', () => {
    expect(() => classPixelCounts(Uint8Array.of(0, 4), 4)).toThrow(
      'Mask value 4 at 1 is not a class of 4.',
    );
  });
});

describe('maskColours and overlayMask', () => {
  it("paints each class in the data set's colours: background black, circle dark red", () => {
    expect(Array.from(maskColours(Uint8Array.of(0, 1, 2, 3), PALETTE))).toEqual([
      0, 0, 0, 128, 0, 0, 0, 128, 0, 128, 128, 0,
    ]);
    expect(paletteCss(PALETTE, 3)).toBe('rgb(128, 128, 0)');
  });

  it('tints only the pixels that are not background', () => {
    const picture = Uint8Array.of(200, 200, 200, 200, 200, 200);
    const out = overlayMask(picture, Uint8Array.of(0, 2), PALETTE, 0.5);
    expect(Array.from(out)).toEqual([200, 200, 200, 100, 164, 100]);
    expect(Array.from(picture)).toEqual([200, 200, 200, 200, 200, 200]);
  });

  it('refuses a picture that is not the size of the mask', () => {
    expect(() => overlayMask(new Uint8Array(5), new Uint8Array(2), PALETTE)).toThrow(
      /3 bytes of picture per mask pixel, got 5 bytes for 2 pixels/,
    );
  });
});

describe('RGB and RGBA', () => {
  it('round-trips opaque pixels', () => {
    const rgb = Uint8Array.of(1, 2, 3, 250, 128, 0);
    const rgba = rgbToRgba(rgb);
    expect(Array.from(rgba)).toEqual([1, 2, 3, 255, 250, 128, 0, 255]);
    expect(rgbaToRgb(rgba)).toEqual(rgb);
  });

  it('puts transparent pixels on white', () => {
    expect(Array.from(rgbaToRgb(Uint8ClampedArray.of(0, 0, 0, 0, 0, 0, 0, 51)))).toEqual([
      255, 255, 255, 204, 204, 204,
    ]);
  });
});

describe('centredSquare', () => {
  it('crops the longer side equally on both ends', () => {
    expect(centredSquare(640, 480)).toEqual({ x: 80, y: 0, side: 480 });
    expect(centredSquare(100, 301)).toEqual({ x: 0, y: 100, side: 100 });
    expect(centredSquare(50, 50)).toEqual({ x: 0, y: 0, side: 50 });
  });
});
