// A model saved with our packages must load wherever a user installs @residual/train to load
// it: in a fresh project outside the workspace, from the tarballs the registry would serve,
// with no import of @residual/layers or @residual/models (which register the custom layers).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@residual/backend';
import { createModel, type ModelOptions } from '@residual/models';
import { saveModel } from '@residual/train';
import * as tf from '@tensorflow/tfjs';
import { afterAll, expect, it } from 'vitest';
import { closure, packageDir, root } from './workspace-packages.js';

/**
 * Every family of the zoo (the smallest entry of each, at a small input: weights do not depend
 * on it) and every variant that adds a layer class: ResNeXt's grouped convolutions, Fixup's
 * scalar biases and multipliers, ReZero, drop-path, squeeze-and-excitation.
 */
const CASES: { name: string; options: ModelOptions }[] = [
  { name: 'cifar_resnet8', options: {} },
  { name: 'cifar_resnet8', options: { norm: 'none' } }, // Fixup
  { name: 'cifar_resnet8', options: { residualScale: 'rezero', dropPathRate: 0.2 } },
  { name: 'cifar_plain8', options: {} },
  { name: 'cifar_preact_resnet110', options: {} },
  { name: 'wrn16_4', options: {} },
  { name: 'resnet18', options: { residualScale: 'layerscale' } },
  { name: 'plain18', options: {} },
  { name: 'resnext50_32x4d', options: {} },
  { name: 'seresnet50', options: {} },
  { name: 'resnet50v2', options: {} },
];

/** Seeded random weights (positive variances): Fixup and ReZero start with zero branches. */
function randomizeWeights(model: tf.LayersModel): void {
  tf.tidy(() => {
    model.setWeights(
      model.weights.map((w, i) => {
        const values = tf.randomNormal(w.shape, 0, 0.05, 'float32', i + 1);
        return w.name.includes('variance') ? values.abs().add(0.5) : values;
      }),
    );
  });
}

const work = mkdtempSync(join(tmpdir(), 'residual-saved-models-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

it('every zoo family saved here loads in a fresh project with @residual/train alone, predicting the same', async () => {
  await initBackend({ backend: 'wasm' });
  const modelsDir = join(work, 'models');
  const expected: Record<string, number[]> = {};
  const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 7);
  for (const [i, { name, options }] of CASES.entries()) {
    const model = createModel(name, {
      ...options,
      seed: 1,
      inputShape: [32, 32, 3],
      numClasses: 5,
    });
    randomizeWeights(model);
    const id = `${i}-${name}`;
    expected[id] = Array.from(tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync()));
    await saveModel(model, join(modelsDir, id));
    model.dispose();
  }
  writeFileSync(join(work, 'input.json'), JSON.stringify(Array.from(x.dataSync())));
  x.dispose();

  // The user's project: @residual/train's tarball and its @residual dependencies, nothing else.
  const packs = join(work, 'packs');
  for (const dir of [...closure('@residual/train')].map(packageDir)) {
    execFileSync('npx', ['-y', 'pnpm@12.4.2', 'pack', '--pack-destination', packs], {
      cwd: join(root, 'packages', dir),
      stdio: 'pipe',
    });
  }
  const project = join(work, 'project');
  execFileSync('mkdir', ['-p', project]);
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'user-project', private: true, type: 'module' }),
  );
  execFileSync(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '@tensorflow/tfjs@4.22.0',
      ...readdirSync(packs).map((file) => join(packs, file)),
    ],
    { cwd: project, stdio: 'pipe', env: { ...process.env, RESIDUAL_NATIVE_BUILD: '0' } },
  );
  writeFileSync(
    join(project, 'load.mjs'),
    `import * as tf from '@tensorflow/tfjs';
import { readdirSync, readFileSync } from 'node:fs';
import { initBackend } from '@residual/backend';
import { loadModel } from '@residual/train';
await initBackend();
const [modelsDir, inputPath] = process.argv.slice(2);
const x = tf.tensor(JSON.parse(readFileSync(inputPath, 'utf8')), [2, 32, 32, 3]);
const out = {};
for (const id of readdirSync(modelsDir)) {
  const model = await loadModel(modelsDir + '/' + id);
  out[id] = Array.from(model.predict(x).dataSync());
}
console.log(JSON.stringify(out));`,
  );
  const output = execFileSync(process.execPath, ['load.mjs', modelsDir, join(work, 'input.json')], {
    cwd: project,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const loaded = JSON.parse(output.trim().split('\n').at(-1)!) as Record<string, number[]>;
  expect(Object.keys(loaded).sort()).toEqual(Object.keys(expected).sort());
  for (const [id, values] of Object.entries(expected)) {
    expect(loaded[id].length, id).toBe(values.length);
    for (const [j, v] of values.entries()) {
      expect(Math.abs(loaded[id][j] - v), `${id}[${j}]`).toBeLessThan(1e-3 * (1 + Math.abs(v)));
    }
  }
}, 600_000);
