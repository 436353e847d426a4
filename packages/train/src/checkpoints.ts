import { ResidualError } from '@residual/backend';
import * as tf from '@tensorflow/tfjs';
import { sha256, syncDirectory, writeFileDurable } from './durable-files.js';
import { MODEL_FILE, modelArtifacts, WEIGHTS_FILE } from './model-files.js';
import type { OptimizerKind } from './optimizer.js';
import { testPausePoint } from './test-hooks.js';
import type { EpochRecord } from './train-callbacks.js';
import type { TrainingFingerprint } from './training-fingerprint.js';

/** A checkpoint that is missing, corrupt, or does not fit the run. */
export class CheckpointError extends ResidualError {}

export const OPTIMIZER_FILE = 'optimizer.bin';
export const STATE_FILE = 'state.json';
/** Checksums of the other files, in the format `sha256sum -c` checks. */
export const CHECKSUMS_FILE = 'SHA256SUMS';
const FILES = [MODEL_FILE, WEIGHTS_FILE, OPTIMIZER_FILE, STATE_FILE] as const;
const CHECKPOINT_NAME = /^step-(\d{8,})$/;
/** Prefixes of directories a crash may leave behind; never read as checkpoints. */
const INCOMPLETE_PREFIXES = ['.tmp-', '.trash-'];

/** Sums over the batches of the epoch in progress, so a resumed epoch reports the same. */
export interface EpochProgress {
  lossSum: number;
  correct: number;
  seen: number;
  seconds: number;
}

export function emptyProgress(): EpochProgress {
  return { lossSum: 0, correct: 0, seen: 0, seconds: 0 };
}

/**
 * `state.json`: where the run stands. `History` and `Fingerprint` are an image run's epoch
 * records and configuration by default; a language model's run stores its own.
 */
export interface CheckpointState<History = EpochRecord, Fingerprint = TrainingFingerprint> {
  format: 'residual-checkpoint';
  version: 1;
  /** Optimizer steps taken. */
  step: number;
  /** The next batch to train: epoch, and batch index within it (a language run: 0 and the step). */
  epoch: number;
  batch: number;
  /**
   * The run's seed. Every random draw of the loop (the data order of each epoch, each batch's
   * augmentation) is derived from (seed, epoch, batch), so with the position above it is the
   * whole random state.
   */
  seed: number;
  epochProgress: EpochProgress;
  history: History[];
  training: Fingerprint;
  /** Training calls of each seeded-mask layer (dropout, DropPath), by name: see `maskCounts`. */
  maskCounts?: Record<string, number>;
  /** The optimizer's state tensors stored in `optimizer.bin`. */
  optimizer: { kind: OptimizerKind; slots: tf.io.WeightsManifestEntry[] };
}

/** A checkpoint read back and verified by {@link readCheckpoint}. */
export interface Checkpoint<History = EpochRecord, Fingerprint = TrainingFingerprint> {
  path: string;
  state: CheckpointState<History, Fingerprint>;
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
  optimizerData: ArrayBuffer;
}

/**
 * Writes a checkpoint into `directory` as `step-<8 digits>/`: the model in the TensorFlow.js
 * Layers format (so `loadModel` reads a checkpoint too), the optimizer's slots, the state, and
 * their SHA-256 checksums. Everything goes into a temporary directory first, is flushed to the
 * disk, and is renamed into place in one step: a crash leaves either no checkpoint or a
 * complete one. An existing checkpoint is never overwritten.
 */
export async function writeCheckpoint<History, Fingerprint>(
  directory: string,
  contents: {
    model: tf.LayersModel;
    optimizerState: tf.NamedTensorMap;
    state: CheckpointState<History, Fingerprint>;
  },
): Promise<string> {
  const { mkdir, rename, rm, stat } = await import('node:fs/promises');
  const { step } = contents.state;
  const name = `step-${String(step).padStart(8, '0')}`;
  const path = `${directory}/${name}`;
  if (
    await stat(path).then(
      () => true,
      () => false,
    )
  ) {
    throw new CheckpointError(`${path} already exists; a checkpoint is never overwritten.`);
  }
  const { modelJson, weightData } = await modelArtifacts(contents.model);
  const optimizer = await tf.io.encodeWeights(contents.optimizerState);
  const state: CheckpointState<History, Fingerprint> = {
    ...contents.state,
    optimizer: { kind: contents.state.optimizer.kind, slots: optimizer.specs },
  };
  const files: Record<(typeof FILES)[number], Uint8Array | string> = {
    [MODEL_FILE]: modelJson,
    [WEIGHTS_FILE]: weightData,
    [OPTIMIZER_FILE]: new Uint8Array(optimizer.data),
    [STATE_FILE]: `${JSON.stringify(state, null, 2)}\n`,
  };

  await mkdir(directory, { recursive: true });
  const temporary = `${directory}/.tmp-${name}-${process.pid}`;
  await rm(temporary, { recursive: true, force: true });
  await mkdir(temporary);
  let checksums = '';
  for (const file of FILES) {
    await writeFileDurable(`${temporary}/${file}`, files[file]);
    checksums += `${await sha256(files[file])}  ${file}\n`;
    await testPausePoint(`checkpoint:${step}:${file}`);
  }
  await writeFileDurable(`${temporary}/${CHECKSUMS_FILE}`, checksums);
  await syncDirectory(temporary);
  await testPausePoint(`checkpoint:${step}:${CHECKSUMS_FILE}`);
  await rename(temporary, path);
  await syncDirectory(directory);
  return path;
}

/**
 * Reads the checkpoint at `path` and verifies every file against its checksum.
 * @throws CheckpointError naming the file that is missing, corrupt or malformed.
 */
