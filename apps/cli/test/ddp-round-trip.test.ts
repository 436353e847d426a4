import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { initBackend } from '@residual/backend';
import { IMAGENET_PREPROCESSING, withImageSize } from '@residual/datasets';
import { createModel } from '@residual/models';
import { loadModel, saveModel } from '@residual/train';
import { temporaryDirectory } from '@residual/vitest-config/temporary-directory';
import type * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { writeInferenceFile } from '../src/inference-file.js';
import { run } from '../src/main.js';
import { writeColourFolder } from './image-files.js';
import { recordingTerminal } from './recording-terminal.js';

// The multi-machine path of the pretrained-weights guide, on this machine: export, two
// DistributedDataParallel workers under torchrun (gloo, CPU), import, eval. The peer is Debian's
// Python with PyTorch and torchvision (apt-get install python3-torch python3-torchvision).
const PYTHON = '/usr/bin/python3';
const SCRIPT = resolve(import.meta.dirname, '..', '..', '..', 'examples', 'ddp', 'train_ddp.py');
const REQUIRED = process.env.CI === 'true' || process.env.RESIDUAL_REQUIRE_PYTHON === '1';

function peerProblem(): string | undefined {
  const check = spawnSync(PYTHON, ['-c', 'import torch, torchvision, torch.distributed.run'], {
    encoding: 'utf8',
  });
  if (check.error !== undefined) return `${PYTHON} cannot run (${check.error.message})`;
  if (check.status !== 0)
    return `${PYTHON} cannot import torch and torchvision: ${check.stderr.trim().split('\n').pop()}`;
  return undefined;
}

const problem = peerProblem();
if (problem !== undefined && REQUIRED) {
  throw new Error(
    `CI=true or RESIDUAL_REQUIRE_PYTHON=1, but ${problem} (apt-get install -y python3-torch python3-torchvision).`,
  );
}
if (problem !== undefined) console.warn(`Skipping the torchrun round trip: ${problem}.`);

describe.skipIf(problem !== undefined)('export → torchrun DDP (2 workers) → import → eval', () => {
  it('trains our model under DistributedDataParallel and brings it back', async () => {
    await initBackend({ backend: 'wasm' });
    const dir = temporaryDirectory('residual-ddp-');
    const folder = writeColourFolder(join(dir, 'colours'), 6, 64);
    // A 2-class resnet18 at 64×64 stands in for a model fine-tuned here.
    const start = join(dir, 'start');
    const model = createModel('resnet18', { inputShape: [64, 64, 3], numClasses: 2, seed: 3 });
    await saveModel(model, start);
    await writeInferenceFile(start, {
      preprocessing: withImageSize(IMAGENET_PREPROCESSING.resnet18, 64),
      classNames: ['blue', 'red'],
    });
    const exported = join(dir, 'start.pth');
    expect(
      await run(
        ['export', '--model-dir', start, '--format', 'pth', '--out', exported],
        recordingTerminal(),
      ),
    ).toBe(0);

    const trained = join(dir, 'ddp.pth');
    const torchrun = spawnSync(
      PYTHON,
      [
        '-m',
        'torch.distributed.run',
        '--standalone',
        '--nproc_per_node=2',
        // torchrun 1.13 under Python 3.11 fails on its default redirect setting "0".
        '--redirects=2',
        '--tee=2',
        SCRIPT,
        '--model',
        'resnet18',
        '--weights',
        exported,
        '--data',
        folder,
        '--out',
        trained,
        '--steps',
        '2',
        '--batch-size',
        '2',
        '--image-size',
        '64',
      ],
      { encoding: 'utf8', timeout: 300_000, env: { ...process.env, OMP_NUM_THREADS: '1' } },
    );
    expect(torchrun.status, torchrun.stderr).toBe(0);
    expect(torchrun.stdout).toMatch(/step 2\/2 loss \d+\.\d+ \(2 workers\)/);

    const imported = join(dir, 'imported');
    const importing = recordingTerminal();
    expect(
      await run(
        [
          'import',
          '--model',
          'resnet18',
          '--weights',
          trained,
          '--image-size',
          '64',
          '--out',
          imported,
        ],
        importing,
      ),
    ).toBe(0);
    expect(importing.stdout).toMatch(/\(2 classes\)/);
    const back = await loadModel(imported);
    const weightsOf = (m: tf.LayersModel, layer: string) =>
      m
        .getLayer(layer)
        .getWeights()
        .map((w) => Array.from(w.dataSync()));
    // Two SGD steps moved the weights; the shapes and names made it both ways.
    expect(weightsOf(back, 'logits')).not.toEqual(weightsOf(model, 'logits'));
    expect(weightsOf(back, 'logits')[0].every(Number.isFinite)).toBe(true);

    const evaluation = recordingTerminal();
    expect(
      await run(
        ['eval', '--model-dir', imported, '--dataset', folder, '--top-k', '1', '--json'],
        evaluation,
      ),
    ).toBe(0);
    const report = JSON.parse(evaluation.stdout);
    expect(report).toMatchObject({ model: 'resnet18', count: expect.any(Number) });
    expect(report.accuracy).toBeGreaterThanOrEqual(0);
    expect(JSON.parse(readFileSync(join(imported, 'eval.json'), 'utf8')).accuracy).toBe(
      report.accuracy,
    );
  });
});
