// The segmentation losses against PyTorch (scripts/segmentation-loss-reference.py: values and
// gradients to 1e-5), and their gradients against finite differences where no peer is needed.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { initBackend, Rng } from '@residual/backend';
import { peerSkipReason } from '@residual/vitest-config/peer';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { resizeToMask } from './resize-to-mask.js';
import {
  diceLoss,
  pixelCrossEntropy,
  type SegmentationLossOptions,
  segmentationLoss,
} from './segmentation-loss.js';

const PYTHON = process.env.RESIDUAL_PYTHON ?? '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../scripts/segmentation-loss-reference.py', import.meta.url));

function torchMissing(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.error !== undefined) return `${PYTHON} does not run (${probe.error.message})`;
  if (probe.status !== 0) return `${PYTHON} cannot import torch`;
  return undefined;
}

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

interface Case extends SegmentationLossOptions {
  shape: [number, number, number, number];
  logits: number[];
  masks: number[];
  aux?: { shape: [number, number, number, number]; logits: number[] };
}

/** Seeded logits in [−3, 3] and masks with about a quarter of the pixels ignored. */
function makeCase(seed: number, shape: Case['shape'], options: SegmentationLossOptions = {}): Case {
  const rng = new Rng(seed);
  const [n, h, w, c] = shape;
  const logits = Array.from({ length: n * h * w * c }, () => 6 * rng.nextFloat() - 3);
  const masks = Array.from({ length: n * h * w }, () =>
    rng.nextFloat() < 0.25 ? 255 : rng.nextInt(c),
  );
  return { shape, logits, masks, ...options };
}

function withAux(base: Case, seed: number, size: [number, number]): Case {
  const rng = new Rng(seed);
  const [n, , , c] = base.shape;
  const shape: Case['shape'] = [n, size[0], size[1], c];
  const logits = Array.from({ length: n * size[0] * size[1] * c }, () => 4 * rng.nextFloat() - 2);
  return { ...base, aux: { shape, logits } };
}

/** The loss and its gradients with respect to the logits (and the auxiliary logits). */
function ours(testCase: Case): { loss: number; grad: number[]; auxGrad?: number[] } {
  const masks = tf.tensor3d(
    testCase.masks,
    testCase.shape.slice(0, 3) as [number, number, number],
    'int32',
  );
  const inputs = [tf.tensor4d(testCase.logits, testCase.shape)];
  if (testCase.aux !== undefined) inputs.push(tf.tensor4d(testCase.aux.logits, testCase.aux.shape));
  const { value, grads } = tf.valueAndGrads((...outputs: tf.Tensor[]) =>
    segmentationLoss(outputs, masks, testCase),
  )(inputs);
  const result = {
    loss: value.dataSync()[0],
    grad: Array.from(grads[0].dataSync()),
    auxGrad: grads[1] === undefined ? undefined : Array.from(grads[1].dataSync()),
  };
  tf.dispose([masks, value, ...inputs, ...grads]);
  return result;
}

const CASES: [string, Case][] = [
  ['cross-entropy with ignored pixels', makeCase(1, [2, 3, 4, 3])],
  [
    'cross-entropy with class weights',
    makeCase(2, [2, 3, 4, 4], { classWeights: [0.2, 1, 2.5, 0.7] }),
  ],
  [
    'cross-entropy with label smoothing and class weights',
    makeCase(3, [1, 4, 4, 3], { labelSmoothing: 0.1, classWeights: [1, 0.5, 2] }),
  ],
  ['cross-entropy with label smoothing', makeCase(4, [2, 2, 3, 5], { labelSmoothing: 0.2 })],
  ['dice', makeCase(5, [2, 3, 4, 3], { loss: 'dice' })],
  // Six classes on 2×2×2 pixels: some classes are absent and count 0.
  ['dice with absent classes', makeCase(6, [2, 2, 2, 6], { loss: 'dice' })],
  ['cross-entropy + dice', makeCase(7, [2, 3, 3, 4], { loss: 'cross-entropy+dice' })],
  ['an auxiliary head upsampled 3×3 → 6×6', withAux(makeCase(8, [2, 6, 6, 3]), 9, [3, 3])],
  [
    'an auxiliary head 2×3 → 5×7, cross-entropy + dice, weight 0.4',
    withAux(makeCase(10, [1, 5, 7, 3], { loss: 'cross-entropy+dice', auxWeight: 0.4 }), 11, [2, 3]),
  ],
];

