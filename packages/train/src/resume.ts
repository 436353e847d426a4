import * as tf from '@tensorflow/tfjs';
import {
  type Checkpoint,
  CheckpointError,
  checkpointStep,
  type EpochProgress,
  emptyProgress,
  listCheckpoints,
  readCheckpoint,
  removeIncompleteCheckpoints,
} from './checkpoints.js';
import { restoreMaskCounts } from './mask-counts.js';
import type { Optimizer } from './optimizer.js';
import type { EpochRecord } from './train-callbacks.js';
import { fingerprintDifference, type TrainingFingerprint } from './training-fingerprint.js';

/** Where a call to `train` starts: at the beginning, or where a checkpoint left off. */
export interface StartingPoint<History = EpochRecord> {
  /** Steps already taken. */
  step: number;
  epoch: number;
  batch: number;
  progress: EpochProgress;
  history: History[];
  /** The checkpoint resumed from. */
  checkpoint?: string;
}

/**
 * Clears what a crash left in the checkpoint folder, then, for a resume, reads and verifies
 * the checkpoint and puts its state into `model` and `optimizer`. Refuses a fresh run in a
 * folder that holds checkpoints, a checkpoint of another configuration, and a resume from an
 * older checkpoint than the folder's newest (which would overwrite the later ones).
 * @throws CheckpointError naming the checkpoint and the problem.
 */
export async function startingPoint<
  History = EpochRecord,
  Fingerprint extends object = TrainingFingerprint,
>(options: {
  model: tf.LayersModel;
  optimizer: Optimizer;
  fingerprint: Fingerprint;
  checkpointDir?: string;
  resume?: string | Checkpoint<History, Fingerprint>;
}): Promise<StartingPoint<History>> {
  const { checkpointDir, resume } = options;
  let newest: string | undefined;
  if (checkpointDir !== undefined) {
    await removeIncompleteCheckpoints(checkpointDir);
    newest = (await listCheckpoints(checkpointDir)).at(-1);
  }
  if (resume === undefined) {
    if (newest !== undefined) {
      throw new CheckpointError(
        `${checkpointDir} already holds checkpoints (the newest is ${newest}); resume from it or choose another directory.`,
      );
    }
    return { step: 0, epoch: 0, batch: 0, progress: emptyProgress(), history: [] };
  }
  const checkpoint =
    typeof resume === 'string' ? await readCheckpoint<History, Fingerprint>(resume) : resume;
  const { state } = checkpoint;
  const difference = fingerprintDifference(state.training, options.fingerprint);
  if (difference !== undefined) {
    throw new CheckpointError(
      `${checkpoint.path} belongs to another training configuration: ${difference}.`,
    );
  }
  if (newest !== undefined && checkpointStep(newest) > state.step) {
    throw new CheckpointError(
      `${checkpointDir} holds a newer checkpoint (${newest}) than ${checkpoint.path}; resuming from the older one would overwrite the run's later checkpoints.`,
    );
  }
  restoreCheckpoint(options.model, options.optimizer, checkpoint);
  return {
    step: state.step,
    epoch: state.epoch,
    batch: state.batch,
    progress: { ...state.epochProgress },
    history: [...state.history],
    checkpoint: checkpoint.path,
  };
}

/**
 * Puts the checkpoint's weights (batch-norm moving statistics included) into `model` and its
 * momentum into `optimizer`, bit for bit. Checks everything first, so a checkpoint that does
 * not fit changes nothing.
 * @throws CheckpointError naming the checkpoint and the weight that does not fit.
 */
export function restoreCheckpoint<History, Fingerprint>(
  model: tf.LayersModel,
  optimizer: Optimizer,
  checkpoint: Checkpoint<History, Fingerprint>,
): void {
  const where = checkpoint.path;
  const saved = checkpoint.state.optimizer.kind ?? 'sgd-momentum';
  if (saved !== optimizer.kind) {
    throw new CheckpointError(
      `${where} holds the state of a ${saved} optimizer; this run uses ${optimizer.kind}.`,
    );
  }
  const weights = tf.io.decodeWeights(checkpoint.weightData, checkpoint.weightSpecs);
  const slots = tf.io.decodeWeights(checkpoint.optimizerData, checkpoint.state.optimizer.slots);
  try {
    const names = new Set(Object.keys(weights));
    for (const weight of model.weights) {
      const saved = weights[weight.originalName];
      if (saved === undefined) {
        throw new CheckpointError(
          `${where} does not fit the model: it has no weight ${weight.originalName}.`,
        );
      }
      if (!tf.util.arraysEqual(saved.shape, weight.shape as number[])) {
        throw new CheckpointError(
          `${where} does not fit the model: ${weight.originalName} is [${saved.shape}] there, [${weight.shape}] in the model.`,
        );
      }
      names.delete(weight.originalName);
    }
    if (names.size > 0) {
      throw new CheckpointError(
        `${where} does not fit the model: the model has no weight ${[...names][0]}.`,
      );
    }
    restoreMaskCounts(model, checkpoint.state.maskCounts ?? {}, where);
    try {
      optimizer.restore(slots);
    } catch (error) {
      throw new CheckpointError(`${where} does not fit the model: ${(error as Error).message}`);
    }
    // Assigned directly: LayerVariable.write would re-apply weight constraints.
    for (const weight of model.weights) {
      (weight.read() as tf.Variable).assign(weights[weight.originalName]);
    }
  } finally {
    tf.dispose(Object.values(weights));
    tf.dispose(Object.values(slots));
  }
}
