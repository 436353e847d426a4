import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PNG } from 'pngjs';

/** Writes a PNG of `height`×`width` whose pixel (y, x) is `pixel(y, x)` = [r, g, b]. */
export function writePng(
  path: string,
  height: number,
  width: number,
  pixel: (y: number, x: number) => readonly [number, number, number],
): string {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      png.data.set([...pixel(y, x), 255], (y * width + x) * 4);
    }
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, PNG.sync.write(png));
  return path;
}

/**
 * An image folder of `perClass` PNGs in each of the classes `red` (reddish) and `blue`,
 * `height`×`width` with a little seeded texture, for fine-tuning tests.
 */
export function writeColourFolder(
  root: string,
  perClass: number,
  height: number,
  width = height,
): string {
  for (let i = 0; i < perClass; i++) {
    const noise = (y: number, x: number) => ((x * 7 + y * 13 + i * 29) % 40) - 20;
    writePng(`${root}/red/${i}.png`, height, width, (y, x) => [
      200 + noise(y, x) / 2,
      60,
      40 + noise(y, x),
    ]);
    writePng(`${root}/blue/${i}.png`, height, width, (y, x) => [
      40 + noise(y, x),
      60,
      200 + noise(y, x) / 2,
    ]);
  }
  return root;
}
