import { DatasetError } from './dataset-error.js';
import type { ImageDecoder } from './decode-image.js';

/**
 * Decodes an image with the browser's own decoder (any format the browser reads: PNG, JPEG,
 * WebP, …), through `createImageBitmap` and an `OffscreenCanvas`, without colour management
 * or alpha premultiplication so the bytes are the file's own.
 * @throws DatasetError naming the file when the browser cannot decode it.
 */
export const decodeImageInBrowser: ImageDecoder = async (bytes, fileName) => {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>]), {
      colorSpaceConversion: 'none',
      premultiplyAlpha: 'none',
    });
  } catch (error) {
    throw new DatasetError(
      `${fileName}: the browser cannot decode this image (${(error as Error).message}).`,
    );
  }
  try {
    const { width, height } = bitmap;
    const context = new OffscreenCanvas(width, height).getContext('2d');
    if (context === null) throw new DatasetError(`${fileName}: no 2D canvas to decode images.`);
    context.drawImage(bitmap, 0, 0);
    const { data } = context.getImageData(0, 0, width, height);
    return { width, height, rgba: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } finally {
    bitmap.close();
  }
};
