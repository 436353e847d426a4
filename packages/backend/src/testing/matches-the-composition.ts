import { nativeSkipReason } from '@residual/vitest-config/peer';
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { initBackend, nativeKernelStatus } from '../init-backend.js';
import { onStockCpu } from './on-stock-cpu.js';

const nativeSkip = nativeSkipReason(await nativeKernelStatus());

/**
 * For a kernel of ours that replaces a composition of tfjs ops: one test per backend it is
 * registered on (wasm, wasm with the native addon, cpu) that `run` — which calls the public
 * function — gives there, through our kernels, what it gives on stock cpu (through the
 * composition), and leaks no tensor. `compare(actual, expected)` judges the results; by default
 * they must be the same bits.
 */
export function itMatchesTheComposition<T>(
  kernelName: string,
  run: () => T,
  compare: (actual: T, expected: T) => void = (actual, expected) =>
    expect(actual).toEqual(expected),
): void {
  for (const [backend, native] of [
    ['wasm', false],
    ['wasm', true],
    ['cpu', false],
  ] as const) {
    it.skipIf(native && nativeSkip !== undefined)(
      `matches on ${backend}${native ? ' (native)' : ''}, with our kernels, the tfjs composition`,
      async () => {
        // Stock cpu has none of our kernels: there the public function runs the composition.
        const expected = await onStockCpu(run);
        await initBackend({ backend, native });
        expect(tf.getKernel(kernelName, backend)).toBeDefined();
        const before = tf.memory().numTensors;
        const actual = run();
        expect(tf.memory().numTensors).toBe(before);
        compare(actual, expected);
      },
    );
  }
}
