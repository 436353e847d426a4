import { nativeSkipReason } from '@residual/vitest-config/peer';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { availableBackends, initBackend, nativeKernelStatus } from './init-backend.js';
import { cpuConvKernels } from './kernels/cpu/conv.js';
import { BackendError } from './residual-error.js';

const nativeSkip = nativeSkipReason(await nativeKernelStatus());

describe('initBackend', () => {
  it('chooses wasm in Node.js when @tensorflow/tfjs-node is not installed', async () => {
    const name = await initBackend();
    expect(name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('registers the kernels stock wasm lacks or runs slowly, once', async () => {
    await initBackend({ backend: 'wasm' });
    const kernels = tf.getKernelsForBackend('wasm').map((k) => k.kernelFunc);
    expect(tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')).toBeDefined();
    expect(tf.getKernel(tf.DepthwiseConv2dNativeBackpropFilter, 'wasm')).toBeDefined();
    await initBackend({ backend: 'wasm' });
    expect(tf.getKernelsForBackend('wasm').map((k) => k.kernelFunc)).toEqual(kernels);
  });

  it('touches no backend but the one it chose', async () => {
    const cpuKernels = tf.getKernelsForBackend('cpu').map((k) => k.kernelFunc);
    const webglKernels = tf.getKernelsForBackend('webgl').length;
    await initBackend({ backend: 'wasm' });
    expect(tf.getKernelsForBackend('cpu').map((k) => k.kernelFunc)).toEqual(cpuKernels);
    expect(tf.getKernelsForBackend('webgl')).toHaveLength(webglKernels);
  });

  it.skipIf(nativeSkip !== undefined)(
    'swaps native and WebAssembly kernels when asked, restoring stock ones',
    async () => {
      await initBackend({ backend: 'wasm', native: false });
      const stockConv = tf.getKernel(tf.Conv2D, 'wasm')!.kernelFunc;
      const portableFilterGradient = tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')!.kernelFunc;
      await initBackend({ backend: 'wasm', native: true });
      expect(tf.getKernel(tf.Conv2D, 'wasm')!.kernelFunc).not.toBe(stockConv);
      expect(tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')!.kernelFunc).not.toBe(
        portableFilterGradient,
      );
      await initBackend({ backend: 'wasm', native: false });
      expect(tf.getKernel(tf.Conv2D, 'wasm')!.kernelFunc).toBe(stockConv);
      expect(tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')!.kernelFunc).toBe(
        portableFilterGradient,
      );
    },
  );

  it('reports whether the native kernels can run, or why not', async () => {
    const status = await nativeKernelStatus();
    if (status.available) {
      expect(['avx512', 'avx2', 'generic']).toContain(status.isa);
      expect(status.threads).toBeGreaterThan(0);
    } else {
      expect(status.reason).toMatch(/\S/);
    }
  });

  it('forces the backend it is given', async () => {
    expect(await initBackend({ backend: 'cpu' })).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });

  it('gives cpu fast convolution gradients when it is chosen', async () => {
    await initBackend({ backend: 'cpu' });
    const ours = cpuConvKernels.find((k) => k.kernelName === tf.Conv2DBackpropFilter)!;
    expect(tf.getKernel(tf.Conv2DBackpropFilter, 'cpu')!.kernelFunc).toBe(ours.kernelFunc);
  });

  it('rejects a thread count that is not a positive integer', async () => {
    await expect(initBackend({ threads: 0 })).rejects.toThrow(
      'threads must be a positive integer, got 0.',
    );
  });

  it('rejects an unknown name with the known ones', async () => {
    await expect(initBackend({ backend: 'gpu' })).rejects.toThrow(
      'Unknown backend "gpu". Known: tensorflow, wasm, cpu, webgpu, webgl.',
    );
    await expect(initBackend({ backend: 'gpu' })).rejects.toBeInstanceOf(BackendError);
  });

  it('rejects an unavailable backend with the available ones', async () => {
    await expect(initBackend({ backend: 'tensorflow' })).rejects.toThrow(
      /Backend "tensorflow" is not available here \(install @tensorflow\/tfjs-node.*\)\. Available: wasm, cpu\./,
    );
    await expect(initBackend({ backend: 'webgl' })).rejects.toThrow(/needs a browser/);
  });

  it('lists what can start here, fastest first', async () => {
    expect(await availableBackends()).toEqual(['wasm', 'cpu']);
  });
});
