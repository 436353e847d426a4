// A training process for the crash tests: trains a small conv net by the paper's recipe
// (scaled down) with checkpoints in <dir>/checkpoints, resuming from the newest one there if
// any; at the end writes every weight's bytes to <dir>/weights.bin and the history to
// <dir>/history.json. Started by crash-resume.test.ts through the source loader.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '@residual/backend';
import { latestCheckpoint, paperRecipe, train } from '../src/index.js';
import { halvesSplit, smallConvNet } from '../src/test-fixtures.js';

const [dir] = process.argv.slice(2);
await initBackend({ backend: 'wasm' });
const model = smallConvNet(1);
const checkpoints = join(dir, 'checkpoints');
// 3 epochs of 4 steps; checkpoints every 3 steps and at epoch ends: 3, 4, 6, 8, 9, 12.
const result = await train({
  model,
  data: { train: halvesSplit(64, 1), test: halvesSplit(16, 2), numClasses: 2 },
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
