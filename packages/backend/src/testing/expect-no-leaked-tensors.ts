import * as tf from '@tensorflow/tfjs';

/**
 * Runs `fn` and throws if it leaves more live tensors behind than the ones it returns
 * (a tensor, or tensors inside returned arrays and plain objects). Returns what `fn` returns.
 */
export async function expectNoLeakedTensors<T>(fn: () => T | Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await fn();
  const returned = countTensors(result, new Set());
  const leaked = tf.memory().numTensors - before - returned;
  if (leaked > 0) {
    throw new Error(
      `Leaked ${leaked} tensor(s): ${before} live before, ${before + leaked + returned} after, ${returned} returned.`,
    );
  }
  return result;
}

function countTensors(value: unknown, seen: Set<number>): number {
  if (value instanceof tf.Tensor) {
    if (value.isDisposed || seen.has(value.id)) return 0;
    seen.add(value.id);
    return 1;
  }
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + countTensors(v, seen), 0);
  if (
    value !== null &&
    typeof value === 'object' &&
    Object.getPrototypeOf(value) === Object.prototype
  ) {
    return Object.values(value).reduce((n: number, v) => n + countTensors(v, seen), 0);
  }
  return 0;
}
