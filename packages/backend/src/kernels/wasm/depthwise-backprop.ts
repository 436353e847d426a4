import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelArgs } from '../kernel-overrides.js';
import { type ConvAttrs, conv2dInfo } from '../shared/conv-info.js';
import { depthwiseBackpropFilter, depthwiseBackpropInput } from '../shared/depthwise-backprop.js';
import { heapView, sizeOf } from './heap.js';

function backpropInput(args: KernelArgs): tf.TensorInfo {
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const attrs = args.attrs as unknown as ConvAttrs & { inputShape: number[] };
  const backend = args.backend as unknown as BackendWasm;
  const info = conv2dInfo(attrs.inputShape, filter.shape, attrs, true);
  const dx = backend.makeOutput([...attrs.inputShape], 'float32');
  if (sizeOf(attrs.inputShape) > 0) {
    depthwiseBackpropInput(
      heapView(backend, dy),
      heapView(backend, filter),
      info,
      heapView(backend, dx),
    );
  }
  return dx;
}

function backpropFilter(args: KernelArgs): tf.TensorInfo {
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as ConvAttrs & { filterShape: number[] };
  const backend = args.backend as unknown as BackendWasm;
  const info = conv2dInfo(x.shape, attrs.filterShape, attrs, true);
  const dw = backend.makeOutput([...attrs.filterShape], 'float32');
  depthwiseBackpropFilter(heapView(backend, x), heapView(backend, dy), info, heapView(backend, dw));
  return dw;
}

/**
 * The gradients of DepthwiseConv2dNative for `wasm`, which has none (so no MobileNet-style or
 * depthwise-separable network trains on stock tfjs-backend-wasm): direct loops in JavaScript.
 */
export const wasmDepthwiseBackpropKernels: readonly tf.KernelConfig[] = [
  {
    kernelName: tf.DepthwiseConv2dNativeBackpropInput,
    backendName: 'wasm',
    kernelFunc: backpropInput as tf.KernelFunc,
  },
  {
    kernelName: tf.DepthwiseConv2dNativeBackpropFilter,
    backendName: 'wasm',
    kernelFunc: backpropFilter as tf.KernelFunc,
  },
];
