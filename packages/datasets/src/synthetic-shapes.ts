import { Rng } from '@residual/backend';
import { computeNormalization } from './normalization.js';
import type { SegmentationDataset, SegmentationSplit } from './segmentation-dataset.js';
import { vocPalette } from './voc-palette.js';

/** The classes of `syntheticShapes`, in mask-value order. */
export const SHAPE_CLASSES: readonly string[] = ['background', 'circle', 'square', 'triangle'];

export interface SyntheticShapesOptions {
  /** Training images. Default 2000. */
  trainCount?: number;
  /** Test images. Default 500. */
  testCount?: number;
  /** Height and width of each image. Default 64. */
  size?: number;
  /** Most shapes in one image (at least one each). Default 4. */
  maxShapes?: number;
  /** Seed of everything drawn: the same seed gives the same bytes on every machine. Default 0. */
  seed?: number;
}

/** A shape's test for whether a point (relative to its centre) is inside. */
type Inside = (dx: number, dy: number) => boolean;

/**
 * A generated segmentation data set that needs no download: RGB images of circles, squares and
 * triangles (classes 1-3; 0 is background) of random size, colour, position and rotation, on a
 * noisy gradient background, later shapes covering earlier ones where they overlap. The mask
 * is the class of the shape on top at each pixel. Train and test images are drawn from
 * separate streams of the same seed, so no test image is a training image.
 */
export function syntheticShapes(options: SyntheticShapesOptions = {}): SegmentationDataset {
  const { trainCount = 2000, testCount = 500, size = 64, maxShapes = 4, seed = 0 } = options;
  for (const [name, value, least] of [
    ['trainCount', trainCount, 1],
    ['testCount', testCount, 1],
    ['size', size, 8],
    ['maxShapes', maxShapes, 1],
  ] as const) {
    if (!Number.isInteger(value) || value < least) {
      throw new RangeError(`${name} must be an integer of at least ${least}, got ${value}.`);
    }
  }
  const split = (count: number, stream: number): SegmentationSplit => {
    const rng = new Rng(seed * 2 + stream);
    const images = new Uint8Array(count * size * size * 3);
    const masks = new Uint8Array(count * size * size);
    for (let n = 0; n < count; n++) {
      drawImage(
        images.subarray(n * size * size * 3, (n + 1) * size * size * 3),
        masks.subarray(n * size * size, (n + 1) * size * size),
        size,
        maxShapes,
        rng,
      );
    }
    return { images, masks, count, imageShape: [size, size, 3] };
  };
  const train = split(trainCount, 0);
  return {
    name: 'shapes',
    task: 'segmentation',
    train,
    test: split(testCount, 1),
    numClasses: SHAPE_CLASSES.length,
    classNames: SHAPE_CLASSES,
    palette: vocPalette(),
    normalization: computeNormalization(train),
  };
}

function drawImage(
  image: Uint8Array,
  mask: Uint8Array,
  size: number,
  maxShapes: number,
  rng: Rng,
): void {
  // Background: a gradient between two random colours in a random direction, plus noise, so
  // colour alone does not tell shape from background.
  const from = randomColour(rng);
  const to = randomColour(rng);
  const angle = rng.nextFloat() * 2 * Math.PI;
  const [ux, uy] = [Math.cos(angle) / size, Math.sin(angle) / size];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const t = Math.min(1, Math.max(0, 0.5 + (x - size / 2) * ux + (y - size / 2) * uy));
      for (let c = 0; c < 3; c++) {
        const value = from[c] + (to[c] - from[c]) * t + (rng.nextFloat() - 0.5) * 48;
        image[(y * size + x) * 3 + c] = clampByte(value);
      }
    }
  }
  mask.fill(0);
  const mean = from.map((value, c) => (value + to[c]) / 2);
  const shapes = 1 + rng.nextInt(maxShapes);
  for (let s = 0; s < shapes; s++) {
    const shapeClass = 1 + rng.nextInt(3);
    const radius = size * (0.1 + 0.2 * rng.nextFloat());
    const centreX = rng.nextFloat() * size;
    const centreY = rng.nextFloat() * size;
    const rotation = rng.nextFloat() * 2 * Math.PI;
    // A colour far enough from the background's mean that the shape is visible.
    let colour = randomColour(rng);
    for (let tries = 0; tries < 8 && distance(colour, mean) < 160; tries++) {
      colour = randomColour(rng);
    }
    const inside = shapeTest(shapeClass, radius, rotation);
    const top = Math.max(0, Math.floor(centreY - radius));
    const bottom = Math.min(size - 1, Math.ceil(centreY + radius));
    const left = Math.max(0, Math.floor(centreX - radius));
    const right = Math.min(size - 1, Math.ceil(centreX + radius));
    for (let y = top; y <= bottom; y++) {
      for (let x = left; x <= right; x++) {
        if (!inside(x + 0.5 - centreX, y + 0.5 - centreY)) continue;
        mask[y * size + x] = shapeClass;
        for (let c = 0; c < 3; c++) {
          image[(y * size + x) * 3 + c] = clampByte(colour[c] + (rng.nextFloat() - 0.5) * 24);
        }
      }
    }
  }
}

/** Circles of the radius; squares and equilateral triangles inscribed in that circle. */
function shapeTest(shapeClass: number, radius: number, rotation: number): Inside {
  if (shapeClass === 1) return (dx, dy) => dx * dx + dy * dy <= radius * radius;
  const cos = Math.cos(rotation);
  const sin = Math.sin(rotation);
  if (shapeClass === 2) {
    const half = radius / Math.SQRT2;
    return (dx, dy) =>
      Math.abs(dx * cos + dy * sin) <= half && Math.abs(-dx * sin + dy * cos) <= half;
  }
  // An equilateral triangle is where the point lies within the inradius (radius / 2) of the
  // centre along each of the three edge normals.
  const normals = [0, 1, 2].map((k) => {
    const normal = rotation + Math.PI + (2 * Math.PI * k) / 3;
    return [Math.cos(normal), Math.sin(normal)];
  });
  return (dx, dy) => normals.every(([nx, ny]) => dx * nx + dy * ny <= radius / 2);
}

function randomColour(rng: Rng): number[] {
  return [rng.nextInt(256), rng.nextInt(256), rng.nextInt(256)];
}

function distance(a: readonly number[], b: readonly number[]): number {
  return Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) + Math.abs(a[2] - b[2]);
}

function clampByte(value: number): number {
  return Math.min(255, Math.max(0, Math.round(value)));
}
