import { unzipSync } from 'fflate';
import { childGroup, guardHdf5, isHdf5, openHdf5 } from './hdf5-file.js';
import { InteropError } from './interop-error.js';
import { readKeras3Layout, readLegacyLayout } from './keras-weights-layout.js';
import type { StateDict } from './source-tensor.js';

/** The weights inside a Keras 3 `.keras` archive (a zip with config.json and metadata.json). */
const ARCHIVE_WEIGHTS = 'model.weights.h5';
/** Deflate cannot compress more than ~1032:1; an entry claiming more lies about its size. */
const MAX_DEFLATE_RATIO = 1100;

/**
 * Reads the weights of a Keras model: a legacy `.h5` (whole model or `save_weights`, as
 * keras.io publishes pretrained weights), a Keras 3 `.weights.h5`, or a `.keras` archive.
 * Keys are `<layer name>/<weight name>`, e.g. `conv2_block1_1_conv/kernel`, with arrays in
 * Keras' layout (conv kernels `[kh, kw, in, out]`, dense `[in, out]`). The file is only parsed:
 * a damaged or foreign one gives one InteropError naming `fileName`.
 */
export function readKerasWeights(bytes: Uint8Array, fileName: string): StateDict {
  const hdf5Bytes = isZip(bytes) ? archiveWeights(bytes, fileName) : bytes;
  if (!isHdf5(hdf5Bytes)) {
    throw new InteropError(
      `${fileName}: not a Keras weights file; accepted: .h5 / .weights.h5 (HDF5) and .keras (zip).`,
    );
  }
  const file = openHdf5(hdf5Bytes, fileName);
  const context = { fileName, fileBytes: hdf5Bytes.byteLength };
  const weights = guardHdf5(fileName, () => {
    const modelWeights = childGroup(file, 'model_weights');
    if (modelWeights !== undefined) return readLegacyLayout(modelWeights, context);
    if ('layer_names' in file.attrs) return readLegacyLayout(file, context);
    if (childGroup(file, 'layers') !== undefined) return readKeras3Layout(file, context);
    const found = file.keys.length > 0 ? file.keys.slice(0, 8).join(', ') : 'none';
    throw new InteropError(
      `${fileName}: no Keras weights: expected a model_weights group or a layer_names ` +
        `attribute (Keras 2 .h5) or a layers group (Keras 3); found groups: ${found}.`,
    );
  });
  if (weights.size === 0) throw new InteropError(`${fileName}: holds no weights.`);
  return weights;
}

function isZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

function archiveWeights(bytes: Uint8Array, fileName: string): Uint8Array {
  let entries: Record<string, Uint8Array>;
  const names: string[] = [];
  try {
    entries = unzipSync(bytes, {
      filter: (entry) => {
        names.push(entry.name);
        if (entry.name !== ARCHIVE_WEIGHTS) return false;
        const limit = entry.compression === 0 ? entry.size : entry.size * MAX_DEFLATE_RATIO;
        if (entry.originalSize > limit) {
          throw new InteropError(
            `${fileName}: ${ARCHIVE_WEIGHTS} claims ${entry.originalSize} bytes from ${entry.size}.`,
          );
        }
        return true;
      },
    });
  } catch (error) {
    if (error instanceof InteropError) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw new InteropError(`${fileName}: damaged .keras archive (${detail}).`, { cause: error });
  }
  const weights = entries[ARCHIVE_WEIGHTS];
  if (weights === undefined) {
    throw new InteropError(
      `${fileName}: a .keras archive holds ${ARCHIVE_WEIGHTS}; this zip has ` +
        `${names.length > 0 ? names.slice(0, 8).join(', ') : 'no entries'}.`,
    );
  }
  return weights;
}
