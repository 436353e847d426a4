import { readFile } from 'node:fs/promises';
import {
  type ImportReport,
  importKerasWeights,
  importWeights,
  readKerasWeights,
  readWeightsFile,
  type StateDict,
} from '@residual/interop';
import type * as tf from '@tensorflow/tfjs';
import { UsageError } from './usage-error.js';

/** PyTorch (torchvision, timm) files, and Keras files, by how their names end. */
const TORCH_EXTENSIONS = ['.pth', '.pt', '.safetensors'];
const KERAS_EXTENSIONS = ['.h5', '.keras'];

/** A weights file read into memory, with the library whose names and layouts it holds. */
export interface WeightsFile {
  path: string;
  library: 'torch' | 'keras';
  stateDict: StateDict;
}

/**
 * Reads the weights file at `path` (`--<option>`), choosing the reader by its extension:
 * `.pth`, `.pt`, `.safetensors` (PyTorch) or `.h5`, `.keras` (Keras). Every reader checks the
 * file before returning. @throws UsageError for an unknown extension or an unreadable file;
 * InteropError (also a user error) naming the file and what is wrong with its contents.
 */
export async function readWeights(
  path: string,
  command: string,
  option = 'weights',
): Promise<WeightsFile> {
  const name = path.toLowerCase();
  const torch = TORCH_EXTENSIONS.some((extension) => name.endsWith(extension));
  const keras = KERAS_EXTENSIONS.some((extension) => name.endsWith(extension));
  if (!torch && !keras) {
    throw new UsageError(
      `${command} --${option}: ${path}: unknown weights format; accepted: ${[...TORCH_EXTENSIONS, ...KERAS_EXTENSIONS].join(', ')}.`,
    );
  }
  let bytes: Uint8Array;
  try {
    const buffer = await readFile(path);
    // A plain Uint8Array: Node's Buffer.slice shares memory where readers expect a copy.
    bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${command} --${option}: cannot read ${path} (${code ?? String(error)}).`);
  }
  return torch
    ? { path, library: 'torch', stateDict: readWeightsFile(bytes, path) }
    : { path, library: 'keras', stateDict: readKerasWeights(bytes, path) };
}

/** Loads `weights` into `model` by the names of the weights' library. */
export function applyWeights(
  model: tf.LayersModel,
  weights: WeightsFile,
  strict: boolean,
): ImportReport {
  const options = { fileName: weights.path, strict };
  return weights.library === 'torch'
    ? importWeights(model, weights.stateDict, options)
    : importKerasWeights(model, weights.stateDict, options);
}
