import type { LanguageRecipe } from './language-recipe.js';
import type { LearningRateSchedule } from './schedules.js';
import { scheduleHash } from './training-fingerprint.js';

/**
 * What decides a language-model run's result apart from the weights: stored in every
 * checkpoint and compared on resume.
 */
export interface LanguageFingerprint extends Omit<LanguageRecipe, 'name'> {
  recipe: string;
  seed: number;
  trainTokens: number;
  validationTokens: number;
  vocabSize: number;
  context: number;
  /** A hash of the learning rate of every step. */
  learningRates: string;
}

export function languageFingerprint(
  recipe: LanguageRecipe,
  run: {
    seed: number;
    trainTokens: number;
    validationTokens: number;
    vocabSize: number;
    context: number;
    schedule: LearningRateSchedule;
  },
): LanguageFingerprint {
  const { name, ...settings } = recipe;
  const { schedule, ...rest } = run;
  return {
    recipe: name,
    ...settings,
    ...rest,
    learningRates: scheduleHash(schedule, recipe.steps),
  };
}
