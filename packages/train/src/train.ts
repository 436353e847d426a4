import { ResidualError } from '@residual/backend';
import { batchCount, batches } from '@residual/datasets';
import { Accuracy } from '@residual/metrics';
import * as tf from '@tensorflow/tfjs';
import { evaluate } from './evaluate.js';
import type { TrainingData } from './training-data.js';

export interface BatchEndInfo {
  epoch: number;
  /** Batch index within the epoch. */
  batch: number;
  /** Batches in the epoch. */
  batches: number;
  /** Optimizer steps taken so far in the run. */
  step: number;
  loss: number;
}

/** One epoch of the run's history. */
export interface EpochRecord {
  epoch: number;
  /** Mean training loss over the epoch's batches. */
  loss: number;
  /** Training accuracy over the epoch (training-mode batch norm, as the weights moved). */
  accuracy: number;
  learningRate: number;
  /** Wall time of the epoch, evaluation included. */
  seconds: number;
  testLoss?: number;
  testAccuracy?: number;
}

export interface TrainCallbacks {
  onEpochStart?(epoch: number): void | Promise<void>;
  onBatchEnd?(info: BatchEndInfo): void | Promise<void>;
  onEpochEnd?(record: EpochRecord): void | Promise<void>;
}

export interface TrainOptions {
  /** Any tfjs LayersModel that maps images to class logits. */
  model: tf.LayersModel;
  data: TrainingData;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** SGD momentum. Default 0.9. */
  momentum?: number;
  /** Seeds the data order: the same seed and backend give the same run. Default 0. */
  seed?: number;
  callbacks?: TrainCallbacks;
  /** Stops the run after the current step. */
  signal?: AbortSignal;
}

export interface TrainResult {
  history: EpochRecord[];
  /** Optimizer steps taken. */
  steps: number;
  /** True when the signal stopped the run before its last epoch ended. */
  aborted: boolean;
}

/** Options a user can get wrong; reported as one line by the CLI. */
export class TrainOptionsError extends ResidualError {}

/**
 * Trains `model` with SGD + momentum and softmax cross-entropy on `data.train`, evaluating on
 * `data.test` after each epoch. Deterministic for a given seed and backend.
 */
export async function train(options: TrainOptions): Promise<TrainResult> {
  checkOptions(options);
  const { model, data, epochs, batchSize, learningRate, callbacks = {}, signal } = options;
  const seed = options.seed ?? 0;
  const optimizer = tf.train.momentum(learningRate, options.momentum ?? 0.9);
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const perEpoch = batchCount(data.train, { batchSize });
  const history: EpochRecord[] = [];
  let step = 0;
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const started = performance.now();
      await callbacks.onEpochStart?.(epoch);
      const accuracy = new Accuracy();
      let lossSum = 0;
      let batchIndex = 0;
      for (const batch of batches(data.train, {
        batchSize,
        shuffle: true,
        seed,
        epoch,
        normalization: data.normalization,
      })) {
        let logits: tf.Tensor | undefined;
        const loss = optimizer.minimize(
          () => {
            const output = model.apply(batch.images, { training: true }) as tf.Tensor;
            logits = tf.keep(output);
            return tf.losses.softmaxCrossEntropy(
              tf.oneHot(batch.labels, data.numClasses),
              output,
            ) as tf.Scalar;
          },
          true,
          variables,
        ) as tf.Scalar;
        const lossValue = (await loss.data())[0];
        accuracy.update(batch.labels, logits!);
        tf.dispose([loss, logits!, batch.images, batch.labels]);
        lossSum += lossValue;
        step++;
        await callbacks.onBatchEnd?.({
          epoch,
          batch: batchIndex,
          batches: perEpoch,
          step,
          loss: lossValue,
        });
        batchIndex++;
        if (signal?.aborted) return { history, steps: step, aborted: true };
      }
      const record: EpochRecord = {
        epoch,
        loss: lossSum / batchIndex,
        accuracy: accuracy.result(),
        learningRate,
        seconds: 0,
      };
      if (data.test !== undefined) {
        const result = evaluate(model, data.test, {
          numClasses: data.numClasses,
          normalization: data.normalization,
        });
        record.testLoss = result.loss;
        record.testAccuracy = result.accuracy;
      }
      record.seconds = (performance.now() - started) / 1000;
      history.push(record);
      await callbacks.onEpochEnd?.(record);
    }
  } finally {
    optimizer.dispose();
    // tfjs 4.22's MomentumOptimizer.dispose forgets the learning-rate scalar of its SGD base.
    (optimizer as unknown as { c?: tf.Tensor }).c?.dispose();
  }
  return { history, steps: step, aborted: false };
}

function checkOptions(options: TrainOptions): void {
  const positiveInteger = (name: string, value: number) => {
    if (!Number.isInteger(value) || value < 1) {
      throw new TrainOptionsError(`${name} must be a positive integer, got ${value}.`);
    }
  };
  positiveInteger('epochs', options.epochs);
  positiveInteger('batchSize', options.batchSize);
  if (!(options.learningRate > 0) || !Number.isFinite(options.learningRate)) {
    throw new TrainOptionsError(
      `learningRate must be a positive number, got ${options.learningRate}.`,
    );
  }
  const outputs = options.model.outputs[0].shape;
  if (outputs.length !== 2 || outputs[1] !== options.data.numClasses) {
    throw new TrainOptionsError(
      `The model outputs shape [${outputs}], but the data has ${options.data.numClasses} classes; ` +
        `build the model with numClasses ${options.data.numClasses}.`,
    );
  }
  const inputs = options.model.inputs[0].shape.slice(1).join('×');
  const images = options.data.train.imageShape.join('×');
  if (inputs !== images) {
    throw new TrainOptionsError(
      `The model takes ${inputs} images, the data has ${images}; build the model with inputShape [${options.data.train.imageShape}].`,
    );
  }
}
