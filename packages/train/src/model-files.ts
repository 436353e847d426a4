import { ResidualError } from '@residual/backend';
import * as tf from '@tensorflow/tfjs';

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
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData =
        artifacts.weightData === undefined
          ? new ArrayBuffer(0)
          : tf.io.concatenateArrayBuffers(
              Array.isArray(artifacts.weightData) ? artifacts.weightData : [artifacts.weightData],
            );
      const modelJson = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs ?? [] }],
      };
      // Weights first: a model.json only ever points at complete weights.
      await writeFileAtomic(`${dir}/${WEIGHTS_FILE}`, new Uint8Array(weightData));
      await writeFileAtomic(`${dir}/${MODEL_FILE}`, JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
}

/**
 * Loads a model saved by {@link saveModel} (or any single-shard Layers-format model).
 * @throws ModelFileError naming the file when it is missing or malformed.
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
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: parsed.modelTopology,
      weightSpecs: manifest.weights,
      weightData: buffer,
    }),
  );
}

/** Writes `path` via a temporary sibling and a rename, so readers never see a partial file. */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const { rename, writeFile, rm } = await import('node:fs/promises');
  const temporary = `${path}.tmp-${process.pid}-${Date.now()}`;
  try {
    await writeFile(temporary, data);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code ?? (error as Error).message ?? String(error);
}
