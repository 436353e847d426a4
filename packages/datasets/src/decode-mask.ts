import { DatasetError } from './dataset-error.js';

/** A decoded mask: one class index per pixel, row-major. */
export interface DecodedMask {
  width: number;
  height: number;
  /** height×width values: palette indices of an indexed PNG, grey levels of a grey one. */
  values: Uint8Array;
  /** The file's own palette (RGB triples) when it is an indexed PNG. */
  palette?: Uint8Array;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Refuse masks larger than this (in megapixels) rather than run out of memory. */
const MAX_MEGAPIXELS = 100;
/** The PNG colour types (IHDR byte 25) a mask may have, and what they hold. */
const COLOUR_TYPES: Record<number, string> = {
  0: 'grey',
  2: 'RGB',
  3: 'indexed',
  4: 'grey with alpha',
  6: 'RGBA',
};

/**
 * Decodes a mask PNG to its raw values (with `fast-png`, pure JavaScript, in Node.js and in
 * browsers alike): the palette indices of an indexed PNG such as Pascal VOC's
 * `SegmentationClass` files, not the colours they stand for, or the grey levels of a grey
 * PNG (alpha, if any, is ignored). A browser's own decoder cannot be used: it hands back
 * colours only. Colour (RGB) masks are refused, because a colour is not a class index.
 * @throws DatasetError naming the file when it is not a PNG, not indexed or grey, has values
 *   above 255 (16-bit), or cannot be decoded.
 */
export async function decodeMask(bytes: Uint8Array, fileName: string): Promise<DecodedMask> {
  if (bytes.length < 33 || PNG_SIGNATURE.some((byte, i) => bytes[i] !== byte)) {
    throw new DatasetError(
      `${fileName}: a mask must be a PNG file (indexed or grey), but this is not a PNG (unrecognised content).`,
    );
  }
  // The header is read first, so a forged size cannot allocate gigabytes and a colour mask is
  // refused before it is decoded.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const colourType = bytes[25];
  if (width * height > MAX_MEGAPIXELS * 1e6) {
    throw new DatasetError(`${fileName}: the mask is larger than ${MAX_MEGAPIXELS} megapixels.`);
  }
  if (colourType !== 0 && colourType !== 3 && colourType !== 4) {
    throw new DatasetError(
      `${fileName}: the mask is a${colourType === 2 ? 'n' : ''} ${COLOUR_TYPES[colourType] ?? `colour type ${colourType}`} PNG; masks must be indexed (palette) or grey PNGs whose values are class indices.`,
    );
  }
  let png: import('fast-png').DecodedPng;
  try {
    const { decode } = await import('fast-png');
    png = decode(bytes, { checkCrc: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DatasetError(`${fileName}: cannot decode the mask PNG (${reason}).`);
  }
  const values = unpack(png, fileName);
  const palette =
    png.palette === undefined
      ? undefined
      : Uint8Array.from(png.palette.flatMap((c) => c.slice(0, 3)));
  return { width: png.width, height: png.height, values, ...(palette && { palette }) };
}

/** The first channel of each pixel as one byte, sub-byte depths unpacked. */
function unpack(png: import('fast-png').DecodedPng, fileName: string): Uint8Array {
  const { width, height, depth, channels, data } = png;
  const values = new Uint8Array(width * height);
  if (depth < 8) {
    // Rows of 1-, 2- and 4-bit samples are packed most significant bits first, each row
    // starting on a byte.
    const rowBytes = Math.ceil((width * depth * channels) / 8);
    if (data.length < rowBytes * height) throw truncated(fileName);
    const perByte = 8 / depth;
    const max = (1 << depth) - 1;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const byte = data[y * rowBytes + Math.floor((x * channels) / perByte)];
        const shift = 8 - depth * (((x * channels) % perByte) + 1);
        values[y * width + x] = (byte >> shift) & max;
      }
    }
    return values;
  }
  if (data.length < width * height * channels) throw truncated(fileName);
  for (let p = 0; p < values.length; p++) {
    const value = data[p * channels];
    if (value > 255) {
      throw new DatasetError(
        `${fileName}: the 16-bit mask holds ${value} at pixel ${p}; class indices must be below 256 (255 = ignore).`,
      );
    }
    values[p] = value;
  }
  return values;
}

function truncated(fileName: string): DatasetError {
  return new DatasetError(
    `${fileName}: cannot decode the mask PNG (its pixel data is incomplete).`,
  );
}
