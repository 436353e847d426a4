import * as tf from '@tensorflow/tfjs';
import type { RowSpeeds } from './best-pytorch.js';
import { fixed, formatTable } from './table.js';
import { median, timeCalls } from './timing.js';
import type { TorchWorker } from './torch.js';
import type { Layout } from './torch-peers.js';

export interface ConvShape {
  /** Where the shape occurs, e.g. "ResNet-20 stage 2". */
  network: string;
  batch: number;
  size: number;
  inChannels: number;
  outChannels: number;
  kernel: number;
  stride: number;
}

export const DIRECTIONS = ['forward', 'input', 'filter'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/** The distinct convolutions of ResNet-20 (batch 32) and ResNet-50 (batch 8) stages. */
export const CONV_SHAPES: readonly ConvShape[] = [
  {
    network: 'ResNet-20 stage 1',
    batch: 32,
    size: 32,
    inChannels: 16,
    outChannels: 16,
    kernel: 3,
    stride: 1,
  },
  {
    network: 'ResNet-20 stage 2 in',
    batch: 32,
    size: 32,
    inChannels: 16,
    outChannels: 32,
    kernel: 3,
    stride: 2,
  },
  {
    network: 'ResNet-20 stage 2',
    batch: 32,
    size: 16,
    inChannels: 32,
    outChannels: 32,
    kernel: 3,
    stride: 1,
  },
  {
    network: 'ResNet-20 stage 3',
    batch: 32,
    size: 8,
    inChannels: 64,
    outChannels: 64,
    kernel: 3,
    stride: 1,
  },
  {
    network: 'ResNet-50 stem',
    batch: 8,
    size: 224,
    inChannels: 3,
    outChannels: 64,
    kernel: 7,
    stride: 2,
  },
  {
    network: 'ResNet-50 stage 1 3×3',
    batch: 8,
    size: 56,
    inChannels: 64,
    outChannels: 64,
    kernel: 3,
    stride: 1,
  },
  {
    network: 'ResNet-50 stage 1 1×1',
    batch: 8,
    size: 56,
    inChannels: 64,
    outChannels: 256,
    kernel: 1,
    stride: 1,
  },
  {
    network: 'ResNet-50 stage 2 3×3',
    batch: 8,
    size: 28,
    inChannels: 128,
    outChannels: 128,
    kernel: 3,
    stride: 1,
  },
  {
    network: 'ResNet-50 stage 3 3×3',
    batch: 8,
    size: 14,
    inChannels: 256,
    outChannels: 256,
    kernel: 3,
    stride: 1,
  },
  {
    network: 'ResNet-50 stage 3 1×1',
    batch: 8,
    size: 14,
    inChannels: 1024,
    outChannels: 256,
    kernel: 1,
    stride: 1,
  },
  {
    network: 'ResNet-50 stage 4 3×3',
    batch: 8,
    size: 7,
    inChannels: 512,
    outChannels: 512,
    kernel: 3,
    stride: 1,
  },
];

export function shapeLabel(s: ConvShape): string {
  return `${s.batch}×${s.size}²×${s.inChannels}→${s.outChannels} ${s.kernel}×${s.kernel}/${s.stride}`;
}

export function convFlops(s: ConvShape): number {
  const out = Math.ceil(s.size / s.stride);
  return 2 * s.batch * out * out * s.outChannels * s.inChannels * s.kernel * s.kernel;
}

/** Seconds per call of one direction of the convolution on the active tfjs backend. */
export function timeConv(s: ConvShape, direction: Direction, minTime: number): number {
  const out = Math.ceil(s.size / s.stride);
  const x = tf.randomUniform([s.batch, s.size, s.size, s.inChannels], -1, 1, 'float32', 1);
  const w = tf.randomUniform(
    [s.kernel, s.kernel, s.inChannels, s.outChannels],
    -1,
    1,
    'float32',
    2,
  );
  const dy = tf.randomUniform([s.batch, out, out, s.outChannels], -1, 1, 'float32', 3);
  const attrs = { strides: s.stride, pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined };
  const run: Record<Direction, () => tf.Tensor> = {
    forward: () => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, s.stride, 'same'),
    input: () =>
      tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter: w }, {
        ...attrs,
        inputShape: x.shape,
      } as unknown as tf.NamedAttrMap) as tf.Tensor,
    filter: () =>
      tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, {
        ...attrs,
        filterShape: w.shape,
      } as unknown as tf.NamedAttrMap) as tf.Tensor,
  };
  try {
    return median(timeCalls(() => run[direction]().dispose(), minTime, 20));
  } finally {
    tf.dispose([x, w, dy]);
  }
}

/** Seconds per call of the same convolution in PyTorch, its tensors in `layout`. */
export async function timeTorchConv(
  torch: TorchWorker,
  s: ConvShape,
  direction: Direction,
  layout: Layout,
  threads: number,
  minTime: number,
): Promise<number> {
  const answer = await torch.request({
    kind: 'conv',
    direction,
    batch: s.batch,
    height: s.size,
    width: s.size,
    in_channels: s.inChannels,
    out_channels: s.outChannels,
    kernel: s.kernel,
    stride: s.stride,
    layout,
    threads,
    min_time: minTime,
    max_reps: 20,
  });
  return median(answer.times as number[]);
}

export interface KernelResult {
  shape: ConvShape;
  direction: Direction;
  gflops: RowSpeeds;
}

/** Backward over forward GFLOP/s of each shape on our wasm modes (forward, input, filter rows). */
export function backwardForwardTable(results: readonly KernelResult[]): string {
  const labels = [...new Set(results.flatMap((r) => Object.keys(r.gflops.speeds)))];
  const wasmModes = labels.filter((l) => l === 'wasm' || l.startsWith('native'));
  const rows: string[][] = [];
  for (let i = 0; i + 2 < results.length; i += 3) {
    const [forward, input, filter] = results.slice(i, i + 3).map((r) => r.gflops.speeds);
    rows.push([
      `${results[i].shape.network} ${shapeLabel(results[i].shape)}`,
      ...wasmModes.flatMap((m) => [
        fixed(input[m] / forward[m], 2),
        fixed(filter[m] / forward[m], 2),
      ]),
    ]);
  }
  return formatTable(['shape', ...wasmModes.flatMap((m) => [`${m} input`, `${m} filter`])], rows);
}
