import { ResidualError } from '@residual/backend';

export interface StepMemoryShortfall {
  model: string;
  batchSize: number;
  /** Estimated peak bytes of one step as planned. */
  neededBytes: number;
  /** What the backend can hold. */
  limitBytes: number;
  backend: string;
  /** Whether the plan already recomputed activations. */
  recomputing: boolean;
  /** The largest batch that fits as planned (0: none). */
  largestBatch: number;
  /** The largest batch that fits with the best recomputation, when that is better. */
  largestBatchRecomputing?: number;
  /** The backend ran out during a step although the estimate fit. */
  ranOut?: boolean;
}

/**
 * A training step that cannot fit the backend's memory: raised before training starts, from
 * the estimate, or when the backend runs out all the same (the wasm heap's RangeError).
 */
export class StepMemoryError extends ResidualError {
  readonly shortfall: StepMemoryShortfall;

  constructor(shortfall: StepMemoryShortfall, options?: { cause?: unknown }) {
    super(
      describeShortfall(shortfall, { batchSize: 'batchSize', recompute: "recompute 'auto'" }),
      options,
    );
    this.shortfall = shortfall;
  }
}

/**
 * One line: what the step needs, what the backend allows, what to change (in `names`' words;
 * without `names.recompute`, where the caller cannot recompute, no advice to).
 */
export function describeShortfall(
  shortfall: StepMemoryShortfall,
  names: { batchSize: string; recompute?: string },
): string {
  const { model, batchSize, neededBytes, limitBytes, backend, recomputing } = shortfall;
  const advice: string[] = [];
  const recomputed = shortfall.largestBatchRecomputing;
  if (names.recompute !== undefined && recomputed !== undefined && recomputed >= 1) {
    advice.push(`${names.recompute} (fits a batch of ${recomputed})`);
  }
  if (shortfall.largestBatch >= 1)
    advice.push(`${names.batchSize} ${shortfall.largestBatch} or less`);
  const change =
    advice.length > 0
      ? `use ${advice.join(', or ')}`
      : 'the model does not fit at any batch size on this backend';
  if (shortfall.ranOut) {
    return (
      `${model} at batch ${batchSize} ran out of memory in a training step (estimated ${gib(neededBytes)}` +
      `${recomputing ? ' with activation recomputation' : ''}; the ${backend} backend allows ${gib(limitBytes)}): ${change}.`
    );
  }
  return (
    `${model} at batch ${batchSize} needs about ${gib(neededBytes)} per training step` +
    `${recomputing ? ' even with activation recomputation' : ''}, and the ${backend} backend allows ` +
    `${gib(limitBytes)}: ${change}.`
  );
}

function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

/**
 * Whether `error` is the backend running out of memory: the wasm heap failing to grow shows up
 * as a RangeError from tfjs ("the output must not overlap an input" when a kernel gets a
 * buffer it could not allocate) or from the engine; Node's own allocations as "Array buffer
 * allocation failed".
 */
export function isOutOfMemory(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const message = error.message;
  if (/Cannot enlarge memory|Aborted\(OOM\)|out of memory/i.test(message)) return true;
  return (
    error instanceof RangeError &&
    /overlap an input|allocation failed|Invalid typed array length|Invalid array buffer length|memory/i.test(
      message,
    )
  );
}
