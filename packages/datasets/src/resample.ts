import type { DecodedImage } from './decode-image.js';

/** The interpolation filters of PIL's `Image.resize`, which torchvision's and timm's transforms use. */
export type Interpolation = 'bilinear' | 'bicubic';

interface Filter {
  /** Half-width of the filter at scale 1. */
  support: number;
  weight(x: number): number;
}

const FILTERS: Readonly<Record<Interpolation, Filter>> = {
  bilinear: { support: 1, weight: (x) => Math.max(0, 1 - Math.abs(x)) },
  // Keys' cubic with a = −0.5, as PIL.
  bicubic: {
    support: 2,
    weight: (x) => {
      const a = -0.5;
      const t = Math.abs(x);
      if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
      if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
      return 0;
    },
  },
};

/**
 * Resizes an RGBA image to `height`×`width` the way PIL does (and so torchvision's `Resize` on
 * images): separable, sampling at pixel centres, and antialiased when shrinking (the filter
 * widens by the scale factor, so every source pixel contributes). Rows first, then columns.
 */
export function resample(
  image: DecodedImage,
  height: number,
  width: number,
  interpolation: Interpolation,
): DecodedImage {
  if (image.height === height && image.width === width) return image;
  const filter = FILTERS[interpolation];
  // Horizontal pass: height_in × width_out × 4, kept in floats until the end.
  const horizontal = new Float32Array(image.height * width * 4);
  const columns = coefficients(image.width, width, filter);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < width; x++) {
      const { first, weights } = columns[x];
      for (let c = 0; c < 4; c++) {
        let sum = 0;
        for (let k = 0; k < weights.length; k++) {
          sum += weights[k] * image.rgba[(y * image.width + first + k) * 4 + c];
        }
        horizontal[(y * width + x) * 4 + c] = sum;
      }
    }
  }
  const out = new Uint8Array(height * width * 4);
  const rows = coefficients(image.height, height, filter);
  for (let y = 0; y < height; y++) {
    const { first, weights } = rows[y];
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 4; c++) {
        let sum = 0;
        for (let k = 0; k < weights.length; k++) {
          sum += weights[k] * horizontal[((first + k) * width + x) * 4 + c];
        }
        out[(y * width + x) * 4 + c] = Math.min(255, Math.max(0, Math.round(sum)));
      }
    }
  }
  return { width, height, rgba: out };
}

/** For each output position, the first source index and the normalised filter weights. */
function coefficients(
  inSize: number,
  outSize: number,
  filter: Filter,
): { first: number; weights: Float64Array }[] {
  const scale = inSize / outSize;
  const stretch = Math.max(scale, 1);
  const support = filter.support * stretch;
  return Array.from({ length: outSize }, (_, i) => {
    const centre = (i + 0.5) * scale;
    const first = Math.max(0, Math.floor(centre - support));
    const last = Math.min(inSize, Math.ceil(centre + support));
    const weights = new Float64Array(last - first);
    let total = 0;
    for (let j = first; j < last; j++) {
      const w = filter.weight((j + 0.5 - centre) / stretch);
      weights[j - first] = w;
      total += w;
    }
    if (total !== 0) for (let k = 0; k < weights.length; k++) weights[k] /= total;
    return { first, weights };
  });
}
