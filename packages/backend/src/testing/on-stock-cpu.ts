import * as tf from '@tensorflow/tfjs';
import { originalKernel } from '../kernels/kernel-overrides.js';

/** A tfjs cpu backend with tfjs's own kernels, whatever initBackend registered on `cpu`. */
const STOCK_CPU = 'residual-stock-cpu';

function registerStockCpu(): void {
  if (tf.findBackendFactory(STOCK_CPU) !== null) return;
  const cpu = tf.findBackend('cpu');
  if (cpu === null) throw new Error('tfjs has no cpu backend to take the stock kernels from.');
  const CpuBackend = cpu.constructor as new () => tf.KernelBackend;
  tf.registerBackend(
    STOCK_CPU,
    () => {
      const backend = new CpuBackend();
      // Its first write would advise installing @tensorflow/tfjs-node, in every test's output.
      (backend as { firstUse?: boolean }).firstUse = false;
      return backend;
    },
    -1,
  );
  for (const { kernelName } of tf.getKernelsForBackend('cpu')) {
    // The kernel tfjs registered before ours replaced it; undefined for a kernel we added.
    const kernelFunc = originalKernel(kernelName, 'cpu');
    if (kernelFunc === undefined) continue;
    tf.registerKernel({ kernelName, backendName: STOCK_CPU, kernelFunc });
  }
}

/**
 * Runs `fn` on stock TensorFlow.js: a fresh cpu backend with tfjs's own kernels, and tfjs's own
 * gradients (ours apply only on the backends initBackend chose; dilated convolutions', which
 * tfjs lacks, on every backend). The reference for a test of
 * our kernels must come from here, never from a backend our kernels are registered on. The
 * backend is switched back afterwards; tensors `fn` returns stay readable (tfjs moves them).
 */
export async function onStockCpu<T>(fn: () => T): Promise<T> {
  registerStockCpu();
  // Undefined before any backend was chosen (getBackend does not choose one).
  const previous = tf.getBackend() as string | undefined;
  await tf.setBackend(STOCK_CPU);
  try {
    return fn();
  } finally {
    if (previous !== undefined) await tf.setBackend(previous);
  }
}