describe('segmentation losses against PyTorch', () => {
  const skip = peerSkipReason({
    peer: 'PyTorch',
    missing: torchMissing(),
    requireEnv: 'RESIDUAL_REQUIRE_PYTHON',
    hint: "Install Debian's python3-torch (or set RESIDUAL_PYTHON to a Python with torch).",
  });
  it.skipIf(skip !== undefined)('match in value and gradient to 1e-5', () => {
    const run = spawnSync(PYTHON, [SCRIPT], {
      input: JSON.stringify(CASES.map(([, testCase]) => testCase)),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const references = JSON.parse(run.stdout) as {
      loss: number;
      grad: number[];
      auxGrad?: number[];
    }[];
    CASES.forEach(([name, testCase], i) => {
      const got = ours(testCase);
      const want = references[i];
      expect(
        Math.abs(got.loss - want.loss),
        `${name}: loss ${got.loss} vs ${want.loss}`,
      ).toBeLessThan(1e-5);
      const worst = (a: number[], b: number[]) => Math.max(...a.map((v, j) => Math.abs(v - b[j])));
      expect(worst(got.grad, want.grad), `${name}: gradient`).toBeLessThan(1e-5);
      if (want.auxGrad !== undefined) {
        expect(worst(got.auxGrad ?? [], want.auxGrad), `${name}: aux gradient`).toBeLessThan(1e-5);
      }
    });
  });
});

describe('segmentation losses', () => {
  it('leave ignored pixels out: their logits change nothing and get no gradient', () => {
    const testCase = makeCase(12, [1, 3, 3, 3]);
    const moved = { ...testCase, logits: [...testCase.logits] };
    testCase.masks.forEach((mask, pixel) => {
      if (mask === 255) for (let c = 0; c < 3; c++) moved.logits[pixel * 3 + c] += 5 * (c + 1);
    });
    for (const loss of ['cross-entropy', 'dice'] as const) {
      const a = ours({ ...testCase, loss });
      const b = ours({ ...moved, loss });
      expect(b.loss).toBeCloseTo(a.loss, 6);
      testCase.masks.forEach((mask, pixel) => {
        if (mask === 255)
          expect(a.grad.slice(pixel * 3, pixel * 3 + 3).map(Math.abs)).toEqual([0, 0, 0]);
      });
    }
  });

  it('give 0, not NaN, for a batch whose pixels are all ignored', () => {
    const logits = tf.randomNormal([1, 2, 2, 3], 0, 1, 'float32', 1);
    const masks = tf.fill([1, 2, 2], 255, 'int32');
    const values = [pixelCrossEntropy(logits, masks), diceLoss(logits, masks)];
    expect(values.map((value) => value.dataSync()[0])).toEqual([0, 0]);
    tf.dispose([logits, masks, ...values]);
  });

  it('have the gradients finite differences give, auxiliary upsampling included', () => {
    const testCase = withAux(
      makeCase(13, [1, 4, 4, 3], { loss: 'cross-entropy+dice', classWeights: [1, 2, 0.5] }),
      14,
      [2, 2],
    );
    const { grad, auxGrad } = ours(testCase);
    const lossAt = (logits: number[], aux: number[]) =>
      ours({ ...testCase, logits, aux: { shape: [1, 2, 2, 3], logits: aux } }).loss;
    const step = 1e-2;
    const aux = testCase.aux?.logits ?? [];
    const check = (which: 'main' | 'aux', index: number, analytic: number) => {
      const shift = (values: number[], delta: number) =>
        values.map((v, j) => (j === index ? v + delta : v));
      const [up, down] =
        which === 'main'
          ? [lossAt(shift(testCase.logits, step), aux), lossAt(shift(testCase.logits, -step), aux)]
          : [lossAt(testCase.logits, shift(aux, step)), lossAt(testCase.logits, shift(aux, -step))];
      const numeric = (up - down) / (2 * step);
      expect(Number.isFinite(analytic)).toBe(true);
      expect(Math.abs(numeric - analytic), `${which}[${index}]`).toBeLessThan(2e-3);
    };
    for (const index of [0, 5, 17, 30, 47]) check('main', index, grad[index]);
    for (let index = 0; index < aux.length; index++) check('aux', index, auxGrad?.[index] ?? NaN);
  });

  it('upsample as tf.image.resizeBilinear with half-pixel centres does', () => {
    const scores = tf.randomNormal([2, 3, 5, 4], 0, 1, 'float32', 2);
    const ourResize = resizeToMask(scores, 7, 9);
    const tfResize = tf.image.resizeBilinear(scores as tf.Tensor4D, [7, 9], false, true);
    const difference = tf.max(tf.abs(tf.sub(ourResize, tfResize))).dataSync()[0];
    expect(ourResize.shape).toEqual([2, 7, 9, 4]);
    expect(difference).toBeLessThan(1e-5);
    tf.dispose([scores, ourResize, tfResize]);
  });
});
