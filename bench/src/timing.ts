export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Seconds per call of `fn`: one warm-up call, then calls until `minTime` seconds have passed
 * (at least 3, at most `maxReps`); the median, which a busy machine disturbs least.
 */
export function timeCalls(fn: () => void, minTime: number, maxReps = 50): number[] {
  fn();
  const times: number[] = [];
  const end = performance.now() + minTime * 1000;
  while (times.length < 3 || (performance.now() < end && times.length < maxReps)) {
    const start = performance.now();
    fn();
    times.push((performance.now() - start) / 1000);
  }
  return times;
}

/** Something to time step by step, and to release afterwards. */
export interface Stepper {
  step(): void;
  dispose(): void;
}

/** Median seconds per step of `stepper`: `warmup` untimed steps, then `steps` timed; disposes it. */
export function medianStepSeconds(stepper: Stepper, warmup: number, steps: number): number {
  try {
    for (let i = 0; i < warmup; i++) stepper.step();
    const times: number[] = [];
    for (let i = 0; i < steps; i++) {
      const start = performance.now();
      stepper.step();
      times.push((performance.now() - start) / 1000);
    }
    return median(times);
  } finally {
    stepper.dispose();
  }
}
