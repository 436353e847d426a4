import type { DecodedImage } from './decode-image.js';

/**
 * Resizes an RGBA image bilinearly to `height`×`width`, sampling at pixel centres (as
 * `tf.image.resizeBilinear` with `halfPixelCenters`), so a resize to the same size is exact.
 */
export function resizeBilinear(image: DecodedImage, height: number, width: number): DecodedImage {
  if (image.height === height && image.width === width) return image;
  const out = new Uint8Array(height * width * 4);
  const scaleY = image.height / height;
  const scaleX = image.width / width;
  for (let y = 0; y < height; y++) {
    const sourceY = Math.min(Math.max((y + 0.5) * scaleY - 0.5, 0), image.height - 1);
    const y0 = Math.floor(sourceY);
    const y1 = Math.min(y0 + 1, image.height - 1);
    const fy = sourceY - y0;
    for (let x = 0; x < width; x++) {
      const sourceX = Math.min(Math.max((x + 0.5) * scaleX - 0.5, 0), image.width - 1);
      const x0 = Math.floor(sourceX);
      const x1 = Math.min(x0 + 1, image.width - 1);
      const fx = sourceX - x0;
      for (let c = 0; c < 4; c++) {
        const at = (yy: number, xx: number) => image.rgba[(yy * image.width + xx) * 4 + c];
        const top = at(y0, x0) + (at(y0, x1) - at(y0, x0)) * fx;
        const bottom = at(y1, x0) + (at(y1, x1) - at(y1, x0)) * fx;
        out[(y * width + x) * 4 + c] = Math.round(top + (bottom - top) * fy);
      }
    }
  }
  return { width, height, rgba: out };
}
