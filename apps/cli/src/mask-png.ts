import { encode } from 'fast-png';

/** How much of the mask's colour an overlay shows over the image. */
export const OVERLAY_OPACITY = 0.5;

/**
 * A mask (height×width class indices) as an indexed PNG whose palette is each class's colour:
 * viewers show the colours, and `decodeMask` (and PIL's `Image.open(...).getchannel(0)`) read
 * back the class indices, as Pascal VOC's SegmentationClass files.
 */
export function maskPng(
  mask: Uint8Array,
  height: number,
  width: number,
  palette: readonly (readonly [number, number, number])[],
): Uint8Array {
  return encode({
    width,
    height,
    data: mask,
    channels: 1,
    depth: 8,
    palette: palette.map((colour) => [...colour]),
  });
}

/**
 * The image (height×width×3 RGB bytes) with each pixel's class colour blended over it at
 * `OVERLAY_OPACITY`, as an RGB PNG; pixels of class 0 (the background) keep the image's colour.
 */
export function overlayPng(
  rgb: Uint8Array,
  mask: Uint8Array,
  height: number,
  width: number,
  palette: readonly (readonly [number, number, number])[],
): Uint8Array {
  return encode({ width, height, data: overlayRgb(rgb, mask, palette), channels: 3, depth: 8 });
}

/** The RGB bytes `overlayPng` encodes: each class's colour over the image, background clear. */
export function overlayRgb(
  rgb: Uint8Array,
  mask: Uint8Array,
  palette: readonly (readonly [number, number, number])[],
): Uint8Array {
  const blended = new Uint8Array(rgb.length);
  for (let p = 0; p < mask.length; p++) {
    const colour = palette[mask[p]];
    for (let c = 0; c < 3; c++) {
      const pixel = rgb[3 * p + c];
      blended[3 * p + c] =
        mask[p] === 0
          ? pixel
          : Math.round((1 - OVERLAY_OPACITY) * pixel + OVERLAY_OPACITY * colour[c]);
    }
  }
  return blended;
}
