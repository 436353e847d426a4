import { colorizeMask } from '@residual/datasets';

/** How many pixels of a mask are of each class, in class order. */
export function classPixelCounts(mask: ArrayLike<number>, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (let p = 0; p < mask.length; p++) {
    const value = mask[p];
    if (!(Number.isInteger(value) && value >= 0 && value < numClasses)) {
      throw new RangeError(`Mask value ${value} at ${p} is not a class of ${numClasses}.`);
    }
    counts[value]++;
  }
  return counts;
}

/** A mask in the data set's colours (its palette), as RGB bytes. */
export function maskColours(mask: ArrayLike<number>, palette: Uint8Array): Uint8Array {
  return colorizeMask(mask, palette);
}

/**
 * The picture with each pixel that is not background (class 0) tinted towards its class's
 * colour by `opacity` (0 leaves the picture, 1 paints the mask), as RGB bytes: where the model
 * sees a shape, on what it was shown.
 */
export function overlayMask(
  pixels: Uint8Array,
  mask: ArrayLike<number>,
  palette: Uint8Array,
  opacity = 0.6,
): Uint8Array {
  if (pixels.length !== mask.length * 3) {
    throw new RangeError(
      `An overlay needs 3 bytes of picture per mask pixel, got ${pixels.length} bytes for ${mask.length} pixels.`,
    );
  }
  const colours = maskColours(mask, palette);
  const out = Uint8Array.from(pixels);
  for (let p = 0; p < mask.length; p++) {
    if (mask[p] === 0) continue;
    for (let c = 0; c < 3; c++) {
      const i = 3 * p + c;
      out[i] = Math.round(pixels[i] * (1 - opacity) + colours[i] * opacity);
    }
  }
  return out;
}

/** RGB bytes as the RGBA a canvas's ImageData holds, fully opaque. */
export function rgbToRgba(rgb: Uint8Array): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray((rgb.length / 3) * 4);
  for (let p = 0, q = 0; p < rgb.length; p += 3, q += 4) {
    rgba[q] = rgb[p];
    rgba[q + 1] = rgb[p + 1];
    rgba[q + 2] = rgb[p + 2];
    rgba[q + 3] = 255;
  }
  return rgba;
}

/**
 * A canvas's RGBA as RGB bytes, transparent pixels composited over white (what the visitor
 * sees behind a transparent PNG).
 */
export function rgbaToRgb(rgba: ArrayLike<number>): Uint8Array {
  const rgb = new Uint8Array((rgba.length / 4) * 3);
  for (let p = 0, q = 0; q < rgba.length; p += 3, q += 4) {
    const alpha = rgba[q + 3] / 255;
    for (let c = 0; c < 3; c++) rgb[p + c] = Math.round(rgba[q + c] * alpha + 255 * (1 - alpha));
  }
  return rgb;
}

/**
 * The largest centred square of a width×height image: what an upload is cropped to before it
 * is scaled to the model's size, so shapes keep their proportions.
 */
export function centredSquare(
  width: number,
  height: number,
): { x: number; y: number; side: number } {
  const side = Math.min(width, height);
  return { x: Math.floor((width - side) / 2), y: Math.floor((height - side) / 2), side };
}

/** A colour as CSS writes it, from a palette (3 bytes a colour). */
export function paletteCss(palette: Uint8Array, index: number): string {
  return `rgb(${palette[3 * index]}, ${palette[3 * index + 1]}, ${palette[3 * index + 2]})`;
}
