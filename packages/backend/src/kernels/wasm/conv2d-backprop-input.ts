import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { type KernelArgs, originalKernel, runStockKernel } from '../kernel-overrides.js';
import { type ConvAttrs, conv2dInfo, isChannelsLast } from '../shared/conv-info.js';
import { phaseAxes, phaseFilter } from '../shared/transposed-conv-phases.js';
import { heapView, sizeOf } from './heap.js';
import { hasFewInputChannels, inputGradientByColumns } from './input-gradient-by-columns.js';

/**
 * Conv2DBackpropInput on `wasm` as forward convolutions, which XNNPACK runs at full speed (the
 * stock kernel is a direct loop, 4× slower than the forward convolution): one per stride
 * phase, see {@link phaseAxes}. For stride 1 the single phase's output is the gradient itself.
 */
function conv2dBackpropInputWasm(args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const attrs = args.attrs as unknown as ConvAttrs & { inputShape: number[] };
  const forward = originalKernel(tf.Conv2D, 'wasm');
  if (!isChannelsLast(attrs) || dy.dtype !== 'float32' || forward === undefined) {
    return runStockKernel(tf.Conv2DBackpropInput, 'wasm', args);
  }
  const backend = args.backend as unknown as BackendWasm;
  const info = conv2dInfo(attrs.inputShape, filter.shape, attrs);
  if (hasFewInputChannels(info)) {
    return inputGradientByColumns(backend, dy, filter, info, attrs.inputShape);
  }
  const { batchSize, inHeight, inWidth, inChannels, outChannels } = info;
  const rows = phaseAxes(
    inHeight,
    info.outHeight,
    info.filterHeight,
    info.strideHeight,
    info.dilationHeight,
    info.padInfo.top,
  );
  const cols = phaseAxes(
    inWidth,
    info.outWidth,
    info.filterWidth,
    info.strideWidth,
    info.dilationWidth,
    info.padInfo.left,
  );
  const filterValues = heapView(backend, filter).slice();
  const runPhase = (py: (typeof rows)[number], px: (typeof cols)[number]) => {
    const values = phaseFilter(filterValues, info, py.taps, px.taps);
    const phaseFilterInfo = backend.makeOutput(
      [py.taps.length, px.taps.length, outChannels, inChannels],
      'float32',
      undefined,
      values,
    );
    const result = forward({
      inputs: { x: dy, filter: phaseFilterInfo },
      backend: args.backend,
      attrs: {
        strides: 1,
        dilations: [py.dilation, px.dilation],
        pad: [
          [0, 0],
          [py.padBefore, py.padAfter],
          [px.padBefore, px.padAfter],
          [0, 0],
        ],
        dataFormat: 'NHWC',
        dimRoundingMode: undefined,
      } as unknown as tf.NamedAttrMap,
    }) as tf.TensorInfo;
    backend.disposeData(phaseFilterInfo.dataId);
    return result;
  };

  // Stride 1 with every tap: one convolution whose output is exactly dx.
  if (
    rows.length === 1 &&
    cols.length === 1 &&
    rows[0].taps.length > 0 &&
    cols[0].taps.length > 0
  ) {
    const result = runPhase(rows[0], cols[0]);
    if (
      rows[0].firstRow === 0 &&
      cols[0].firstRow === 0 &&
      result.shape[1] === inHeight &&
      result.shape[2] === inWidth
    ) {
      return result;
    }
    backend.disposeData(result.dataId);
  }

  const dx = backend.makeOutput([...attrs.inputShape], 'float32');
  if (sizeOf(attrs.inputShape) === 0) return dx;
  for (const py of rows) {
    for (const px of cols) {
      const empty = py.taps.length === 0 || px.taps.length === 0;
      const result = empty ? undefined : runPhase(py, px);
      // Views after the phase's allocations (they may grow the heap).
      const out = heapView(backend, dx);
      const phase = result === undefined ? undefined : heapView(backend, result);
      const phaseHeight = result?.shape[1] ?? 0;
      const phaseWidth = result?.shape[2] ?? 0;
      for (let n = 0; n < batchSize; n++) {
        for (let q = 0; q < py.count; q++) {
          const y = py.residue + q * info.strideHeight;
          for (let p = 0; p < px.count; p++) {
            const x = px.residue + p * info.strideWidth;
            const target = ((n * inHeight + y) * inWidth + x) * inChannels;
            if (phase === undefined) {
              out.fill(0, target, target + inChannels);
              continue;
            }
            const source =
              ((n * phaseHeight + q + py.firstRow) * phaseWidth + p + px.firstRow) * inChannels;
            for (let c = 0; c < inChannels; c++) out[target + c] = phase[source + c];
          }
        }
      }
      if (result !== undefined) backend.disposeData(result.dataId);
    }
  }
  return dx;
}

export const conv2dBackpropInputWasmConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInputWasm as tf.KernelFunc,
};
