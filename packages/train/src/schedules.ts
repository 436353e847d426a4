/**
 * A learning rate for each optimizer step: `step` counts from 0 over the whole run. Schedules
 * are pure functions of the step, so a resumed run gets exactly the rates of the original, and
 * they compose: a warm-up wraps any schedule, and every parameter is in global steps.
 */
export type LearningRateSchedule = (step: number) => number;

/** The same rate at every step. */
export function constantSchedule(learningRate: number): LearningRateSchedule {
  checkRate('learningRate', learningRate);
  return () => learningRate;
}

export interface StepDecayOptions {
  learningRate: number;
  /** Steps between two decays. */
  stepSize: number;
  /** Factor applied at each decay. Default 0.1 (divide by 10). */
  gamma?: number;
}

/** Multiplies the rate by `gamma` every `stepSize` steps: rate(step) = lr · γ^⌊step / stepSize⌋. */
export function stepDecay({
  learningRate,
  stepSize,
  gamma = 0.1,
}: StepDecayOptions): LearningRateSchedule {
  checkRate('learningRate', learningRate);
  checkSteps('stepSize', stepSize, 1);
  checkGamma(gamma);
  return (step: number) => decayed(learningRate, gamma, Math.floor(step / stepSize));
}

export interface MultiStepOptions {
  learningRate: number;
  /** Steps at which the rate is multiplied by `gamma`, increasing. */
  milestones: readonly number[];
  /** Default 0.1 (divide by 10). */
  gamma?: number;
}

/**
 * Multiplies the rate by `gamma` at each milestone: the milestone's step already runs at the
 * lower rate. The ResNet paper's CIFAR schedule is `multiStep` with milestones at 32k and 48k.
 */
export function multiStep({
  learningRate,
  milestones,
  gamma = 0.1,
}: MultiStepOptions): LearningRateSchedule {
  checkRate('learningRate', learningRate);
  checkGamma(gamma);
  milestones.forEach((milestone, i) => {
    checkSteps('milestones', milestone, 0);
    if (i > 0 && milestone <= milestones[i - 1]) {
      throw new RangeError(`milestones must increase, got [${milestones}].`);
    }
  });
  return (step) =>
    decayed(learningRate, gamma, milestones.filter((milestone) => step >= milestone).length);
}

export interface CosineOptions {
  learningRate: number;
  /** Step where the decay starts; before it the rate is `learningRate`. Default 0. */
  start?: number;
  /** Step where the rate reaches `final` and stays. */
  end: number;
  /** Default 0. */
  final?: number;
}

/**
 * Cosine annealing from `learningRate` at `start` to `final` at `end` (Loshchilov & Hutter 2017,
 * SGDR, without restarts).
 */
export function cosineSchedule({
  learningRate,
  start = 0,
  end,
  final = 0,
}: CosineOptions): LearningRateSchedule {
  checkRate('learningRate', learningRate);
  checkRate('final', final, true);
  checkSteps('start', start, 0);
  checkSteps('end', end, start + 1);
  return (step) => {
    if (step <= start) return learningRate;
    if (step >= end) return final;
    const progress = (step - start) / (end - start);
    return final + ((learningRate - final) * (1 + Math.cos(Math.PI * progress))) / 2;
  };
}

export interface LinearWarmupOptions {
  /** Steps of warm-up: steps 0 … steps-1 are replaced. */
  steps: number;
  /** Rate at step 0. Default 0. */
  from?: number;
}

/**
 * Replaces the first `steps` steps of `schedule` with a linear ramp from `from` (at step 0)
 * towards `schedule(steps)`, which the ramp would reach at step `steps`: the schedule then
 * continues without a jump (Goyal et al. 2017, gradual warm-up).
 */
export function linearWarmup(
  schedule: LearningRateSchedule,
  { steps, from = 0 }: LinearWarmupOptions,
): LearningRateSchedule {
  checkSteps('steps', steps, 1);
  checkRate('from', from, true);
  const target = schedule(steps);
  return (step) => (step < steps ? from + ((target - from) * step) / steps : schedule(step));
}

export interface ConstantWarmupOptions {
  /** Steps of warm-up: steps 0 … steps-1 run at `learningRate`. */
  steps: number;
  learningRate: number;
}

/**
 * Runs the first `steps` steps at a fixed low rate, then `schedule`: the ResNet paper's warm-up
 * for 110 layers ("we use 0.01 to warm up the training until the training error is below 80%
 * (about 400 iterations), and then go back to 0.1", He et al. 2015, §4.2).
 */
export function constantWarmup(
  schedule: LearningRateSchedule,
  { steps, learningRate }: ConstantWarmupOptions,
): LearningRateSchedule {
  checkSteps('steps', steps, 1);
  checkRate('learningRate', learningRate);
  return (step) => (step < steps ? learningRate : schedule(step));
}

export interface OneCycleOptions {
  /** The peak rate. */
  maxLearningRate: number;
  /** Steps of the whole cycle (the run). */
  steps: number;
  /** Fraction of the cycle spent rising to the peak. Default 0.3. */
  rise?: number;
  /** The cycle starts at maxLearningRate / initialDivisor. Default 25. */
  initialDivisor?: number;
  /** It ends at the start rate / finalDivisor. Default 1e4. */
  finalDivisor?: number;
}

/**
 * The one-cycle policy (Smith & Topin 2018): cosine rise from max/25 to max over the first 30%
 * of the steps, then cosine fall to max/25/1e4 at the last step (PyTorch's OneCycleLR defaults).
 */
export function oneCycle({
  maxLearningRate,
  steps,
  rise = 0.3,
  initialDivisor = 25,
  finalDivisor = 1e4,
}: OneCycleOptions): LearningRateSchedule {
  checkRate('maxLearningRate', maxLearningRate);
  checkSteps('steps', steps, 2);
  if (!(rise > 0 && rise < 1)) throw new RangeError(`rise must be in (0, 1), got ${rise}.`);
  checkRate('initialDivisor', initialDivisor);
  checkRate('finalDivisor', finalDivisor);
  const initial = maxLearningRate / initialDivisor;
  const final = initial / finalDivisor;
  // The peak lands on a whole step; the fall ends exactly at the last step.
  const peak = Math.max(1, Math.round(rise * (steps - 1)));
  const anneal = (from: number, to: number, progress: number) =>
    to + ((from - to) * (1 + Math.cos(Math.PI * Math.min(1, Math.max(0, progress))))) / 2;
  return (step) =>
    step <= peak
      ? anneal(initial, maxLearningRate, step / peak)
      : anneal(maxLearningRate, final, (step - peak) / (steps - 1 - peak));
}

/** lr · γ^k, written as a division when 1/γ is a whole number so 0.1 / 100 prints as 0.001. */
function decayed(learningRate: number, gamma: number, times: number): number {
  const divisor = 1 / gamma;
  return Number.isInteger(divisor)
    ? learningRate / divisor ** times
    : learningRate * gamma ** times;
}

function checkRate(name: string, value: number, zeroAllowed = false): void {
  if (!Number.isFinite(value) || value < 0 || (!zeroAllowed && value === 0)) {
    throw new RangeError(
      `${name} must be a ${zeroAllowed ? 'non-negative' : 'positive'} number, got ${value}.`,
    );
  }
}

function checkSteps(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer of at least ${min}, got ${value}.`);
  }
}

function checkGamma(gamma: number): void {
  if (!(gamma > 0 && gamma <= 1)) throw new RangeError(`gamma must be in (0, 1], got ${gamma}.`);
}
