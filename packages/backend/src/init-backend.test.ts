import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { availableBackends, initBackend } from './init-backend.js';
import { BackendError } from './residual-error.js';

describe('initBackend', () => {
  it('chooses wasm in Node.js when @tensorflow/tfjs-node is not installed', async () => {
    const name = await initBackend();
    expect(name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('registers the filter-gradient kernel that stock wasm lacks, once', async () => {
    await initBackend({ backend: 'wasm' });
    const kernel = tf.getKernel(tf.Conv2DBackpropFilter, 'wasm');
    expect(kernel).toBeDefined();
    await initBackend({ backend: 'wasm' });
    expect(tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')).toBe(kernel);
  });

  it('forces the backend it is given', async () => {
    expect(await initBackend({ backend: 'cpu' })).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });

  it('leaves backends it did not choose without our kernels', async () => {
    await initBackend({ backend: 'cpu' });
    // cpu has its own (slow) kernel; ours is registered for wasm only.
    expect(tf.getKernel(tf.Conv2DBackpropFilter, 'cpu')?.backendName).toBe('cpu');
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
