import type { ImageSplit, Normalization } from './image-dataset.js';

/**
 * The per-channel mean and standard deviation of a split's pixels, scaled to [0, 1]: the
 * statistics `batches` normalises with. Exact (counts every byte value), in one pass.
 */
export function computeNormalization(
  split: Pick<ImageSplit, 'images' | 'imageShape'>,
): Normalization {
  const channels = split.imageShape[2];
  const histograms = Array.from({ length: channels }, () => new Float64Array(256));
  const { images } = split;
  if (channels === 1) {
    const histogram = histograms[0];
    for (let i = 0; i < images.length; i++) histogram[images[i]]++;
  } else {
    for (let i = 0; i < images.length; i++) histograms[i % channels][images[i]]++;
  }
  const stats = histograms.map((histogram) => {
    let n = 0;
    let sum = 0;
    let squares = 0;
    for (let byte = 0; byte < 256; byte++) {
      const x = byte / 255;
      n += histogram[byte];
      sum += histogram[byte] * x;
      squares += histogram[byte] * x * x;
    }
    const mean = n > 0 ? sum / n : 0;
    const variance = n > 0 ? squares / n - mean * mean : 0;
    // A constant channel would divide by zero; 1 leaves it merely centred.
    const std = variance > 1e-12 ? Math.sqrt(variance) : 1;
    return { mean, std };
  });
  return { mean: stats.map((s) => s.mean), std: stats.map((s) => s.std) };
}
