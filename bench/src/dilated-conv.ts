// node bench/dist/dilated-conv.js [--quick]: forward and both gradients of a DeepLab-like 3×3
// convolution (33×33, 256 → 256 channels, 'same', dilation 1, 2 and 4) on each way our backend
// runs it, then PyTorch 1.13 on the same shape; medians of repeated calls. tfjs's own gradient
// refuses dilation > 1; these are @residual/backend's. The cpu backend is timed at batch 1 (a
// step at batch 8 takes tens of seconds there); the table gives ms per image for all.
import { writeFileSync } from 'node:fs';
import { initBackend, Rng } from '@residual/backend';
import * as tf from '@tensorflow/tfjs';
import { median, timeCalls } from './timing.js';
import { TorchWorker } from './torch.js';

const SIZE = 33;
const CHANNELS = 256;
const DILATIONS = [1, 2, 4] as const;

function random(shape: number[], rng: Rng): tf.Tensor {
  const size = shape.reduce((x, y) => x * y, 1);
  return tf.tensor(
    Float32Array.from({ length: size }, () => rng.nextFloat() * 2 - 1),
    shape,
  );
}

/** Median ms per image of the forward convolution and both of its gradients. */
function timeStep(batch: number, dilation: number, minTime: number): number {
  const rng = new Rng(1);
  const x = random([batch, SIZE, SIZE, CHANNELS], rng) as tf.Tensor4D;
  const w = random([3, 3, CHANNELS, CHANNELS], rng) as tf.Tensor4D;
  const dy = random([batch, SIZE, SIZE, CHANNELS], rng);
  const step = (xs: tf.Tensor, ws: tf.Tensor) =>
    tf.conv2d(xs as tf.Tensor4D, ws as tf.Tensor4D, 1, 'same', 'NHWC', dilation);
  const seconds = median(
    timeCalls(
      () => {
        const grads = tf.grads(step)([x, w], dy);
        for (const g of grads) g.dataSync();
        tf.dispose(grads);
      },
      minTime,
      5,
    ),
  );
  tf.dispose([x, w, dy]);
  return (seconds * 1000) / batch;
}

interface Row {
  setup: string;
  batch: number;
  msPerImage: number[];
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const minTime = quick ? 0.5 : 2;
  const rows: Row[] = [];
  const setups = [
    { setup: 'wasm + native, 1 thread', backend: 'wasm', native: true, threads: 1, batch: 8 },
    { setup: 'wasm + native, 2 threads', backend: 'wasm', native: true, threads: 2, batch: 8 },
    { setup: 'wasm alone', backend: 'wasm', native: false, threads: 1, batch: 8 },
    { setup: 'cpu (our kernels)', backend: 'cpu', native: false, threads: 1, batch: 1 },
  ] as const;
  for (const { setup, backend, native, threads, batch } of setups) {
    await initBackend({ backend, native, threads });
    rows.push({ setup, batch, msPerImage: DILATIONS.map((d) => timeStep(batch, d, minTime)) });
    console.error(`${setup}: done`);
  }
  const torch = TorchWorker.start();
  if (typeof torch === 'string') {
    console.error(`PyTorch left out: ${torch}`);
  } else {
    for (const layout of ['NCHW', 'channels_last']) {
      for (const threads of [1, 2]) {
        const msPerImage: number[] = [];
        for (const dilation of DILATIONS) {
          const answer = await torch.request({
            kind: 'dilated_conv',
            batch: 8,
            size: SIZE,
            channels: CHANNELS,
            dilation,
            layout,
            threads,
            min_time: minTime,
            max_reps: 5,
          });
          msPerImage.push((median(answer.times as number[]) * 1000) / 8);
        }
        rows.push({
          setup: `PyTorch ${torch.version} ${layout}, ${threads} thread(s)`,
          batch: 8,
          msPerImage,
        });
      }
    }
    torch.close();
  }
  const header = [
    'ms per image, forward + both gradients',
    'batch',
    ...DILATIONS.map((d) => `dilation ${d}`),
  ];
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const r of rows) {
    console.log(
      `| ${[r.setup, r.batch, ...r.msPerImage.map((ms) => ms.toFixed(1))].join(' | ')} |`,
    );
  }
  const out = process.argv.find((a) => a.startsWith('--json='));
  if (out !== undefined) {
    writeFileSync(
      out.slice('--json='.length),
      `${JSON.stringify({ size: SIZE, channels: CHANNELS, dilations: DILATIONS, rows }, null, 2)}\n`,
    );
  }
}

await main();
