import { fetchImageDataset, type ImageDataset } from '@residual/datasets';

let digits: Promise<ImageDataset> | undefined;

/**
 * The bundled digits for the demos: the docs build packs `loadDigits()`'s split (8,000 train /
 * 2,000 test, identical to Node.js) into one gzipped file that the page fetches once.
 */
export function loadSiteDigits(url: string): Promise<ImageDataset> {
  digits ??= fetchImageDataset(url).catch((error: unknown) => {
    digits = undefined; // let a later click retry
    throw error;
  });
  return digits;
}
