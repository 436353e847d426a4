import { expect, it } from 'vitest';

it('RESIDUAL_NATIVE=0 keeps the WebAssembly kernels even where the native ones are built', async () => {
  process.env.RESIDUAL_NATIVE = '0';
  const { initBackend, nativeKernelStatus } = await import('./init-backend.js');
  await initBackend({ backend: 'wasm' });
  expect(await nativeKernelStatus()).toEqual({
    available: false,
    reason: 'turned off by RESIDUAL_NATIVE=0',
  });
  const tf = await import('@tensorflow/tfjs');
  // The portable filter gradient is ours; the stock forward convolution stays.
  expect(tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')!.kernelFunc.name).not.toBe('conv2d');
  expect(tf.getKernel(tf.Conv2D, 'wasm')!.kernelFunc.name).toBe('conv2d');
});
