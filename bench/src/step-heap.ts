// `node bench/dist/step-heap.js`: the WASM heap a training step of a deep network needs, with and
// without activation recomputation, against the recomputation planner's estimate (the table of
// the guide "Thousands of layers"). The heap only grows, so each case runs in a process of its
// own: two steps of momentum SGD on random 32×32×3 images, then the heap's size. Writes
// bench/results/step-heap.json. A scripted run, never a test.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { initBackend } from '@residual/backend';
import { createModel } from '@residual/models';
import { planForward, planRecompute, type RecomputeOption, SgdMomentum } from '@residual/train';
import * as tf from '@tensorflow/tfjs';

const CASES: { model: string; batch: number; recompute: RecomputeOption }[] = [
  { model: 'cifar_resnet56', batch: 64, recompute: 'none' },
  { model: 'cifar_resnet56', batch: 64, recompute: 'blocks' },
  { model: 'cifar_resnet110', batch: 64, recompute: 'none' },
  { model: 'cifar_resnet110', batch: 64, recompute: 'blocks' },
  { model: 'cifar_resnet110', batch: 64, recompute: 8 },
  { model: 'cifar_resnet110', batch: 128, recompute: 'none' },
];

interface CaseResult {
  model: string;
  batch: number;
  recompute: RecomputeOption;
  segments: number | null;
  heapBytes: number;
  estimatedBytes: number;
}

async function runCase(
  model: string,
  batch: number,
  recompute: RecomputeOption,
): Promise<CaseResult> {
  await initBackend({ backend: 'wasm' });
  const network = createModel(model, { inputShape: [32, 32, 3], numClasses: 10, seed: 0 });
  const plan = await planRecompute({ model: network, batchSize: batch, recompute });
  const forward = planForward(plan);
  const optimizer = new SgdMomentum(network.trainableWeights, { momentum: 0.9 });
  const images = tf.randomNormal([batch, 32, 32, 3], 0, 1, 'float32', 0) as tf.Tensor4D;
  const labels = tf.tensor1d(
    Array.from({ length: batch }, (_, i) => i % 10),
    'int32',
  );
  const targets = tf.oneHot(labels, 10);
  for (let step = 0; step < 2; step++) {
    tf.tidy(() => {
      const { grads } = tf.variableGrads(() => {
        const logits =
          forward?.(images) ?? (network.apply(images, { training: true }) as tf.Tensor);
        return tf.losses.softmaxCrossEntropy(targets, logits) as tf.Scalar;
      }, optimizer.variables);
      optimizer.apply(
        optimizer.variables.map((variable) => grads[variable.name]),
        0.01,
      );
    });
  }
  const wasm = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm;
  return {
    model,
    batch,
    recompute,
    segments: plan.segments?.length ?? null,
    heapBytes: wasm.HEAPU8.buffer.byteLength,
    estimatedBytes: plan.estimatedBytes,
  };
}

const caseIndex = process.argv.indexOf('--case');
if (caseIndex >= 0) {
  const [model, batch, recompute] = process.argv[caseIndex + 1].split(',');
  const option = /^\d+$/.test(recompute) ? Number(recompute) : (recompute as RecomputeOption);
  process.stdout.write(`${JSON.stringify(await runCase(model, Number(batch), option))}\n`);
} else {
  const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2)} GiB`;
  const results: CaseResult[] = [];
  for (const { model, batch, recompute } of CASES) {
    const child = spawnSync(
      process.execPath,
      [fileURLToPath(import.meta.url), '--case', `${model},${batch},${recompute}`],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    );
    if (child.status !== 0)
      throw new Error(`${model} at batch ${batch} exited with ${child.status}`);
    const result = JSON.parse(child.stdout.trim().split('\n').at(-1) as string) as CaseResult;
    results.push(result);
    console.log(
      `${model}, batch ${batch}, recompute ${recompute}${result.segments === null ? '' : ` (${result.segments} segments)`}: ` +
        `heap ${gib(result.heapBytes)}, estimated ${gib(result.estimatedBytes)}`,
    );
  }
  const target = fileURLToPath(new URL('../results/step-heap.json', import.meta.url));
  writeFileSync(
    target,
    `${JSON.stringify({ command: 'node bench/dist/step-heap.js', input: [32, 32, 3], steps: 2, results }, null, 2)}\n`,
  );
  console.log(`wrote ${target}`);
}
