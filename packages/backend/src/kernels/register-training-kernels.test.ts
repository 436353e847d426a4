// The table's semantics without running a kernel: which configs end up registered for each
// backend, with and without the native addon, and what switching between them puts back.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { cpuKernels } from './cpu/kernels.js';
import type { NativeKernels } from './native/addon.js';
import { nativeKernels } from './native/kernels.js';
import { registerTrainingKernels } from './register-training-kernels.js';
import { wasmKernels } from './wasm/kernels.js';

/** Building the native configs only closes over the addon; no kernel runs here. */
const native = {} as NativeKernels;

function registered(kernelName: string, backendName: string): tf.KernelFunc | undefined {
  return tf.getKernel(kernelName, backendName)?.kernelFunc;
}

describe('registerTrainingKernels', () => {
  // Stock tfjs-backend-wasm's kernels, captured before ours replace them.
  const stockPad = registered(tf.PadV2, 'wasm');
  const stockCpuPad = registered(tf.PadV2, 'cpu');
  const nativeNames = new Set(nativeKernels(native).map((config) => config.kernelName));
  const portableNames = new Set(wasmKernels.map((config) => config.kernelName));

  it('registers the portable kernels of wasm', () => {
    expect(stockPad).toBeDefined();
    registerTrainingKernels('wasm');
    for (const config of wasmKernels) {
      expect(registered(config.kernelName, 'wasm'), config.kernelName).toBe(config.kernelFunc);
    }
  });

  it('lets the native kernels win over portable ones of the same name, idempotently', () => {
    registerTrainingKernels('wasm', { native });
    const first = new Map([...nativeNames].map((name) => [name, registered(name, 'wasm')]));
    expect(nativeNames.has(tf.BatchMatMul) && portableNames.has(tf.BatchMatMul)).toBe(true);
    for (const config of wasmKernels) {
      const func = registered(config.kernelName, 'wasm');
      if (nativeNames.has(config.kernelName)) expect(func).not.toBe(config.kernelFunc);
      else expect(func, config.kernelName).toBe(config.kernelFunc);
    }
    registerTrainingKernels('wasm', { native });
    for (const [name, func] of first) expect(registered(name, 'wasm'), name).toBe(func);
  });

  it('puts back portable and stock kernels when the addon goes', () => {
    expect(registered(tf.PadV2, 'wasm')).not.toBe(stockPad);
    registerTrainingKernels('wasm');
    expect(registered(tf.PadV2, 'wasm')).toBe(stockPad);
    for (const config of wasmKernels) {
      expect(registered(config.kernelName, 'wasm'), config.kernelName).toBe(config.kernelFunc);
    }
  });

  it('registers the cpu kernels, and nothing native there', () => {
    registerTrainingKernels('cpu', { native });
    for (const config of cpuKernels) {
      expect(registered(config.kernelName, 'cpu'), config.kernelName).toBe(config.kernelFunc);
    }
    expect(stockCpuPad).toBeDefined();
    expect(registered(tf.PadV2, 'cpu')).toBe(stockCpuPad);
  });

  it('leaves a backend without kernels of ours alone', () => {
    // 'toString' too: the table is an object, and its prototype is no backend.
    for (const backendName of ['webgl', 'toString']) {
      const stock = tf.getKernelsForBackend(backendName);
      registerTrainingKernels(backendName, { native });
      const after = tf.getKernelsForBackend(backendName);
      expect(after.length, backendName).toBe(stock.length);
      for (const config of stock) {
        expect(registered(config.kernelName, backendName), config.kernelName).toBe(
          config.kernelFunc,
        );
      }
    }
  });
});
