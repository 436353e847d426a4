import { Rng } from '@residual/backend';

/** The shapes the segmentation demo's pen draws: the `shapes` data set's classes 1 to 3. */
export type ShapeKind = 'circle' | 'square' | 'triangle';
export const SHAPE_KINDS: readonly ShapeKind[] = ['circle', 'square', 'triangle'];

export type Colour = readonly [number, number, number];

/** A square RGB picture: `pixels` holds size×size×3 bytes, row by row, as a data set's images. */
export interface Picture {
  size: number;
  pixels: Uint8Array;
}

/** A shape as the data set draws it: a circle, or a square or triangle inscribed in one. */
export interface Shape {
  kind: ShapeKind;
  centreX: number;
  centreY: number;
  radius: number;
  /** Radians; turns squares and triangles. */
  rotation: number;
}

/**
 * A picture filled with `colour` plus the per-pixel noise (±24) of the `shapes` data set's
 * backgrounds: a perfectly flat background is unlike anything the model trained on. The noise
 * is seeded, so the same call gives the same picture.
 */
export function blankPicture(size: number, colour: Colour, seed = 0): Picture {
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(`A picture's size must be a positive integer, got ${size}.`);
  }
  const rng = new Rng(seed);
  const pixels = new Uint8Array(size * size * 3);
  for (let i = 0; i < pixels.length; i++) {
    pixels[i] = clampByte(colour[i % 3] + (rng.nextFloat() - 0.5) * 48);
  }
  return { size, pixels };
}

/**
 * The shape a drag draws: centred where the drag started, reaching where it ended (the
 * distance is the radius, the direction turns it), at least one pixel across.
 */
export function shapeFromDrag(
  kind: ShapeKind,
  start: readonly [number, number],
  end: readonly [number, number],
): Shape {
  const dx = end[0] - start[0];
  const dy = end[1] - start[1];
  return {
    kind,
    centreX: start[0],
    centreY: start[1],
    radius: Math.max(1, Math.hypot(dx, dy)),
    rotation: Math.atan2(dy, dx),
  };
}

/** Paints `shape` onto `picture` in `colour`, pixel by pixel, by the data set's geometry. */
export function drawShape(picture: Picture, shape: Shape, colour: Colour): void {
  const inside = insideTest(shape);
  const { size } = picture;
  const top = Math.max(0, Math.floor(shape.centreY - shape.radius));
  const bottom = Math.min(size - 1, Math.ceil(shape.centreY + shape.radius));
  const left = Math.max(0, Math.floor(shape.centreX - shape.radius));
  const right = Math.min(size - 1, Math.ceil(shape.centreX + shape.radius));
  for (let y = top; y <= bottom; y++) {
    for (let x = left; x <= right; x++) {
      // Pixel centres, as the data set tests them.
      if (inside(x + 0.5 - shape.centreX, y + 0.5 - shape.centreY)) setPixel(picture, x, y, colour);
    }
  }
}

/**
 * Paints a brush stroke from `from` to `to`: every pixel whose centre lies within `radius` of
 * the segment, so a fast drag leaves no gaps.
 */
export function drawStroke(
  picture: Picture,
  from: readonly [number, number],
  to: readonly [number, number],
  radius: number,
  colour: Colour,
): void {
  const { size } = picture;
  const [ax, ay] = from;
  const [bx, by] = to;
  const lengthSquared = (bx - ax) ** 2 + (by - ay) ** 2;
  const top = Math.max(0, Math.floor(Math.min(ay, by) - radius));
  const bottom = Math.min(size - 1, Math.ceil(Math.max(ay, by) + radius));
  const left = Math.max(0, Math.floor(Math.min(ax, bx) - radius));
  const right = Math.min(size - 1, Math.ceil(Math.max(ax, bx) + radius));
  for (let y = top; y <= bottom; y++) {
    for (let x = left; x <= right; x++) {
      const px = x + 0.5;
      const py = y + 0.5;
      // The nearest point of the segment to the pixel centre.
      const t =
        lengthSquared === 0
          ? 0
          : Math.min(
              1,
              Math.max(0, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / lengthSquared),
            );
      const distance = Math.hypot(px - (ax + t * (bx - ax)), py - (ay + t * (by - ay)));
      if (distance <= radius) setPixel(picture, x, y, colour);
    }
  }
}

/**
 * Whether a point, relative to the shape's centre, is inside it: the `shapes` data set's
 * geometry (synthetic-shapes.ts), so what the visitor draws is what the model learned.
 */
function insideTest(shape: Shape): (dx: number, dy: number) => boolean {
  const { radius, rotation } = shape;
  if (shape.kind === 'circle') return (dx, dy) => dx * dx + dy * dy <= radius * radius;
  const cos = Math.cos(rotation);
  const sin = Math.sin(rotation);
  if (shape.kind === 'square') {
    const half = radius / Math.SQRT2;
    return (dx, dy) =>
      Math.abs(dx * cos + dy * sin) <= half && Math.abs(-dx * sin + dy * cos) <= half;
  }
  // Within the inradius (radius / 2) along each edge normal; the normals point away from the
  // vertices, so one vertex points along `rotation` (towards where the drag ended).
  const normals = [0, 1, 2].map((k) => {
    const normal = rotation + Math.PI + (2 * Math.PI * k) / 3;
    return [Math.cos(normal), Math.sin(normal)] as const;
  });
  return (dx, dy) => normals.every(([nx, ny]) => dx * nx + dy * ny <= radius / 2);
}

function setPixel(picture: Picture, x: number, y: number, colour: Colour): void {
  const at = (y * picture.size + x) * 3;
  picture.pixels[at] = colour[0];
  picture.pixels[at + 1] = colour[1];
  picture.pixels[at + 2] = colour[2];
}

function clampByte(value: number): number {
  return Math.min(255, Math.max(0, Math.round(value)));
}
