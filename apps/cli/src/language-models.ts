import { getModelEntry, type ModelEntry } from '@residual/models';

/** The options a language model's registry entry takes, by their command-line names. */
export const LANGUAGE_MODEL_OPTIONS = {
  context: 'contextLength',
  layers: 'layers',
  heads: 'heads',
  width: 'width',
} as const;

/** The command-line names of those options. */
export const LANGUAGE_MODEL_FLAGS = [
  'context',
  'layers',
  'heads',
  'width',
] as const satisfies readonly (keyof typeof LANGUAGE_MODEL_OPTIONS)[];

/**
 * Whether a registry entry is a language model (tokens in, next-token logits out), as its
 * task says. The command line picks the task from that.
 */
export function isLanguageModelEntry(entry: ModelEntry): boolean {
  return entry.task === 'language-model';
}

/** Whether `name` is a registered language model (false for unknown names). */
export function isLanguageModel(name: string): boolean {
  try {
    return isLanguageModelEntry(getModelEntry(name));
  } catch {
    return false;
  }
}
