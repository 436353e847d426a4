import {
  IGNORE_INDEX,
  type Normalization,
  type SegmentationSplit,
  segmentationBatches,
} from '@residual/datasets';
import * as tf from '@tensorflow/tfjs';
import { encode } from 'fast-png';
import { OVERLAY_OPACITY } from './mask-png.js';

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
  const [height, width, channels] = split.imageShape;
  const first: SegmentationSplit = {
    ...split,
    count,
    images: split.images.subarray(0, count * height * width * channels),
    masks: split.masks.subarray(0, count * height * width),
  };
  const masks = new Uint8Array(count * height * width);
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
  const [height, width, channels] = split.imageShape;
  const pixels = height * width;
  const count = predicted.length / pixels;
  const columns = 4;
  const tileWidth = width * scale;
  const tileHeight = height * scale;
  const gridWidth = columns * tileWidth + (columns + 1) * GAP;
  const gridHeight = count * tileHeight + (count + 1) * GAP;
  const grid = new Uint8Array(gridWidth * gridHeight * 3).fill(255);
  const colourOf = (index: number): Colour =>
    index === IGNORE_INDEX ? IGNORED_COLOUR : (palette[index] ?? IGNORED_COLOUR);

  for (let n = 0; n < count; n++) {
    const imageColour = (p: number): Colour => {
      const at = (n * pixels + p) * channels;
      const image = split.images;
      return channels === 1
        ? [image[at], image[at], image[at]]
        : [image[at], image[at + 1], image[at + 2]];
    };
    const truth = (p: number) => colourOf(split.masks[n * pixels + p]);
    const prediction = (p: number) => colourOf(predicted[n * pixels + p]);
    const overlay = (p: number): Colour => {
      const base = imageColour(p);
      const label = predicted[n * pixels + p];
      if (label === 0) return base;
      const colour = colourOf(label);
      const blend = (c: number) =>
        Math.round((1 - OVERLAY_OPACITY) * base[c] + OVERLAY_OPACITY * colour[c]);
      return [blend(0), blend(1), blend(2)];
    };
    [imageColour, truth, prediction, overlay].forEach((draw, column) => {
      const left = GAP + column * (tileWidth + GAP);
      const top = GAP + n * (tileHeight + GAP);
      for (let y = 0; y < tileHeight; y++) {
        for (let x = 0; x < tileWidth; x++) {
          const colour = draw(Math.floor(y / scale) * width + Math.floor(x / scale));
          grid.set(colour, ((top + y) * gridWidth + left + x) * 3);
        }
      }
    });
  }
  return encode({ width: gridWidth, height: gridHeight, data: grid, channels: 3, depth: 8 });
}
