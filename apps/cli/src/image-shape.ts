import { join } from 'node:path';
import { type ImageDataset, resizeDataset } from '@residual/datasets';
import { RUN_FILE, readRunConfig } from '@residual/train';
import { integer, parsed } from './options.js';
import { UsageError } from './usage-error.js';

/**
 * `--image-size`, as commands that build a network for their data set offer it: the images
 * resized so that a network of another input size (CIFAR's 32×32) trains on them.
 */
export const IMAGE_SIZE_OPTION = integer('image-size', {
  placeholder: 'n',
  description:
    "Resize the data set's images to n×n (bilinear, as torchvision's Resize) and build the model for that size (default: the images' own).",
  min: 1,
});

/** `--channels`: the images made grey or RGB, for a network built for the other kind. */
export const CHANNELS_OPTION = parsed(
  'channels',
  {
    placeholder: '1|3',
    description:
      "Colour channels the model sees: 3 repeats a grey data set's channel (torchvision's Grayscale(num_output_channels=3)), 1 turns colour into its luma (default: the data set's own).",
  },
  (text, where): 1 | 3 => {
    if (text === '1' || text === '3') return Number(text) as 1 | 3;
    throw new UsageError(`${where}: '${text}' is not 1 or 3.`);
  },
);

/** `dataset` with its images at --image-size and --channels (itself when neither is given). */
export function shapedDataset(
  dataset: ImageDataset,
  size: number | undefined,
  channels: 1 | 3 | undefined,
): ImageDataset {
  if (size === undefined && channels === undefined) return dataset;
  return resizeDataset(dataset, { size, channels });
}

/**
 * The --image-size and --channels a run of `residual train` in `dir` fed its model (from its
 * run.json), so `residual eval` feeds the held-out images the same way; none for a directory
 * that is not such a run, or a run from pretrained weights (their preprocessing says it).
 * @throws UsageError naming run.json when its values are not ones train accepts.
 */
export async function runImageShape(
  dir: string,
): Promise<{ size: number | undefined; channels: 1 | 3 | undefined }> {
  const config = await readRunConfig(dir).catch(() => undefined);
  if (config === undefined || config.weights !== undefined || config.task === 'language') {
    return { size: undefined, channels: undefined };
  }
  const read = <V>(
    spec: { read: (raw: string | undefined, command: string) => V },
    key: string,
  ) => {
    const value = config[key];
    try {
      return spec.read(value === undefined ? undefined : String(value), 'eval');
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      throw new UsageError(`eval: ${join(dir, RUN_FILE)}: ${error.message.replace(/^eval /, '')}`);
    }
  };
  return {
    size: read(IMAGE_SIZE_OPTION, 'image-size'),
    channels: read(CHANNELS_OPTION, 'channels'),
  };
}
