import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * The two gradients of a depthwise convolution, which stock tfjs-backend-wasm 4.22 lacks (so
 * no model with a `DepthwiseConv2D` layer trains there). Direct loops over the WASM heap:
 * depthwise kernels are small (a 1×1 per-channel scale for LayerScale, 3×3 in MobileNets),
 * and each output element touches only its own channel.
 */

type KernelArgs = {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs?: tf.NamedAttrMap;
};

interface DepthwiseAttrs {
  strides: [number, number] | number;
  dilations: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function depthwiseInfo(
  xShape: number[],
  filterShape: number[],
  attrs: DepthwiseAttrs,
): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
  );
}

/**
 * Calls `visit(xOffset, dyOffset, filterOffset)` for every (output pixel, filter tap) pair
 * whose input pixel lies inside the image; offsets point at channel 0 of each tensor.
 */
function forEachTap(
  info: tf.backend_util.Conv2DInfo,
  visit: (xOffset: number, dyOffset: number, filterOffset: number) => void,
): void {
  const { inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  for (let b = 0; b < info.batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const dyOffset = ((b * outHeight + oh) * outWidth + ow) * outChannels;
        for (let fh = 0; fh < info.filterHeight; fh++) {
          const ih = oh * info.strideHeight - info.padInfo.top + fh * info.dilationHeight;
          if (ih < 0 || ih >= inHeight) continue;
          for (let fw = 0; fw < info.filterWidth; fw++) {
            const iw = ow * info.strideWidth - info.padInfo.left + fw * info.dilationWidth;
            if (iw < 0 || iw >= inWidth) continue;
            const xOffset = ((b * inHeight + ih) * inWidth + iw) * inChannels;
            visit(xOffset, dyOffset, (fh * info.filterWidth + fw) * outChannels);
          }
        }
      }
    }
  }
}

function depthwiseBackpropFilterWasm(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as unknown as BackendWasm;
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as DepthwiseAttrs & { filterShape: number[] };
  const info = depthwiseInfo(x.shape, attrs.filterShape, attrs);
  const multiplier = info.outChannels / info.inChannels;
  const output = backend.makeOutput([...attrs.filterShape], 'float32');
  // Views are taken after the allocation: growing the WASM heap detaches older views.
  const dw = backend.typedArrayFromHeap(output) as Float32Array;
  dw.fill(0);
  const xs = backend.typedArrayFromHeap(x) as Float32Array;
  const dys = backend.typedArrayFromHeap(dy) as Float32Array;
  forEachTap(info, (xOffset, dyOffset, filterOffset) => {
    for (let c = 0; c < info.inChannels; c++) {
      const value = xs[xOffset + c];
      for (let m = 0; m < multiplier; m++) {
        const k = c * multiplier + m;
        dw[filterOffset + k] += value * dys[dyOffset + k];
      }
    }
  });
  return output;
}

function depthwiseBackpropInputWasm(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as unknown as BackendWasm;
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const attrs = args.attrs as unknown as DepthwiseAttrs & { inputShape: number[] };
  const info = depthwiseInfo(attrs.inputShape, filter.shape, attrs);
  const multiplier = info.outChannels / info.inChannels;
  const output = backend.makeOutput([...attrs.inputShape], 'float32');
  const dx = backend.typedArrayFromHeap(output) as Float32Array;
  dx.fill(0);
  const ws = backend.typedArrayFromHeap(filter) as Float32Array;
  const dys = backend.typedArrayFromHeap(dy) as Float32Array;
  forEachTap(info, (xOffset, dyOffset, filterOffset) => {
    for (let c = 0; c < info.inChannels; c++) {
      let sum = 0;
      for (let m = 0; m < multiplier; m++) {
        const k = c * multiplier + m;
        sum += dys[dyOffset + k] * ws[filterOffset + k];
      }
      dx[xOffset + c] += sum;
    }
  });
  return output;
}

export function depthwiseConv2dBackpropWasmConfigs(): tf.KernelConfig[] {
  return [
    {
      kernelName: tf.DepthwiseConv2dNativeBackpropFilter,
      backendName: 'wasm',
      kernelFunc: depthwiseBackpropFilterWasm as unknown as tf.KernelFunc,
    },
    {
      kernelName: tf.DepthwiseConv2dNativeBackpropInput,
      backendName: 'wasm',
      kernelFunc: depthwiseBackpropInputWasm as unknown as tf.KernelFunc,
    },
  ];
}
