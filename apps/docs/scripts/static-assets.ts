import { copyFile, readdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { loadDigits, loadTextCorpus, packImageDataset } from '@residual/datasets';
import { DATA_DIR, WASM_DIR } from './paths.js';
import { resetDir } from './write-file.js';

/** The binary tfjs loads where the page is cross-origin isolated (SharedArrayBuffer: threads). */
export const THREADED_WASM = 'tfjs-backend-wasm-threaded-simd.wasm';

/**
 * Copies TensorFlow.js's WASM binaries into the site, so a browser without WebGL trains on
 * WASM from this site alone (the demos pass this folder to `initBackend({ wasmPaths })`).
 */
export async function copyWasmBinaries(): Promise<string[]> {
  return copyWasmBinariesTo(WASM_DIR);
}

/** Copies tfjs's `.wasm` files into `dir` (emptied first) and returns their names. */
export async function copyWasmBinariesTo(dir: string): Promise<string[]> {
  const packageJson = createRequire(import.meta.url).resolve(
    '@tensorflow/tfjs-backend-wasm/package.json',
  );
  const dist = join(dirname(packageJson), 'dist');
  const binaries = (await readdir(dist)).filter((name) => name.endsWith('.wasm'));
  // The threaded binary is what cross-origin isolated pages load: without it they fail to start.
  if (!binaries.includes(THREADED_WASM))
    throw new Error(`${dist}: no ${THREADED_WASM}; reinstall @tensorflow/tfjs-backend-wasm.`);
  await resetDir(dir);
  for (const name of binaries) await copyFile(join(dist, name), join(dir, name));
  return binaries;
}

/** The digits file the demos fetch: `loadDigits()`'s exact split, packed and gzipped. */
export const DIGITS_FILE = 'digits.rds';

export async function writeDigits(): Promise<number> {
  const packed = await packImageDataset(await loadDigits(), { gzip: true });
  await resetDir(DATA_DIR);
  await writeFile(join(DATA_DIR, DIGITS_FILE), packed);
  return packed.length;
}

/** The text the character-model demo learns: the opening chapters of Moby-Dick (public domain). */
export const EXCERPT_FILE = 'moby-dick-excerpt.txt';

/** About this many characters: enough to learn words from, small enough to fetch at once. */
export const EXCERPT_CHARACTERS = 40_000;

/**
 * `characters` of `text` from its first "Call me Ishmael" (the novel's first sentence, after
 * the etymology and extracts), cut at the end of a paragraph.
 */
export function mobyDickExcerpt(text: string, characters = EXCERPT_CHARACTERS): string {
  const start = text.indexOf('Call me Ishmael');
  if (start < 0) throw new Error('the Moby-Dick corpus has no "Call me Ishmael": not the novel?');
  const window = text.slice(start, start + characters);
  const end = window.lastIndexOf('\n\n');
  return `${(end > 0 ? window.slice(0, end) : window).trimEnd()}\n`;
}

/** Writes the demo's excerpt next to the digits (after `writeDigits`, which resets the folder). */
export async function writeExcerpt(): Promise<number> {
  const { text } = await loadTextCorpus('moby-dick');
  const excerpt = mobyDickExcerpt(text);
  await writeFile(join(DATA_DIR, EXCERPT_FILE), excerpt);
  return excerpt.length;
}
