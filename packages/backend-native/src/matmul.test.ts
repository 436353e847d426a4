import { ACTIVATIONS } from '@residual/native-contract';
import { nativeSkipReason } from '@residual/vitest-config/peer';
import { describe, expect, it } from 'vitest';
import { loadNativeKernels, nativeStatus } from './load.js';
import { randomArray, relativeError } from './test-reference.js';

const native = loadNativeKernels();
const skipReason = nativeSkipReason(nativeStatus());

interface Case {
  batch: number;
  batchA: number;
  batchB: number;
  m: number;
  k: number;
  n: number;
  transA: boolean;
  transB: boolean;
}

/** The float64 product of the definition, with the same layouts as the kernel. */
function reference(c: Case, a: Float32Array, b: Float32Array): Float64Array {
  const out = new Float64Array(c.batch * c.m * c.n);
  for (let i = 0; i < c.batch; i++) {
    const ao = (c.batchA === 1 ? 0 : i) * c.m * c.k;
    const bo = (c.batchB === 1 ? 0 : i) * c.k * c.n;
    for (let r = 0; r < c.m; r++)
      for (let j = 0; j < c.n; j++) {
        let sum = 0;
        for (let k = 0; k < c.k; k++) {
          const av = a[ao + (c.transA ? k * c.m + r : r * c.k + k)];
          const bv = b[bo + (c.transB ? j * c.k + k : k * c.n + j)];
          sum += av * bv;
        }
        out[(i * c.m + r) * c.n + j] = sum;
      }
  }
  return out;
}

function shapeOf(c: Case): Int32Array {
  return Int32Array.of(c.batch, c.batchA, c.batchB, c.m, c.k, c.n, +c.transA, +c.transB);
}

function run(c: Case, a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(c.batch * c.m * c.n).fill(Number.NaN);
  native!.matMul(a, b, out, shapeOf(c));
  return out;
}

describe.skipIf(skipReason !== undefined)('native matMul', () => {
  // Odd sizes (tails of rows, columns and the 256-deep blocks), batched and shared operands.
  const shapes: [number, number, number, number, number, number][] = [
    // batch, batchA, batchB, m, k, n
    [1, 1, 1, 1, 1, 1],
    [1, 1, 1, 7, 5, 3],
    [1, 1, 1, 67, 300, 45],
    [3, 3, 3, 17, 9, 33],
    [4, 4, 1, 13, 11, 70],
    [4, 1, 4, 9, 19, 17],
    [2, 2, 2, 130, 513, 20],
  ];
  for (const [batch, batchA, batchB, m, k, n] of shapes) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const c = { batch, batchA, batchB, m, k, n, transA, transB };
        it(`[${batch}] ${m}×${k}·${k}×${n} (A: ${batchA}${transA ? 'ᵀ' : ''}, B: ${batchB}${transB ? 'ᵀ' : ''})`, () => {
          const a = randomArray(batchA * m * k, 3 + m);
          const b = randomArray(batchB * k * n, 5 + n);
          expect(relativeError(run(c, a, b), reference(c, a, b))).toBeLessThan(1e-5);
        });
      }
    }
  }

  it('adds a bias (n values or one) and applies ReLU / ReLU6', () => {
    const c = { batch: 2, batchA: 2, batchB: 1, m: 19, k: 40, n: 37, transA: false, transB: true };
    const a = randomArray(c.batch * c.m * c.k, 1).map((v) => v * 4);
    const b = randomArray(c.k * c.n, 2);
    const plain = reference(c, a, b);
    for (const bias of [randomArray(c.n, 3), Float32Array.of(0.5)]) {
      for (const [name, code] of Object.entries(ACTIVATIONS)) {
        const out = new Float32Array(plain.length);
        native!.matMul(a, b, out, shapeOf(c), bias, code);
        const activate = (v: number) =>
          name === 'relu' ? Math.max(v, 0) : name === 'relu6' ? Math.min(Math.max(v, 0), 6) : v;
        const expected = plain.map((v, i) => activate(v + bias[bias.length === 1 ? 0 : i % c.n]));
        expect(relativeError(out, expected), `${name}, bias of ${bias.length}`).toBeLessThan(1e-5);
      }
    }
  });

  it('writes zeros (plus the bias) when the inner size is 0', () => {
    const c = { batch: 2, batchA: 2, batchB: 2, m: 3, k: 0, n: 4, transA: false, transB: false };
    const out = new Float32Array(24).fill(Number.NaN);
    native!.matMul(new Float32Array(0), new Float32Array(0), out, shapeOf(c), Float32Array.of(1));
    expect([...out]).toEqual(new Array(24).fill(1));
  });

  it('gives the same bits with 1, 2 and 3 threads (deterministic training)', () => {
    const c = {
      batch: 1,
      batchA: 1,
      batchB: 1,
      m: 128,
      k: 768,
      n: 384,
      transA: true,
      transB: false,
    };
    const a = randomArray(c.m * c.k, 6);
    const b = randomArray(c.k * c.n, 7);
    const before = native!.threads();
    const results: Float32Array[] = [];
    try {
      for (const threads of [1, 2, 3]) {
        native!.setThreads(threads);
        results.push(run(c, a, b));
      }
    } finally {
      native!.setThreads(before);
    }
    expect(Buffer.from(results[1].buffer)).toEqual(Buffer.from(results[0].buffer));
    expect(Buffer.from(results[2].buffer)).toEqual(Buffer.from(results[0].buffer));
  });

  it('rejects bad shapes and arrays too small for them, naming the argument', () => {
    const shape = Int32Array.of(2, 2, 1, 3, 4, 5, 0, 0);
    const ok = () => [new Float32Array(24), new Float32Array(20), new Float32Array(30)] as const;
    const [a, b, c] = ok();
    expect(() => native!.matMul(a, b, c, shape)).not.toThrow();
    expect(() => native!.matMul(a.subarray(1), b, c, shape)).toThrow(/a has 23 values/);
    expect(() => native!.matMul(a, b.subarray(1), c, shape)).toThrow(/b has 19 values/);
    expect(() => native!.matMul(a, b, c.subarray(1), shape)).toThrow(/c has 29 values/);
    expect(() => native!.matMul(a, b, c, Int32Array.of(2, 3, 1, 3, 4, 5, 0, 0))).toThrow(
      /batchA and batchB/,
    );
    expect(() => native!.matMul(a, b, c, Int32Array.of(2, 2, 1, 3, 4, 5))).toThrow(/shape must/);
    expect(() => native!.matMul(a, b, c, shape, new Float32Array(4))).toThrow(/bias/);
    const shared = new Float32Array(60);
    expect(() => native!.matMul(shared.subarray(0, 24), b, shared.subarray(20), shape)).toThrow(
      /overlap/,
    );
  });
});
