import {
  IGNORE_INDEX,
  type Normalization,
  type SegmentationSplit,
  segmentationBatches,
} from '@residual/datasets';
import * as tf from '@tensorflow/tfjs';
import { encode } from 'fast-png';
import { overlayRgb } from './mask-png.js';
import { firstImages } from './segmentation-data.js';

type Colour = readonly [number, number, number];

/** The colour of an ignored pixel (255) in a true mask: Pascal VOC's, a pale grey. */
const IGNORED_COLOUR: Colour = [224, 224, 192];
/** White between the pictures of the grid, in pixels of the enlarged grid. */
const GAP = 4;

/**
 * The predicted class of every pixel of the first `count` images of `split` (the main head's
 * logits, which these models give at the input's size), count×height×width.
 */
export function predictFirstMasks(
  model: tf.LayersModel,
  split: SegmentationSplit,
  count: number,
  normalization: Normalization,
): Uint8Array {
  const first = firstImages(split, count);
  const masks = new Uint8Array(first.masks.length);
  let offset = 0;
  for (const batch of segmentationBatches(first, { batchSize: 8, normalization })) {
    const classes = tf.tidy(() => {
      const output = model.predict(batch.images);
      return tf.argMax(Array.isArray(output) ? output[0] : output, -1);
    });
    masks.set(classes.dataSync(), offset);
    offset += classes.size;
    tf.dispose([classes, batch.images, batch.masks]);
  }
  return masks;
}

/**
 * A PNG of the first `predicted.length / (height×width)` images of `split`, one row each: the
 * image, its true mask, the predicted mask, and the prediction blended over the image as
 * `residual predict` draws it; every picture enlarged `scale` times (nearest pixel), with
 * white between them. Grey images are drawn grey.
 */
export function examplesPng(
  split: SegmentationSplit,
  predicted: Uint8Array,
  palette: readonly Colour[],
  scale: number,
): Uint8Array {
  const [height, width] = split.imageShape;
  const pixels = height * width;
  const count = predicted.length / pixels;
  const rows = Array.from({ length: count }, (_, n) => {
    const image = imageRgb(split, n);
    const truth = split.masks.subarray(n * pixels, (n + 1) * pixels);
    const prediction = predicted.subarray(n * pixels, (n + 1) * pixels);
    return [
      image,
      maskRgb(truth, palette),
      maskRgb(prediction, palette),
      overlayRgb(image, prediction, palette),
    ];
  });
  const tileWidth = width * scale;
  const tileHeight = height * scale;
  const gridWidth = 4 * tileWidth + 5 * GAP;
  const gridHeight = count * tileHeight + (count + 1) * GAP;
  const grid = new Uint8Array(gridWidth * gridHeight * 3).fill(255);
  rows.forEach((tiles, row) => {
    tiles.forEach((tile, column) => {
      const left = GAP + column * (tileWidth + GAP);
      const top = GAP + row * (tileHeight + GAP);
      for (let y = 0; y < tileHeight; y++) {
        for (let x = 0; x < tileWidth; x++) {
          const source = (Math.floor(y / scale) * width + Math.floor(x / scale)) * 3;
          grid.set(tile.subarray(source, source + 3), ((top + y) * gridWidth + left + x) * 3);
        }
      }
    });
  });
  return encode({ width: gridWidth, height: gridHeight, data: grid, channels: 3, depth: 8 });
}

/** Image `n` of the split as RGB bytes (a grey image's level in all three). */
function imageRgb(split: SegmentationSplit, n: number): Uint8Array {
  const [height, width, channels] = split.imageShape;
  const pixels = height * width;
  const image = split.images.subarray(n * pixels * channels, (n + 1) * pixels * channels);
  if (channels === 3) return image;
  const rgb = new Uint8Array(pixels * 3);
  for (let p = 0; p < pixels; p++) rgb.fill(image[p], 3 * p, 3 * p + 3);
  return rgb;
}

/** A mask as RGB bytes: each class in its colour, ignored pixels pale grey. */
function maskRgb(mask: Uint8Array, palette: readonly Colour[]): Uint8Array {
  const rgb = new Uint8Array(mask.length * 3);
  mask.forEach((label, p) => {
    rgb.set(label === IGNORE_INDEX ? IGNORED_COLOUR : (palette[label] ?? IGNORED_COLOUR), 3 * p);
  });
  return rgb;
}
