import * as tf from '@tensorflow/tfjs';

/**
 * A `BatchMatMul` (or `_FusedMatMul`) as tfjs defines it, seen as `batch` products of
 * `[m, k] · [k, n]`: A holds `batchA` matrices and B `batchB`, tfjs's outer dimensions flattened
 * (each count is `batch` or 1, a matrix shared by every product).
 */
export interface MatMulShape {
  batch: number;
  batchA: number;
  batchB: number;
  m: number;
  k: number;
  n: number;
  transposeA: boolean;
  transposeB: boolean;
  outShape: number[];
}

/**
 * The products of a matMul of `a` and `b`, or undefined for the cases our kernels leave to the
 * stock ones (other dtypes, mismatched inner sizes, and outer dimensions that do not flatten to
 * `batch` or 1 on each side, where tfjs's own indexing is modular).
 */
export function matMulShape(
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): MatMulShape | undefined {
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
  if (a.shape.length < 2 || b.shape.length < 2) return undefined;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (k !== kb) return undefined;
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const outer = broadcastShape(outerA, outerB);
  if (outer === undefined) return undefined;
  const batchA = tf.util.sizeFromShape(outerA);
  const batchB = tf.util.sizeFromShape(outerB);
  const batch = tf.util.sizeFromShape(outer);
  if ((batchA !== batch && batchA !== 1) || (batchB !== batch && batchB !== 1)) return undefined;
  return { batch, batchA, batchB, m, k, n, transposeA, transposeB, outShape: [...outer, m, n] };
}

/** numpy broadcasting of two shapes, or undefined where they do not broadcast. */
function broadcastShape(a: number[], b: number[]): number[] | undefined {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return undefined;
    out.push(da === 1 ? db : da);
  }
  return out;
}
