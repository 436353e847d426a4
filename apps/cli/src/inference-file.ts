import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImagePreprocessing } from '@residual/datasets';
import { writeFileAtomic } from '@residual/train';
import { UsageError } from './usage-error.js';

/** Beside model.json: what `residual predict` needs to feed the model and name its classes. */
export const INFERENCE_FILE = 'inference.json';

export interface InferenceInfo {
  /** How an image becomes the model's input. */
  preprocessing: ImagePreprocessing;
  /** The name of each output class, by index. */
  classNames: readonly string[];
  /** Segmentation models: the shape of the images they were trained on, and each class's colour. */
  segmentation?: SegmentationInfo;
}

/** How `residual predict` feeds a segmentation model and draws its masks. */
export interface SegmentationInfo {
  /** [height, width, channels] of the training images: every image is resized to it. */
  imageShape: [number, number, number];
  /** The RGB colour of each class, by index (the data set's palette). */
  palette: [number, number, number][];
}

export async function writeInferenceFile(dir: string, info: InferenceInfo): Promise<void> {
  await writeFileAtomic(join(dir, INFERENCE_FILE), `${JSON.stringify(info, null, 2)}\n`);
}

/** Reads and checks `dir/inference.json`. @throws UsageError naming the file. */
export async function readInferenceFile(dir: string): Promise<InferenceInfo> {
  const path = join(dir, INFERENCE_FILE);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'ENOENT'
        ? `${path}: missing; models written by 'residual train' or 'residual import' have it.`
        : `${path}: cannot read it (${code ?? (error as Error).message}).`,
    );
  }
  const info = parsed as Partial<InferenceInfo> | null;
  const p = info?.preprocessing;
  const numbers = (value: unknown) =>
    Array.isArray(value) && value.length > 0 && value.every((x) => Number.isFinite(x));
  const valid =
    p !== undefined &&
    Number.isInteger(p.size) &&
    p.size > 0 &&
    (p.cropFraction === undefined || (p.cropFraction > 0 && p.cropFraction <= 1)) &&
    (p.interpolation === 'bilinear' || p.interpolation === 'bicubic') &&
    numbers(p.normalization?.mean) &&
    numbers(p.normalization?.std) &&
    Array.isArray(info?.classNames) &&
    info.classNames.every((name) => typeof name === 'string');
  if (!valid || info === null) {
    throw new UsageError(`${path}: not a valid ${INFERENCE_FILE} (preprocessing and classNames).`);
  }
  if (
    info.segmentation !== undefined &&
    !validSegmentation(info.segmentation, (info as InferenceInfo).classNames)
  ) {
    throw new UsageError(
      `${path}: not a valid ${INFERENCE_FILE} (segmentation: imageShape [height, width, 1 or 3] and an RGB colour per class).`,
    );
  }
  return info as InferenceInfo;
}

function validSegmentation(value: unknown, classNames: readonly string[]): boolean {
  const info = value as Partial<SegmentationInfo> | null;
  const shape = info?.imageShape;
  const byte = (x: unknown) => Number.isInteger(x) && (x as number) >= 0 && (x as number) <= 255;
  return (
    Array.isArray(shape) &&
    shape.length === 3 &&
    shape.every((size) => Number.isInteger(size) && size > 0) &&
    (shape[2] === 1 || shape[2] === 3) &&
    Array.isArray(info?.palette) &&
    info.palette.length === classNames.length &&
    info.palette.every(
      (colour) => Array.isArray(colour) && colour.length === 3 && colour.every(byte),
    )
  );
}
