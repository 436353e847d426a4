import { basename, dirname, extname, join, resolve } from 'node:path';
import {
  checkWritableDirectory,
  createDirectory,
  RunDirectoryError,
  writeFileAtomic,
} from '@residual/train';
import type * as tf from '@tensorflow/tfjs';
import type { InferenceInfo, SegmentationInfo } from '../inference-file.js';
import { maskPng, overlayPng } from '../mask-png.js';
import { checkNewDirectory } from '../output-paths.js';
import { percent } from '../progress.js';
import { segmentImages } from '../segment-images.js';
import type { Terminal } from '../terminal.js';
import { UsageError } from '../usage-error.js';

/**
 * Refuses a --out folder that holds anything (results are never mixed into other files) or that
 * cannot be created and written, leaving nothing behind. @throws UsageError naming the folder.
 */
export async function checkMaskFolder(out: string): Promise<void> {
  await checkNewDirectory(out, 'predict --out');
  await checkWritableDirectory(out).catch((error: unknown) => {
    if (error instanceof RunDirectoryError) throw new UsageError(`predict --out: ${error.message}`);
    throw error;
  });
}

interface PredictMaskOptions {
  /** Where the PNGs go (default: beside each image). */
  out: string | undefined;
  json: boolean;
  modelDir: string | undefined;
  backend: string;
}

/**
 * `residual predict` with a segmentation model: every image read and segmented first (a bad one
 * fails before anything is written), then its mask and overlay PNGs written, and the share of
 * each class printed. @throws UsageError for images whose PNGs would have the same name.
 */
export async function predictMasks(
  model: tf.LayersModel,
  images: readonly string[],
  info: InferenceInfo & { segmentation: SegmentationInfo },
  options: PredictMaskOptions,
  terminal: Terminal,
): Promise<number> {
  const targets = images.map((image) => {
    const stem = basename(image, extname(image));
    const dir = options.out ?? dirname(image);
    return { mask: join(dir, `${stem}.mask.png`), overlay: join(dir, `${stem}.overlay.png`) };
  });
  const seen = new Map<string, string>();
  targets.forEach(({ mask }, i) => {
    const other = seen.get(resolve(mask));
    if (other !== undefined) {
      throw new UsageError(
        `predict: ${other} and ${images[i]} would both write ${mask}; give them different names, or segment them in separate runs.`,
      );
    }
    seen.set(resolve(mask), images[i]);
  });
  const results = await segmentImages(model, images, info);
  if (options.out !== undefined) await createDirectory(options.out);
  const { palette } = info.segmentation;
  for (const [i, result] of results.entries()) {
    const { height, width } = result;
    await writeFileAtomic(targets[i].mask, maskPng(result.mask, height, width, palette));
    await writeFileAtomic(
      targets[i].overlay,
      overlayPng(result.rgb, result.mask, height, width, palette),
    );
  }
  const shares = (pixels: number[], total: number) =>
    pixels
      .map((count, index) => ({ index, name: info.classNames[index], count, share: count / total }))
      .filter((entry) => entry.count > 0)
      .sort((a, b) => b.count - a.count || a.index - b.index);
  if (options.json) {
    const json = {
      model: model.name,
      modelDir: options.modelDir,
      backend: options.backend,
      predictions: results.map((result, i) => ({
        image: result.path,
        height: result.height,
        width: result.width,
        mask: targets[i].mask,
        overlay: targets[i].overlay,
        classes: shares(result.pixels, result.height * result.width).map(
          ({ index, name, count, share }) => ({ index, name, pixels: count, share }),
        ),
      })),
    };
    terminal.out(`${JSON.stringify(json, null, 2)}\n`);
    return 0;
  }
  terminal.out(
    results
      .map((result, i) => {
        const classes = shares(result.pixels, result.height * result.width)
          .map(({ name, share }) => `${name} ${percent(share)}`)
          .join(', ');
        return `${result.path} (${result.width}×${result.height}): ${classes}\n  wrote ${targets[i].mask} and ${targets[i].overlay}\n`;
      })
      .join(''),
  );
  return 0;
}
