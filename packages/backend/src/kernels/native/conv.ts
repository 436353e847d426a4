import { ACTIVATIONS, type ActivationCode } from '@residual/native-contract';
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { type KernelArgs, runStockKernel } from '../kernel-overrides.js';
import { type ConvAttrs, conv2dInfo, isChannelsLast, nativeGeometry } from '../shared/conv-info.js';
import { heapView, sizeOf } from '../wasm/heap.js';
import type { NativeKernels } from './addon.js';

function allFloat32(...tensors: tf.TensorInfo[]): boolean {
  return tensors.every((t) => t.dtype === 'float32');
}

/** The activations the native convolution applies itself, by their native codes. */
const FUSED_ACTIVATIONS = new Map<string, ActivationCode>(Object.entries(ACTIVATIONS));

type NativeConvKernel = 'conv2d' | 'conv2dBackpropInput' | 'conv2dBackpropFilter';

/**
 * The convolution kernels of the `wasm` backend, run by `@residual/backend-native` directly on
 * the tensors in the WASM heap (no copies): the forward convolution (plain and fused with bias
 * and ReLU, as tfjs-layers calls it), both of its gradients, and the depthwise gradients.
 */
export function nativeWasmConvKernels(native: NativeKernels): tf.KernelConfig[] {
  /**
   * A new float32 tensor of `outShape`, filled by the native `kernel` from `a` and `b` (and, for
   * the forward convolution, the bias and activation code) in place in the WASM heap. The views
   * are taken after the output is allocated, which may grow the heap.
   */
  const run = (
    kernel: NativeConvKernel,
    backend: BackendWasm,
    [a, b]: [tf.TensorInfo, tf.TensorInfo],
    outShape: number[],
    geometry: Int32Array,
    bias?: tf.TensorInfo,
    activation: ActivationCode = ACTIVATIONS.linear,
  ): tf.TensorInfo => {
    const out = backend.makeOutput(outShape, 'float32');
    if (sizeOf(outShape) > 0) {
      const views = [heapView(backend, a), heapView(backend, b), heapView(backend, out)] as const;
      if (kernel === 'conv2d') {
        const biasView = bias === undefined ? null : heapView(backend, bias);
        native.conv2d(...views, geometry, biasView, activation);
      } else {
        native[kernel](...views, geometry);
      }
    }
    return out;
  };

  /**
   * The forward convolution: plain (`Conv2D`) or with the bias and activation tfjs-layers fuses
   * (`FusedConv2D`), which the native kernel applies on every core in the same pass.
   */
  const forward =
    (kernelName: string) =>
    (args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] => {
      const { x, filter, bias } = args.inputs as {
        x: tf.TensorInfo;
        filter: tf.TensorInfo;
        bias?: tf.TensorInfo;
      };
      const attrs = args.attrs as unknown as ConvAttrs & { activation?: string };
      const activation = attrs.activation ?? 'linear';
      if (
        !isChannelsLast(attrs) ||
        !FUSED_ACTIVATIONS.has(activation) ||
        !allFloat32(x, filter, ...(bias === undefined ? [] : [bias])) ||
        (bias !== undefined && sizeOf(bias.shape) !== 1 && sizeOf(bias.shape) !== filter.shape[3])
      ) {
        return runStockKernel(kernelName, 'wasm', args);
      }
      const backend = args.backend as unknown as BackendWasm;
      const info = conv2dInfo(x.shape, filter.shape, attrs);
      return run(
        'conv2d',
        backend,
        [x, filter],
        info.outShape,
        nativeGeometry(info),
        bias,
        FUSED_ACTIVATIONS.get(activation),
      );
    };

  const conv2dBackpropInput = (args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] => {
    const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const attrs = args.attrs as unknown as ConvAttrs & { inputShape: number[] };
    if (!isChannelsLast(attrs) || !allFloat32(dy, filter)) {
      return runStockKernel(tf.Conv2DBackpropInput, 'wasm', args);
    }
    const backend = args.backend as unknown as BackendWasm;
    const info = conv2dInfo(attrs.inputShape, filter.shape, attrs);
    return run(
      'conv2dBackpropInput',
      backend,
      [dy, filter],
      [...attrs.inputShape],
      nativeGeometry(info),
    );
  };

  const conv2dBackpropFilter = (args: KernelArgs): tf.TensorInfo => {
    const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const attrs = args.attrs as unknown as ConvAttrs & { filterShape: number[] };
    if (!isChannelsLast(attrs)) {
      throw new Error(`Conv2DBackpropFilter on wasm supports NHWC only, got ${attrs.dataFormat}.`);
    }
    const backend = args.backend as unknown as BackendWasm;
    const info = conv2dInfo(x.shape, attrs.filterShape, attrs);
    return run(
      'conv2dBackpropFilter',
      backend,
      [x, dy],
      [...attrs.filterShape],
      nativeGeometry(info),
    );
  };

  const depthwiseBackpropInput = (args: KernelArgs): tf.TensorInfo => {
    const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const attrs = args.attrs as unknown as ConvAttrs & { inputShape: number[] };
    const backend = args.backend as unknown as BackendWasm;
    const info = conv2dInfo(attrs.inputShape, filter.shape, attrs, true);
    return run(
      'conv2dBackpropInput',
      backend,
      [dy, filter],
      [...attrs.inputShape],
      nativeGeometry(info, true),
    );
  };

  const depthwiseBackpropFilter = (args: KernelArgs): tf.TensorInfo => {
    const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const attrs = args.attrs as unknown as ConvAttrs & { filterShape: number[] };
    const backend = args.backend as unknown as BackendWasm;
    const info = conv2dInfo(x.shape, attrs.filterShape, attrs, true);
    return run(
      'conv2dBackpropFilter',
      backend,
      [x, dy],
      [...attrs.filterShape],
      nativeGeometry(info, true),
    );
  };

  const wasm = (
    kernelName: string,
    kernelFunc: (args: KernelArgs) => unknown,
  ): tf.KernelConfig => ({
    kernelName,
    backendName: 'wasm',
    kernelFunc: kernelFunc as tf.KernelFunc,
  });
  return [
    wasm(tf.Conv2D, forward(tf.Conv2D)),
    wasm(tf.FusedConv2D, forward(tf.FusedConv2D)),
    wasm(tf.Conv2DBackpropInput, conv2dBackpropInput),
    wasm(tf.Conv2DBackpropFilter, conv2dBackpropFilter),
    wasm(tf.DepthwiseConv2dNativeBackpropInput, depthwiseBackpropInput),
    wasm(tf.DepthwiseConv2dNativeBackpropFilter, depthwiseBackpropFilter),
  ];
}
