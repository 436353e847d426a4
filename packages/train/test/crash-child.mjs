// A training process for the crash tests: trains a small conv net with the paper's recipe
// (scaled down) and checkpoints into <dir>/checkpoints, resuming from the newest checkpoint
// there if any; at the end writes every weight's bytes to <dir>/weights.bin and the history to
// <dir>/history.json. Runs the built package (dist), as a user's program would.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend, Rng } from '@residual/backend';
import * as tf from '@tensorflow/tfjs';
import { latestCheckpoint, paperRecipe, train } from '../dist/index.js';

const [dir] = process.argv.slice(2);

/** Class 0 has its ink on the left of an 8×8 image, class 1 on the right, plus noise. */
function halves(count, seed) {
  const rng = new Rng(seed);
  const images = new Uint8Array(count * 64);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    labels[n] = n % 2;
    for (let i = 0; i < 64; i++) {
      const ink = i % 8 < 4 === (labels[n] === 0) ? 150 : 0;
      images[n * 64 + i] = Math.min(255, ink + rng.nextInt(100));
    }
  }
  return { images, labels, count, imageShape: [8, 8, 1] };
}

await initBackend({ backend: 'wasm' });
const model = tf.sequential({
  layers: [
    tf.layers.conv2d({
      inputShape: [8, 8, 1],
      filters: 4,
      kernelSize: 3,
      padding: 'same',
      name: 'conv',
      kernelInitializer: tf.initializers.heNormal({ seed: 1 }),
    }),
    tf.layers.batchNormalization({ name: 'bn' }),
    tf.layers.reLU(),
    tf.layers.flatten(),
    tf.layers.dense({
      units: 2,
      name: 'logits',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
    }),
  ],
});
const checkpoints = join(dir, 'checkpoints');
// 3 epochs of 4 steps; checkpoints every 3 steps and at epoch ends: 3, 4, 6, 8, 9, 12.
const result = await train({
  model,
  data: { train: halves(64, 1), test: halves(16, 2), numClasses: 2 },
  recipe: paperRecipe({ epochs: 3, batchSize: 16, learningRate: 0.05 }),
  seed: 5,
  checkpoints: { dir: checkpoints, every: 3, keep: 2 },
  resume: await latestCheckpoint(checkpoints),
});
const bytes = model.weights.map((weight) => Buffer.from(weight.read().dataSync().buffer));
writeFileSync(join(dir, 'weights.bin'), Buffer.concat(bytes));
writeFileSync(
  join(dir, 'history.json'),
  JSON.stringify(result.history.map(({ seconds, ...rest }) => rest)),
);
