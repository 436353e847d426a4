import { describeShortfall, type RecomputeOption, StepMemoryError } from '@residual/train';
import { parsed } from '../options.js';
import { UsageError } from '../usage-error.js';

export const RECOMPUTE_OPTION = parsed(
  'recompute',
  {
    placeholder: 'auto|none|blocks|n',
    description:
      'Recompute activations in the backward pass instead of keeping them (gradient checkpointing): ' +
      "none keeps all; blocks keeps only each residual block's input; n splits the network into n " +
      "segments; auto recomputes only when a step would not fit the backend's memory. Same results, " +
      'about one more forward pass per step.',
    default: 'auto',
  },
  parseRecompute,
);

/** `--recompute`'s value as the train API takes it. */
function parseRecompute(value: string, where: string): RecomputeOption {
  if (value === 'auto' || value === 'none' || value === 'blocks') return value;
  if (/^[1-9]\d*$/.test(value)) return Number(value);
  throw new UsageError(
    `${where}: must be auto, none, blocks or a positive number of segments, got '${value}'.`,
  );
}

/**
 * Rewords a step that cannot fit in the options of `command` (`recompute` names the option
 * that turns recomputation on, where the command has one).
 */
export function inCommandWords(command: string, recompute?: string) {
  return (error: unknown): never => {
    if (error instanceof StepMemoryError) {
      const words = { batchSize: '--batch-size', recompute };
      throw new UsageError(`${command}: ${describeShortfall(error.shortfall, words)}`, {
        cause: error,
      });
    }
    throw error;
  };
}
