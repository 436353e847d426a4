// Holds the gradients of dilated convolutions to PyTorch's (scripts/dilated-conv-reference.py)
// on every way our backends run them. Needs Debian's /usr/bin/python3 with torch
// (python3-torch); skipped with a printed reason where it is missing, except under CI=true or
// RESIDUAL_REQUIRE_PYTHON=1, where that fails.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { nativeSkipReason } from '@residual/vitest-config/peer';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, nativeKernelStatus } from '../init-backend.js';
import { Rng } from '../rng.js';
import { onStockCpu } from '../testing/on-stock-cpu.js';
import { randomValues, relativeError } from './test-reference.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(import.meta.dirname, '..', '..', 'scripts', 'dilated-conv-reference.py');

function whyNoTorch(): string | undefined {
  if (!existsSync(PYTHON)) return `${PYTHON} is not installed`;
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8', timeout: 60_000 });
  if (probe.status !== 0) return `${PYTHON} cannot import torch (apt-get install python3-torch)`;
  return undefined;
}

const missing = whyNoTorch();
if (missing !== undefined) {
  if (process.env.CI === 'true' || process.env.RESIDUAL_REQUIRE_PYTHON === '1') {
    throw new Error(`The dilated convolution PyTorch tests are required here, but ${missing}.`);
  }
  console.warn(`Skipping the dilated convolution PyTorch tests: ${missing}.`);
}

const nativeSkip = nativeSkipReason(await nativeKernelStatus());

interface Case {
  name: string;
  xShape: [number, number, number, number];
  kernel: [number, number];
  /** Output channels, or the channel multiplier when depthwise. */
  outChannels: number;
  dilation: [number, number];
  padding: 'same' | 'valid';
  depthwise: boolean;
}

const CASES: Case[] = [
  {
    name: '3×3 dilation 2 same',
    xShape: [2, 12, 11, 8],
    kernel: [3, 3],
    outChannels: 16,
    dilation: [2, 2],
    padding: 'same',
    depthwise: false,
  },
  {
    name: '3×3 dilation 3 valid',
    xShape: [2, 13, 12, 8],
    kernel: [3, 3],
    outChannels: 16,
    dilation: [3, 3],
    padding: 'valid',
    depthwise: false,
  },
  {
    name: '3×3 dilation 4 same (ASPP)',
    xShape: [1, 10, 10, 16],
    kernel: [3, 3],
    outChannels: 8,
    dilation: [4, 4],
    padding: 'same',
    depthwise: false,
  },
  {
    name: '3×2 dilation 2×3 same',
    xShape: [2, 9, 10, 5],
    kernel: [3, 2],
    outChannels: 6,
    dilation: [2, 3],
    padding: 'same',
    depthwise: false,
  },
  {
    name: 'depthwise 3×3 dilation 2 same',
    xShape: [2, 11, 9, 6],
    kernel: [3, 3],
    outChannels: 2,
    dilation: [2, 2],
    padding: 'same',
    depthwise: true,
  },
];

function geometry(c: Case): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    c.xShape,
    [...c.kernel, c.xShape[3], c.outChannels],
    1,
    c.dilation,
    c.padding,
    undefined,
    c.depthwise,
  );
}

const inputs = CASES.map((c, i) => {
  const info = geometry(c);
  const rng = new Rng(20 + i);
  const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
  const wShape = [...c.kernel, c.xShape[3], c.outChannels];
  return {
    info,
    wShape,
    x: randomValues(size(c.xShape), rng),
    w: randomValues(size(wShape), rng),
    r: randomValues(size(info.outShape), rng),
  };
});

function ourGradients(c: Case, input: (typeof inputs)[number]): Float32Array[] {
  return tf.tidy(() => {
    const rt = tf.tensor(input.r, input.info.outShape);
    const loss = (x: tf.Tensor, w: tf.Tensor) =>
      (c.depthwise
        ? tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, c.padding, 'NHWC', c.dilation)
        : tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, c.padding, 'NHWC', c.dilation)
      )
        .mul(rt)
        .sum();
    return tf
      .grads(loss)([tf.tensor(input.x, c.xShape), tf.tensor(input.w, input.wShape)])
      .map((g) => g.dataSync() as Float32Array);
  });
}

const MODES = [
  {
    name: 'wasm with native kernels',
    backend: 'wasm',
    native: true,
    skip: nativeSkip !== undefined,
  },
  { name: 'wasm (WebAssembly kernels only)', backend: 'wasm', native: false, skip: false },
  { name: 'cpu', backend: 'cpu', native: false, skip: false },
  { name: 'stock tfjs cpu', backend: 'stock', native: false, skip: false },
] as const;

describe.skipIf(missing !== undefined)('dilated convolution gradients against PyTorch', () => {
  let expected: { dx: number[]; dw: number[] }[] = [];

  beforeAll(() => {
    const request = CASES.map((c, i) => ({
      xShape: c.xShape,
      wShape: inputs[i].wShape,
      x: Array.from(inputs[i].x),
      w: Array.from(inputs[i].w),
      r: Array.from(inputs[i].r),
      pads: ((p) => [p.top, p.bottom, p.left, p.right])(inputs[i].info.padInfo),
      dilation: c.dilation,
      depthwise: c.depthwise,
    }));
    const run = spawnSync(PYTHON, [SCRIPT], {
      input: JSON.stringify({ cases: request }),
      encoding: 'utf8',
      timeout: 120_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    if (run.status !== 0) throw new Error(`dilated-conv-reference.py failed: ${run.stderr}`);
    expected = JSON.parse(run.stdout).cases;
  }, 180_000);

  for (const mode of MODES) {
    describe.skipIf(mode.skip)(`on ${mode.name}`, () => {
      beforeAll(async () => {
        await initBackend({
          backend: mode.backend === 'stock' ? 'cpu' : mode.backend,
          native: mode.native,
        });
      });

      CASES.forEach((c, i) => {
        it(`matches PyTorch's input and filter gradients: ${c.name}`, async () => {
          const run = () => ourGradients(c, inputs[i]);
          const [dx, dw] = mode.backend === 'stock' ? await onStockCpu(run) : run();
          expect(relativeError(dx, expected[i].dx)).toBeLessThan(1e-4);
          expect(relativeError(dw, expected[i].dw)).toBeLessThan(1e-4);
        });
      });
    });
  }
});
