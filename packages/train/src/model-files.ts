import { ResidualError } from '@residual/backend';
import { registerCustomLayers } from '@residual/layers';
import * as tf from '@tensorflow/tfjs';
import { replaceFileDurable } from './durable-files.js';

/** A saved model that cannot be read back. */
export class ModelFileError extends ResidualError {}

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

/**
 * Saves `model` in the TensorFlow.js Layers format (`model.json` + `weights.bin`) into `dir`,
 * which is created if needed. Each file is written under a temporary name and renamed into
 * place, so a crash never leaves a half-written model behind. Node.js only.
 */
export async function saveModel(model: tf.LayersModel, dir: string): Promise<void> {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(dir, { recursive: true });
  const { modelJson, weightData } = await modelArtifacts(model);
  // Weights first: a model.json only ever points at complete weights.
  await writeFileAtomic(`${dir}/${WEIGHTS_FILE}`, weightData);
  await writeFileAtomic(`${dir}/${MODEL_FILE}`, modelJson);
}

/** A model in the TensorFlow.js Layers format, ready to write. */
export interface ModelFiles {
  /** The text of `model.json`. */
  modelJson: string;
  /** The bytes of `weights.bin`. */
  weightData: Uint8Array;
  /** The weights `weights.bin` holds, in order. */
  weightSpecs: tf.io.WeightsManifestEntry[];
}

/**
 * The two files of the TensorFlow.js Layers format for `model`: `model.json` (topology and a
 * weights manifest pointing at `weights.bin`) and the bytes of `weights.bin`.
 */
export async function modelArtifacts(model: tf.LayersModel): Promise<ModelFiles> {
  let result: ModelFiles | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData =
        artifacts.weightData === undefined
          ? new ArrayBuffer(0)
          : tf.io.concatenateArrayBuffers(
              Array.isArray(artifacts.weightData) ? artifacts.weightData : [artifacts.weightData],
            );
      const weightSpecs = artifacts.weightSpecs ?? [];
      const modelJson = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: weightSpecs }],
      };
      result = {
        modelJson: JSON.stringify(modelJson),
        weightData: new Uint8Array(weightData),
        weightSpecs,
      };
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  if (result === undefined) throw new Error('model.save did not call its save handler');
  return result;
}

/**
 * Loads a model saved by {@link saveModel} (or any single-shard Layers-format model), including
 * models with the layer classes of `@residual/layers` (every zoo model): it registers them.
 * @throws ModelFileError naming the file when it is missing, malformed or names unknown layers.
 */
export async function loadModel(dir: string): Promise<tf.LayersModel> {
  const { readFile } = await import('node:fs/promises');
  const jsonPath = `${dir}/${MODEL_FILE}`;
  let parsed: tf.io.ModelJSON;
  try {
    parsed = JSON.parse(await readFile(jsonPath, 'utf8')) as tf.io.ModelJSON;
  } catch (error) {
    throw new ModelFileError(`${jsonPath}: cannot read the model (${describe(error)}).`);
  }
  const manifest = parsed.weightsManifest?.[0];
  if (parsed.modelTopology === undefined || manifest === undefined || manifest.paths.length !== 1) {
    throw new ModelFileError(`${jsonPath}: not a single-shard TensorFlow.js Layers model.`);
  }
  const weightsPath = `${dir}/${manifest.paths[0]}`;
  let weights: Uint8Array;
  try {
    weights = await readFile(weightsPath);
  } catch (error) {
    throw new ModelFileError(`${weightsPath}: cannot read the weights (${describe(error)}).`);
  }
  const expectedBytes = manifest.weights.reduce(
    (n, spec) =>
      n +
      tf.util.sizeFromShape(spec.shape) *
        (spec.dtype === 'float32' || spec.dtype === 'int32' ? 4 : 1),
    0,
  );
  if (weights.byteLength !== expectedBytes) {
    throw new ModelFileError(
      `${weightsPath}: expected ${expectedBytes} bytes of weights, found ${weights.byteLength}.`,
    );
  }
  const buffer = weights.buffer.slice(
    weights.byteOffset,
    weights.byteOffset + weights.byteLength,
  ) as ArrayBuffer;
  // Our layer classes (GroupedConv2D, DropPath, ScalarMultiply, …) must be registered with
  // tfjs before it reads the topology, whatever the caller imported.
  registerCustomLayers();
  try {
    return await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: parsed.modelTopology,
        weightSpecs: manifest.weights,
        weightData: buffer,
      }),
    );
  } catch (error) {
    throw new ModelFileError(`${jsonPath}: cannot build the model (${describe(error)}).`);
  }
}

/** Writes `path` via a temporary sibling and a rename, so readers never see a partial file. */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  await replaceFileDurable(path, data);
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code ?? (error as Error).message ?? String(error);
}
