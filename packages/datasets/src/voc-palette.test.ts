import { describe, expect, it } from 'vitest';
import { colorizeMask, vocPalette } from './voc-palette.js';

const colour = (palette: Uint8Array, i: number) => Array.from(palette.subarray(3 * i, 3 * i + 3));

describe('vocPalette', () => {
  it('gives the colours of Pascal VOC’s SegmentationClass files', () => {
    const palette = vocPalette();
    expect(palette.length).toBe(768);
    // As the VOC devkit's VOClabelcolormap.m: background, aeroplane, bicycle, bird, person,
    // tvmonitor, and the cream of the ignored borders.
    expect(colour(palette, 0)).toEqual([0, 0, 0]);
    expect(colour(palette, 1)).toEqual([128, 0, 0]);
    expect(colour(palette, 2)).toEqual([0, 128, 0]);
    expect(colour(palette, 3)).toEqual([128, 128, 0]);
    expect(colour(palette, 15)).toEqual([192, 128, 128]);
    expect(colour(palette, 20)).toEqual([0, 64, 128]);
    expect(colour(palette, 255)).toEqual([224, 224, 192]);
  });

  it('gives every index its own colour, so a colour tells its class', () => {
    const palette = vocPalette();
    const colours = new Set(Array.from({ length: 256 }, (_, i) => colour(palette, i).join()));
    expect(colours.size).toBe(256);
    expect(Array.from(vocPalette(21))).toEqual(Array.from(palette.subarray(0, 63)));
    expect(() => vocPalette(257)).toThrow('A VOC palette has 1 to 256 colours, got 257.');
  });
});

describe('colorizeMask', () => {
  it('draws each class in its colour', () => {
    expect(Array.from(colorizeMask([0, 1, 255]))).toEqual([0, 0, 0, 128, 0, 0, 224, 224, 192]);
    expect(() => colorizeMask([3], vocPalette(3))).toThrow(
      'Mask value 3 at 0 has no colour in a 3-colour palette.',
    );
  });
});
