import { Rng } from '@residual/backend';
import { loadDigits } from './digits.js';
import type { ImageSplit } from './image-dataset.js';
import { computeNormalization } from './normalization.js';
import type { SegmentationDataset, SegmentationSplit } from './segmentation-dataset.js';
import { vocPalette } from './voc-palette.js';

/** The classes of `digitMosaics`: background, then digit d as class d + 1. */
export const MOSAIC_CLASSES: readonly string[] = [
  'background',
  ...Array.from({ length: 10 }, (_, d) => String(d)),
];

export interface DigitMosaicsOptions {
  /** Training mosaics. Default 2000. */
  trainCount?: number;
  /** Test mosaics. Default 500. */
  testCount?: number;
  /** Height and width of each mosaic. Default 64. */
  size?: number;
  /** Fewest and most digits in one mosaic. Default [2, 4]. */
  digits?: readonly [number, number];
  /** Smallest and largest scale of a 28×28 digit. Default [0.75, 1.5]. */
  scale?: readonly [number, number];
  /** Grey level (0-1) from which a pixel belongs to its digit's stroke. Default 0.5. */
  threshold?: number;
  /** Seed of everything drawn: the same seed gives the same bytes everywhere. Default 0. */
  seed?: number;
}

const SIDE = 28;

/**
 * A generated segmentation data set of grey mosaics (11 classes: background and the ten
 * digits) built from the bundled MNIST digits (`loadDigits`): a few digits pasted at random
 * positions and scales on a black canvas, overlapping where they meet (the brighter pixel
 * shows). The mask is the digit's class where its stroke is at least `threshold` bright, the
 * later digit's where strokes cross, background elsewhere. Training mosaics use only training
 * digits and test mosaics only test digits, so the test set is truly held out.
 */
export async function digitMosaics(
  options: DigitMosaicsOptions = {},
): Promise<SegmentationDataset> {
  const {
    trainCount = 2000,
    testCount = 500,
    size = 64,
    digits = [2, 4],
    scale = [0.75, 1.5],
    threshold = 0.5,
    seed = 0,
  } = options;
  for (const [name, value, least] of [
    ['trainCount', trainCount, 1],
    ['testCount', testCount, 1],
    ['size', size, SIDE],
  ] as const) {
    if (!Number.isInteger(value) || value < least) {
      throw new RangeError(`${name} must be an integer of at least ${least}, got ${value}.`);
    }
  }
  if (
    !(
      Number.isInteger(digits[0]) &&
      Number.isInteger(digits[1]) &&
      digits[0] >= 1 &&
      digits[1] >= digits[0]
    )
  ) {
    throw new RangeError(`digits must be [fewest, most] with 1 ≤ fewest ≤ most, got [${digits}].`);
  }
  if (!(scale[0] > 0 && scale[1] >= scale[0] && Math.round(SIDE * scale[1]) <= size)) {
    throw new RangeError(
      `scale must be [smallest, largest] with 0 < smallest ≤ largest and 28 × largest ≤ size (${size}), got [${scale}].`,
    );
  }
  if (!(threshold > 0 && threshold <= 1)) {
    throw new RangeError(`threshold must be in (0, 1], got ${threshold}.`);
  }
  const source = await loadDigits();
  const stroke = Math.ceil(threshold * 255);
  const split = (digitSplit: ImageSplit, count: number, stream: number): SegmentationSplit => {
    const rng = new Rng(seed * 2 + stream);
    const images = new Uint8Array(count * size * size);
    const masks = new Uint8Array(count * size * size);
    for (let n = 0; n < count; n++) {
      const image = images.subarray(n * size * size, (n + 1) * size * size);
      const mask = masks.subarray(n * size * size, (n + 1) * size * size);
      const pasted = digits[0] + rng.nextInt(digits[1] - digits[0] + 1);
      for (let k = 0; k < pasted; k++) {
        const index = rng.nextInt(digitSplit.count);
        const side = Math.round(SIDE * (scale[0] + (scale[1] - scale[0]) * rng.nextFloat()));
        const top = rng.nextInt(size - side + 1);
        const left = rng.nextInt(size - side + 1);
        const digit = digitSplit.images.subarray(index * SIDE * SIDE, (index + 1) * SIDE * SIDE);
        const digitClass = digitSplit.labels[index] + 1;
        paste(digit, side, (y, x, value) => {
          const at = (top + y) * size + left + x;
          if (value > image[at]) image[at] = value;
          if (value >= stroke) mask[at] = digitClass;
        });
      }
    }
    return { images, masks, count, imageShape: [size, size, 1] };
  };
  const train = split(source.train, trainCount, 0);
  return {
    name: 'digit-mosaics',
    task: 'segmentation',
    train,
    test: split(source.test, testCount, 1),
    numClasses: MOSAIC_CLASSES.length,
    classNames: MOSAIC_CLASSES,
    palette: vocPalette(),
    normalization: computeNormalization(train),
  };
}

/** Resamples a 28×28 digit to side×side (bilinear, pixel centres) and hands each pixel on. */
function paste(
  digit: Uint8Array,
  side: number,
  put: (y: number, x: number, value: number) => void,
): void {
  const ratio = SIDE / side;
  for (let y = 0; y < side; y++) {
    const sourceY = Math.min(Math.max((y + 0.5) * ratio - 0.5, 0), SIDE - 1);
    const y0 = Math.floor(sourceY);
    const y1 = Math.min(y0 + 1, SIDE - 1);
    const fy = sourceY - y0;
    for (let x = 0; x < side; x++) {
      const sourceX = Math.min(Math.max((x + 0.5) * ratio - 0.5, 0), SIDE - 1);
      const x0 = Math.floor(sourceX);
      const x1 = Math.min(x0 + 1, SIDE - 1);
      const fx = sourceX - x0;
      const topRow = digit[y0 * SIDE + x0] + (digit[y0 * SIDE + x1] - digit[y0 * SIDE + x0]) * fx;
      const bottomRow =
        digit[y1 * SIDE + x0] + (digit[y1 * SIDE + x1] - digit[y1 * SIDE + x0]) * fx;
      const value = Math.round(topRow + (bottomRow - topRow) * fy);
      if (value > 0) put(y, x, value);
    }
  }
}
