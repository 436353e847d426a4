import type { Recipe } from './recipe.js';
import type { LearningRateSchedule } from './schedules.js';

/**
 * What decides a run's result apart from the model's weights: stored in every checkpoint and
 * compared on resume, so a run is never continued with other settings by mistake.
 */
export interface TrainingFingerprint {
  recipe: string;
  details: Record<string, string | number | boolean>;
  epochs: number;
  batchSize: number;
  learningRate: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
  weightDecayAppliesTo: string;
  labelSmoothing: number;
  augmentation: boolean;
  seed: number;
  trainImages: number;
  numClasses: number;
  /** A hash of the learning rate of every step: catches any change to the schedule. */
  learningRates: string;
}

export function trainingFingerprint(
  recipe: Recipe,
  run: {
    seed: number;
    trainImages: number;
    numClasses: number;
    totalSteps: number;
    schedule: LearningRateSchedule;
  },
): TrainingFingerprint {
  return {
    recipe: recipe.name,
    details: recipe.details ?? {},
    epochs: recipe.epochs,
    batchSize: recipe.batchSize,
    learningRate: recipe.learningRate,
    momentum: recipe.momentum,
    nesterov: recipe.nesterov,
    weightDecay: recipe.weightDecay,
    weightDecayAppliesTo: recipe.weightDecayAppliesTo,
    labelSmoothing: recipe.labelSmoothing,
    augmentation: recipe.augmentation !== undefined,
    seed: run.seed,
    trainImages: run.trainImages,
    numClasses: run.numClasses,
    learningRates: scheduleHash(run.schedule, run.totalSteps),
  };
}

/**
 * The first difference between two fingerprints, as words ("epochs is 2 there, 3 here"), or
 * undefined when they agree.
 */
export function fingerprintDifference<Fingerprint extends object>(
  saved: Fingerprint,
  current: Fingerprint,
): string | undefined {
  for (const key of Object.keys(current) as (keyof Fingerprint & string)[]) {
    const there = JSON.stringify(saved[key]);
    const here = JSON.stringify(current[key]);
    if (there === here) continue;
    if (key === 'learningRates') return 'the learning-rate schedule differs';
    return `${key} is ${there} there, ${here} here`;
  }
  return undefined;
}

/** FNV-1a over the float64 bytes of every step's rate: fast, and exact to the last bit. */
export function scheduleHash(schedule: LearningRateSchedule, totalSteps: number): string {
  const value = new Float64Array(1);
  const bytes = new Uint8Array(value.buffer);
  let hash = 0x811c9dc5;
  for (let step = 0; step < totalSteps; step++) {
    value[0] = schedule(step);
    for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193);
  }
  return `fnv1a:${totalSteps}:${(hash >>> 0).toString(16).padStart(8, '0')}`;
}
