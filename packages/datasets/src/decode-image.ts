import { DatasetError } from './dataset-error.js';

/** A decoded image: `rgba` holds height×width×4 bytes, row-major. */
export interface DecodedImage {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/** Turns the bytes of an image file into pixels; `fileName` is for error messages. */
export type ImageDecoder = (bytes: Uint8Array, fileName: string) => Promise<DecodedImage>;

/** Refuse images larger than this (in megapixels) rather than run out of memory. */
const MAX_MEGAPIXELS = 100;

/**
 * Decodes a PNG or JPEG file in pure JavaScript (`pngjs`, `jpeg-js`), recognised by its
 * content rather than its name. Used in Node.js, where no image decoder is built in.
 * @throws DatasetError naming the file when it is neither format or cannot be decoded.
 */
export const decodeImage: ImageDecoder = async (bytes, fileName) => {
  const isPng = bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e;
  const isJpeg = bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  if (!isPng && !isJpeg) {
    throw new DatasetError(`${fileName}: not a PNG or JPEG image (unrecognised content).`);
  }
  const format = isPng ? 'PNG' : 'JPEG';
  let image: DecodedImage;
  try {
    image = isPng ? await decodePng(bytes) : await decodeJpeg(bytes);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DatasetError(`${fileName}: cannot decode the ${format} image (${reason}).`);
  }
  if (
    !(image.width > 0 && image.height > 0) ||
    image.rgba.length !== image.width * image.height * 4
  ) {
    throw new DatasetError(
      `${fileName}: cannot decode the ${format} image (it decodes to ${image.width}×${image.height} pixels).`,
    );
  }
  return image;
};

async function decodePng(bytes: Uint8Array): Promise<DecodedImage> {
  const { PNG } = await import('pngjs');
  // Checking the size first keeps a forged header from allocating gigabytes.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 24 && view.getUint32(16) * view.getUint32(20) > MAX_MEGAPIXELS * 1e6) {
    throw new Error(`larger than ${MAX_MEGAPIXELS} megapixels`);
  }
  const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return {
    width: png.width,
    height: png.height,
    rgba: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength),
  };
}

async function decodeJpeg(bytes: Uint8Array): Promise<DecodedImage> {
  const jpeg = await import('jpeg-js');
  const decode = jpeg.decode ?? (jpeg as unknown as { default: typeof jpeg }).default.decode;
  const image = decode(bytes, {
    useTArray: true,
    formatAsRGBA: true,
    // A damaged file is an error, not a partly grey picture.
    tolerantDecoding: false,
    maxResolutionInMP: MAX_MEGAPIXELS,
    maxMemoryUsageInMB: 1024,
  });
  return { width: image.width, height: image.height, rgba: image.data };
}
