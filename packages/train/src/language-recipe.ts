import { cosineSchedule, type LearningRateSchedule, linearWarmup } from './schedules.js';
import type { WeightDecayTarget } from './weight-decay.js';

/**
 * How a language model is trained: AdamW, a warm-up and cosine schedule to a minimum rate,
 * gradient clipping, and how often to measure the held-out loss. Counted in optimizer steps
 * (each a batch of random windows), as nanoGPT counts iterations, not epochs.
 */
export interface LanguageRecipe {
  /** Stored in checkpoints and shown in logs. */
  name: string;
  /** Optimizer steps in the run. */
  steps: number;
  /** Windows per step. */
  batchSize: number;
  /** The peak rate, reached at the end of the warm-up. */
  learningRate: number;
  /** The rate the cosine ends at (nanoGPT's `min_lr`, a tenth of the peak). */
  minLearningRate: number;
  /** Steps of linear warm-up from 0. */
  warmupSteps: number;
  beta1: number;
  beta2: number;
  /** Decoupled (AdamW) weight decay. */
  weightDecay: number;
  /** 'kernels': weights of rank ≥ 2 (matrices and embeddings), as nanoGPT; 'all': every weight. */
  weightDecayAppliesTo: WeightDecayTarget;
  /** Scale the gradient down to this global L2 norm when above it; 0 turns clipping off. */
  gradientClip: number;
  /** Measure the validation loss every this many steps (and at the end). */
  evalEvery: number;
  /** Validation windows per measurement, spread evenly over the held-out text. */
  evalWindows: number;
}

export interface NanoGptRecipeOptions extends Partial<Omit<LanguageRecipe, 'name'>> {}

/**
 * nanoGPT's `shakespeare_char` recipe as its README runs it on a CPU (batch 12, 2,000
 * iterations, context 64 in the model): AdamW at 1e-3 with β₂ 0.99, 100 warm-up steps, cosine
 * to 1e-4 at the last step, weight decay 0.1, gradients clipped to norm 1, and the validation
 * loss every 250 steps on 240 windows (its `eval_iters` 20 × batch 12).
 */
export function nanoGptRecipe(options: NanoGptRecipeOptions = {}): LanguageRecipe {
  const learningRate = options.learningRate ?? 1e-3;
  return {
    name: 'nanogpt',
    steps: 2000,
    batchSize: 12,
    learningRate,
    minLearningRate: learningRate / 10,
    warmupSteps: 100,
    beta1: 0.9,
    beta2: 0.99,
    weightDecay: 0.1,
    weightDecayAppliesTo: 'kernels',
    gradientClip: 1,
    evalEvery: 250,
    evalWindows: 240,
    ...Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)),
  };
}

/**
 * The recipe's rate at every step: linear warm-up from 0 to the peak over `warmupSteps`, then
 * a cosine to `minLearningRate` at the last step (nanoGPT's `get_lr`, with its decay ending
 * where the run does). A warm-up longer than half the run is cut to half.
 */
export function languageSchedule(recipe: LanguageRecipe): LearningRateSchedule {
  const warmup = Math.min(recipe.warmupSteps, Math.floor(recipe.steps / 2));
  const cosine = cosineSchedule({
    learningRate: recipe.learningRate,
    start: warmup,
    end: Math.max(recipe.steps, warmup + 1),
    final: Math.min(recipe.minLearningRate, recipe.learningRate),
  });
  return warmup > 0 ? linearWarmup(cosine, { steps: warmup }) : cosine;
}
