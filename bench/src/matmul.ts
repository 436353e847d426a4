// node bench/dist/matmul.js [--quick]: the matrix products of a gpt_char_micro training step
// (batch 12, context 64, width 128, 4 heads) and the step itself, with tfjs-backend-wasm's stock
// BatchMatMul/_FusedMatMul and with ours, in the same process, then torch.matmul of the same
// operands (transposes as views) on 1 and 2 threads; medians of repeated calls.
import { initBackend, Rng } from '@residual/backend';
import { createModel } from '@residual/models';
import * as tf from '@tensorflow/tfjs';
import { median, timeCalls } from './timing.js';
import { TorchWorker } from './torch.js';

interface Product {
  name: string;
  a: number[];
  b: number[];
  transposeA?: boolean;
  transposeB?: boolean;
}

/** Batch 12 × context 64 = 768 rows; attention: 12 × 4 heads = 48 products of 64 × 32. */
const PRODUCTS: readonly Product[] = [
  { name: 'Dense x·W [768,128]·[128,384]', a: [768, 128], b: [128, 384] },
  { name: 'its dx = dy·Wᵀ', a: [768, 384], b: [128, 384], transposeB: true },
  { name: 'its dW = xᵀ·dy', a: [768, 128], b: [768, 384], transposeA: true },
  { name: 'scores Q·Kᵀ [48,64,32]·[48,32,64]', a: [48, 64, 32], b: [48, 64, 32], transposeB: true },
  { name: 'mix P·V [48,64,64]·[48,64,32]', a: [48, 64, 64], b: [48, 64, 32] },
  { name: 'its dV = Pᵀ·dy', a: [48, 64, 64], b: [48, 64, 32], transposeA: true },
];

const MATMUL_KERNELS = [tf.BatchMatMul, tf._FusedMatMul];

/**
 * The stock wasm kernels our overrides replaced: @residual/backend keeps them in this global
 * registry (see kernel-overrides.ts) to fall back on.
 */
function stockKernels(): tf.KernelConfig[] {
  const originals = (globalThis as Record<symbol, Map<string, tf.KernelConfig | undefined>>)[
    Symbol.for('@residual/backend/original-kernels')
  ];
  return MATMUL_KERNELS.map((name) => {
    const config = originals?.get(`wasm/${name}`);
    if (config === undefined) throw new Error(`no stock wasm ${name} kept`);
    return config;
  });
}

function useKernels(configs: tf.KernelConfig[]): void {
  for (const config of configs) {
    tf.unregisterKernel(config.kernelName, config.backendName);
    tf.registerKernel(config);
  }
}

function random(shape: number[], rng: Rng): tf.Tensor {
  const size = shape.reduce((x, y) => x * y, 1);
  return tf.tensor(
    Float32Array.from({ length: size }, () => rng.nextFloat() * 2 - 1),
    shape,
  );
}

/** The median milliseconds of `p` over calls for about `minTime` seconds. */
function timeProduct(p: Product, minTime: number): number {
  const rng = new Rng(1);
  const a = random(p.a, rng);
  const b = random(p.b, rng);
  const ms = median(
    timeCalls(() => {
      const c = tf.matMul(a, b, p.transposeA, p.transposeB);
      c.dataSync();
      c.dispose();
    }, minTime),
  );
  a.dispose();
  b.dispose();
  return ms * 1000;
}

/** Adam steps of gpt_char_micro on a batch of 12 sequences of 64; each call times one. */
function gptTrainer(): { step(): number; dispose(): void } {
  const model = createModel('gpt_char_micro', { seed: 1 });
  const optimizer = tf.train.adam(1e-3);
  const rng = new Rng(2);
  const tokens = () =>
    tf.tensor2d(
      Int32Array.from({ length: 12 * 64 }, () => rng.nextInt(65)),
      [12, 64],
      'int32',
    );
  const ids = tokens();
  const labels = tokens();
  const targets = tf.oneHot(labels, 65);
  const step = () => {
    const start = performance.now();
    const loss = optimizer.minimize(
      () => tf.losses.softmaxCrossEntropy(targets, model.apply(ids) as tf.Tensor) as tf.Scalar,
      true,
    );
    loss?.dataSync();
    loss?.dispose();
    return performance.now() - start;
  };
  step(); // builds the optimizer's slots
  return {
    step,
    dispose: () => {
      tf.dispose([ids, labels, targets]);
      optimizer.dispose();
      model.dispose();
    },
  };
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  // Stock and ours take turns, round after round, so that both see the same machine load.
  const rounds = quick ? 2 : 5;
  const minTime = 0.2;
  const rows: { setup: string; kernels: string; products: number[]; step: number }[] = [];
  const setups = [
    { setup: 'wasm alone', native: false, threads: 1 },
    { setup: 'wasm + native, 1 thread', native: true, threads: 1 },
    { setup: 'wasm + native, 2 threads', native: true, threads: 2 },
  ];
  for (const { setup, native, threads } of setups) {
    await initBackend({ backend: 'wasm', native, threads });
    const ours = MATMUL_KERNELS.map((name) => tf.getKernel(name, 'wasm')!);
    const variants = [
      { kernels: 'stock', configs: stockKernels() },
      { kernels: 'ours', configs: ours },
    ];
    const products = variants.map(() => PRODUCTS.map((): number[] => []));
    const steps = variants.map((): number[] => []);
    const trainer = gptTrainer();
    for (let round = 0; round < rounds; round++) {
      for (const [v, { configs }] of variants.entries()) {
        useKernels(configs);
        for (const [i, p] of PRODUCTS.entries()) products[v][i].push(timeProduct(p, minTime));
        steps[v].push(trainer.step());
      }
    }
    trainer.dispose();
    useKernels(ours);
    for (const [v, { kernels }] of variants.entries()) {
      rows.push({ setup, kernels, products: products[v].map(median), step: median(steps[v]) });
    }
    console.error(`${setup}: done`);
  }
  const torch = TorchWorker.start();
  if (typeof torch === 'string') {
    console.error(`PyTorch left out: ${torch}`);
  } else {
    for (const threads of [1, 2]) {
      const products: number[] = [];
      for (const p of PRODUCTS) {
        const answer = await torch.request({
          kind: 'matmul',
          a: p.a,
          b: p.b,
          transpose_a: p.transposeA ?? false,
          transpose_b: p.transposeB ?? false,
          threads,
          min_time: minTime,
        });
        products.push(median(answer.times as number[]) * 1000);
      }
      rows.push({
        setup: `PyTorch, ${threads} thread${threads > 1 ? 's' : ''}`,
        kernels: 'torch.matmul',
        products,
        step: Number.NaN,
      });
    }
    torch.close();
  }
  const header = ['product (ms)', ...rows.map((r) => `${r.setup}: ${r.kernels}`)];
  const lines = PRODUCTS.map((p, i) => [p.name, ...rows.map((r) => r.products[i].toFixed(2))]);
  lines.push([
    'gpt_char_micro train step, batch 12',
    ...rows.map((r) => (Number.isNaN(r.step) ? '' : r.step.toFixed(0))),
  ]);
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const line of lines) console.log(`| ${line.join(' | ')} |`);
}

await main();
