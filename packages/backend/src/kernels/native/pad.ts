import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { type KernelArgs, runStockKernel } from '../kernel-overrides.js';
import { heapView, sizeOf } from '../wasm/heap.js';
import type { NativeKernels } from './addon.js';

/** Below this many output values the stock kernel is as fast (and the call cheaper). */
const MIN_NATIVE_SIZE = 4096;
/** The most dimensions the native kernel takes. */
const MAX_RANK = 8;

/**
 * Constant padding (`PadV2`) of the `wasm` backend on every core. ResNets pad before each
 * stride-2 convolution (torchvision's symmetric padding) and to widen option-A shortcuts; the
 * stock kernel runs on one thread.
 */
export function nativeWasmPadKernel(native: NativeKernels): tf.KernelConfig {
  const pad = (args: KernelArgs) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { paddings, constantValue } = args.attrs as unknown as tf.PadV2Attrs;
    const outShape = x.shape.map((size, d) => size + paddings[d][0] + paddings[d][1]);
    if (
      x.dtype !== 'float32' ||
      x.shape.length > MAX_RANK ||
      sizeOf(outShape) < MIN_NATIVE_SIZE ||
      paddings.some(([before, after]) => before < 0 || after < 0)
    ) {
      return runStockKernel(tf.PadV2, 'wasm', args);
    }
    const backend = args.backend as unknown as BackendWasm;
    const out = backend.makeOutput(outShape, 'float32');
    const layout = Int32Array.from([
      x.shape.length,
      ...x.shape,
      ...paddings.map(([before]) => before),
      ...paddings.map(([, after]) => after),
    ]);
    native.pad(heapView(backend, x), layout, constantValue, heapView(backend, out));
    return out;
  };
  return { kernelName: tf.PadV2, backendName: 'wasm', kernelFunc: pad as unknown as tf.KernelFunc };
}
