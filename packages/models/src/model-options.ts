import { ModelError } from './model-error.js';

/** Options every registry entry takes. Families add their own (see each builder). */
export interface CommonModelOptions {
  /** Input image shape [height, width, channels]. Default: the entry's (32×32×3 for CIFAR). */
  inputShape?: readonly [number, number, number];
  /** Number of output classes (logits). Default: the entry's (10 for CIFAR-10). */
  numClasses?: number;
  /** Seed for the initial weights: the same seed builds the same model. Default: random. */
  seed?: number;
}

export function checkInputShape(model: string, shape: readonly number[]): [number, number, number] {
  if (shape.length !== 3 || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new ModelError(
      `${model}: inputShape must be [height, width, channels] of positive integers, got [${shape}].`,
    );
  }
  return [shape[0], shape[1], shape[2]];
}

export function checkNumClasses(model: string, numClasses: number): number {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new ModelError(`${model}: numClasses must be a positive integer, got ${numClasses}.`);
  }
  return numClasses;
}

export function checkChoice<T extends string>(
  model: string,
  option: string,
  value: string,
  accepted: readonly T[],
): T {
  if (!(accepted as readonly string[]).includes(value)) {
    throw new ModelError(
      `${model}: ${option} must be one of ${accepted.map((a) => `'${a}'`).join(', ')}, got '${value}'.`,
    );
  }
  return value as T;
}