export async function readCheckpoint<History = EpochRecord, Fingerprint = TrainingFingerprint>(
  path: string,
): Promise<Checkpoint<History, Fingerprint>> {
  const { readFile } = await import('node:fs/promises');
  const read = async (file: string) => {
    try {
      return await readFile(`${path}/${file}`);
    } catch (error) {
      throw new CheckpointError(
        `${path}/${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? error}); ` +
          `${path} is not a complete checkpoint.`,
      );
    }
  };
  const expected = parseChecksums(path, (await read(CHECKSUMS_FILE)).toString('utf8'));
  const contents = new Map<string, Buffer>();
  for (const file of FILES) {
    const data = await read(file);
    const actual = await sha256(data);
    if (actual !== expected.get(file)) {
      throw new CheckpointError(
        `${path}/${file}: corrupt checkpoint: its SHA-256 is ${actual}, ${CHECKSUMS_FILE} says ${expected.get(file)}.`,
      );
    }
    contents.set(file, data);
  }
  const state = parseJson(path, STATE_FILE, contents) as CheckpointState<History, Fingerprint>;
  if (state.format !== 'residual-checkpoint' || state.version !== 1) {
    throw new CheckpointError(
      `${path}/${STATE_FILE}: not a version 1 residual checkpoint (format ${JSON.stringify(state.format)}, version ${JSON.stringify(state.version)}).`,
    );
  }
  const modelJson = parseJson(path, MODEL_FILE, contents) as tf.io.ModelJSON;
  const weightSpecs = modelJson.weightsManifest?.[0]?.weights ?? [];
  const weights = contents.get(WEIGHTS_FILE) as Buffer;
  const optimizer = contents.get(OPTIMIZER_FILE) as Buffer;
  checkSize(`${path}/${WEIGHTS_FILE}`, weights, weightSpecs);
  checkSize(`${path}/${OPTIMIZER_FILE}`, optimizer, state.optimizer.slots);
  return {
    path,
    state,
    weightSpecs,
    weightData: toArrayBuffer(weights),
    optimizerData: toArrayBuffer(optimizer),
  };
}

/** The complete checkpoints in `directory`, oldest first (an absent directory has none). */
export async function listCheckpoints(directory: string): Promise<string[]> {
  const { readdir } = await import('node:fs/promises');
  const entries = await readdir(directory).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  return entries
    .filter((entry) => CHECKPOINT_NAME.test(entry))
    .sort((a, b) => checkpointStep(a) - checkpointStep(b))
    .map((entry) => `${directory}/${entry}`);
}

/** The newest complete checkpoint in `directory`, or undefined when there is none. */
export async function latestCheckpoint(directory: string): Promise<string | undefined> {
  return (await listCheckpoints(directory)).at(-1);
}

/** Steps taken when the checkpoint at `path` was written, from its name. */
export function checkpointStep(path: string): number {
  const match = CHECKPOINT_NAME.exec(path.slice(path.lastIndexOf('/') + 1));
  if (match === null) throw new CheckpointError(`${path}: not a checkpoint name (step-<digits>).`);
  return Number(match[1]);
}

/**
 * Deletes all but the newest `keep` checkpoints. Each is first renamed out of view, so a crash
 * during the deletion never leaves a half-deleted directory that looks like a checkpoint.
 */
export async function pruneCheckpoints(directory: string, keep: number): Promise<void> {
  const { rename, rm } = await import('node:fs/promises');
  const all = await listCheckpoints(directory);
  for (const path of all.slice(0, Math.max(0, all.length - keep))) {
    const trash = `${directory}/.trash-${path.slice(directory.length + 1)}-${process.pid}`;
    await rename(path, trash);
    await testPausePoint(`prune:${checkpointStep(path)}`);
    await rm(trash, { recursive: true, force: true });
  }
}

/** Removes what an interrupted write or prune left behind in `directory`. */
export async function removeIncompleteCheckpoints(directory: string): Promise<void> {
  const { readdir, rm } = await import('node:fs/promises');
  const entries = await readdir(directory).catch(() => [] as string[]);
  for (const entry of entries) {
    if (INCOMPLETE_PREFIXES.some((prefix) => entry.startsWith(prefix))) {
      await rm(`${directory}/${entry}`, { recursive: true, force: true });
    }
  }
}

function parseChecksums(path: string, text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const match = /^([0-9a-f]{64}) {2}(\S+)$/.exec(line);
    if (match === null) {
      throw new CheckpointError(
        `${path}/${CHECKSUMS_FILE}: malformed line ${JSON.stringify(line)}.`,
      );
    }
    sums.set(match[2], match[1]);
  }
  const missing = FILES.filter((file) => !sums.has(file));
  if (missing.length > 0) {
    throw new CheckpointError(`${path}/${CHECKSUMS_FILE}: no checksum for ${missing.join(', ')}.`);
  }
  return sums;
}

function parseJson(path: string, file: string, contents: Map<string, Buffer>): unknown {
  try {
    return JSON.parse((contents.get(file) as Buffer).toString('utf8'));
  } catch (error) {
    throw new CheckpointError(`${path}/${file}: not valid JSON (${(error as Error).message}).`);
  }
}

function checkSize(file: string, data: Uint8Array, specs: tf.io.WeightsManifestEntry[]): void {
  const bytes = specs.reduce(
    (n, spec) => n + tf.util.sizeFromShape(spec.shape) * (spec.dtype === 'bool' ? 1 : 4),
    0,
  );
  if (data.byteLength !== bytes) {
    throw new CheckpointError(
      `${file}: expected ${bytes} bytes for the tensors its manifest lists, found ${data.byteLength}.`,
    );
  }
}

function toArrayBuffer(data: Uint8Array): ArrayBuffer {
  return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
}
