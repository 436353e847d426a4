import { ACTIVATIONS } from '@residual/native-contract';
import { nativeSkipReason } from '@residual/vitest-config/peer';
import { describe, expect, it } from 'vitest';
import { convGeometryArray } from './conv-geometry.js';
import { loadNativeKernels, nativeStatus } from './load.js';
import {
  type ConvCase,
  geometryOf,
  randomArray,
  referenceConv,
  relativeError,
  sizes,
} from './test-reference.js';

const native = loadNativeKernels();
const skipReason = nativeSkipReason(nativeStatus());
const ISAS = ['generic', 'avx2', 'avx512'] as const;

function cases(): ConvCase[] {
  const base: ConvCase = {
    batch: 2,
    size: [9, 7],
    inChannels: 5,
    outChannels: 19,
    kernel: [3, 3],
    stride: 1,
    dilation: 1,
    padding: 'same',
    groups: 1,
  };
  const list: ConvCase[] = [];
  for (const k of [1, 3, 7])
    for (const stride of [1, 2])
      for (const padding of ['same', 'valid'] as const)
        list.push({ ...base, kernel: [k, k], stride, padding });
  list.push({ ...base, dilation: 2 });
  list.push({ ...base, dilation: 2, stride: 2, padding: 'valid', size: [11, 10] });
  list.push({ ...base, batch: 1, size: [5, 5], kernel: [3, 1] });
  list.push({ ...base, batch: 1, size: [1, 1], kernel: [1, 1], inChannels: 33, outChannels: 40 });
  list.push({ ...base, inChannels: 6, outChannels: 9, groups: 3 });
  list.push({ ...base, inChannels: 7, outChannels: 14, groups: 7, stride: 2 }); // depthwise ×2
  list.push({ ...base, size: [16, 16], inChannels: 32, outChannels: 64, stride: 2 });
  list.push({ ...base, batch: 3, size: [33, 31], inChannels: 16, outChannels: 16 });
  // The filter gradient's row kernels (AVX-512: 16 and 32 output channels, input channels a
  // multiple of 8 and 4), with zero-padded output channels and rows shorter than the filter.
  list.push({ ...base, inChannels: 8, outChannels: 32 });
  list.push({ ...base, inChannels: 16, outChannels: 10, padding: 'valid' });
  list.push({ ...base, batch: 3, size: [4, 2], inChannels: 8, outChannels: 20 });
  // Few input channels: the input gradient goes through columns and col2im (undilated and
  // dilated columns).
  list.push({ ...base, batch: 3, size: [23, 20], inChannels: 3, kernel: [7, 7], stride: 2 });
  list.push({ ...base, size: [13, 12], inChannels: 3, kernel: [5, 5], dilation: 2, stride: 2 });
  return list;
}

function label(c: ConvCase): string {
  return (
    `${c.batch}x${c.size.join('x')}x${c.inChannels}->${c.outChannels} ` +
    `${c.kernel.join('x')} s${c.stride} d${c.dilation} ${c.padding} g${c.groups}`
  );
}

describe.skipIf(skipReason !== undefined)('native convolution kernels', () => {
  for (const isa of ISAS) {
    describe(isa, () => {
      for (const c of cases()) {
        it(`match the float64 definition: ${label(c)}`, (ctx) => {
          if (!native!.setIsa(isa)) ctx.skip(`this CPU lacks ${isa}`);
          try {
            const g = geometryOf(c);
            const n = sizes(g);
            const x = randomArray(n.x, 1);
            const w = randomArray(n.w, 2);
            const dy = randomArray(n.y, 3);
            const expected = referenceConv(g, x, w, dy);
            const geometry = convGeometryArray(g);
            const y = new Float32Array(n.y).fill(Number.NaN);
            const dx = new Float32Array(n.x).fill(Number.NaN);
            const dw = new Float32Array(n.w).fill(Number.NaN);
            native!.conv2d(x, w, y, geometry);
            native!.conv2dBackpropInput(dy, w, dx, geometry);
            native!.conv2dBackpropFilter(x, dy, dw, geometry);
            expect(relativeError(y, expected.y)).toBeLessThan(1e-5);
            expect(relativeError(dx, expected.dx)).toBeLessThan(1e-5);
            expect(relativeError(dw, expected.dw)).toBeLessThan(1e-5);
          } finally {
            native!.setIsa('auto');
          }
        });
      }
    });
  }

  // Small; grouped with several tiles, column panels and tasks; rows of 37 pixels in tiles of
  // 16, 16 and 5 (AVX-512's row kernel, up to 16 channels per group).
  for (const [inChannels, outChannels, size, groups] of [
    [3, 4, [6, 5], 1],
    [4, 40, [20, 19], 2],
    [6, 12, [21, 37], 3],
  ] as const) {
    it(`adds the bias and applies ReLU / ReLU6: ${inChannels}→${outChannels}, ${groups} group(s)`, () => {
      const g = geometryOf({
        batch: 2,
        size: [...size],
        inChannels,
        outChannels,
        kernel: [3, 3],
        stride: 1,
        dilation: 1,
        padding: 'same',
        groups,
      });
      const n = sizes(g);
      const x = randomArray(n.x, 4);
      const w = randomArray(n.w, 5);
      const plain = referenceConv(g, x, w, new Float32Array(n.y)).y;
      for (const bias of [randomArray(outChannels, 6), Float32Array.of(-0.5)]) {
        for (const [name, activate] of [
          ['linear', (v: number) => v],
          ['relu', (v: number) => Math.max(v, 0)],
          ['relu6', (v: number) => Math.min(Math.max(v, 0), 6)],
        ] as const) {
          const y = new Float32Array(n.y);
          native!.conv2d(x, w, y, convGeometryArray(g), bias, ACTIVATIONS[name]);
          const expected = plain.map((v, i) =>
            activate(v + bias[bias.length === 1 ? 0 : i % outChannels]),
          );
          expect(relativeError(y, expected), name).toBeLessThan(1e-5);
        }
      }
    });
  }

  it('gives the same bits with 1, 2 and 3 threads (deterministic training)', () => {
    const g = geometryOf({
      batch: 8,
      size: [32, 32],
      inChannels: 16,
      outChannels: 16,
      kernel: [3, 3],
      stride: 1,
      dilation: 1,
      padding: 'same',
      groups: 1,
    });
    const n = sizes(g);
    const x = randomArray(n.x, 6);
    const dy = randomArray(n.y, 7);
    const before = native!.threads();
    const results: Float32Array[] = [];
    try {
      for (const threads of [1, 2, 3]) {
        native!.setThreads(threads);
        const dw = new Float32Array(n.w);
        native!.conv2dBackpropFilter(x, dy, dw, convGeometryArray(g));
        results.push(dw);
      }
    } finally {
      native!.setThreads(before);
    }
    expect(Buffer.from(results[1].buffer)).toEqual(Buffer.from(results[0].buffer));
    expect(Buffer.from(results[2].buffer)).toEqual(Buffer.from(results[0].buffer));
  });

  it('rejects arrays too small for the geometry, naming the argument', () => {
    const g = geometryOf({
      batch: 1,
      size: [4, 4],
      inChannels: 2,
      outChannels: 2,
      kernel: [3, 3],
      stride: 1,
      dilation: 1,
      padding: 'same',
      groups: 1,
    });
    const n = sizes(g);
    const geometry = convGeometryArray(g);
    expect(() =>
      native!.conv2d(
        new Float32Array(n.x - 1),
        new Float32Array(n.w),
        new Float32Array(n.y),
        geometry,
      ),
    ).toThrow(/x has 31 values, needs 32/);
    expect(() =>
      native!.conv2d(
        new Float32Array(n.x),
        new Float32Array(n.w),
        new Float32Array(n.y),
        new Int32Array(3),
      ),
    ).toThrow(TypeError);
    const shared = new Float32Array(n.x + n.y);
    expect(() =>
      native!.conv2d(shared.subarray(0, n.x), new Float32Array(n.w), shared.subarray(8), geometry),
    ).toThrow(/overlap/);
  });

  it('reports which instruction set it uses', () => {
    const status = nativeStatus();
    expect(status.available).toBe(true);
    if (status.available) expect(['avx512', 'avx2', 'generic']).toContain(status.isa);
  });
});

describe('the native addon', () => {
  it.runIf(native === undefined)('says why it is unavailable', () => {
    const status = nativeStatus();
    expect(status.available).toBe(false);
    if (!status.available) expect(status.reason).toMatch(/residual_native\.node/);
  });
});
