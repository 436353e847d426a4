import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '@residual/backend';
import { createModel } from '@residual/models';
import { loadModel } from '@residual/train';
import { temporaryDirectory } from '@residual/vitest-config/temporary-directory';
import type * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/main.js';
import { writeColourFolder, writePng } from './image-files.js';
import { recordingTerminal } from './recording-terminal.js';

const dir = temporaryDirectory('residual-fine-tune-');
const folder = writeColourFolder(join(dir, 'colours'), 5, 16);

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

const weightsOf = (model: tf.LayersModel, layer: string) =>
  model
    .getLayer(layer)
    .getWeights()
    .map((w) => Array.from(w.dataSync()));

describe('residual train --freeze', () => {
  it('trains only the layers after the point; frozen batch norms keep their statistics', async () => {
    const out = join(dir, 'frozen');
    const terminal = recordingTerminal();
    const args = ['train', '--dataset', folder, '--freeze', 'all-but-head', '--epochs', '1'];
    expect(await run([...args, '--batch-size', '4', '--out', out], terminal)).toBe(0);
    const trained = await loadModel(out);
    const fresh = createModel('cifar_resnet8', { inputShape: [16, 16, 3], numClasses: 2, seed: 0 });
    expect(weightsOf(trained, 'stem_conv')).toEqual(weightsOf(fresh, 'stem_conv'));
    // gamma, beta, moving mean, moving variance: all as initialised.
    expect(weightsOf(trained, 'stem_bn')).toEqual(weightsOf(fresh, 'stem_bn'));
    expect(weightsOf(trained, 'logits')).not.toEqual(weightsOf(fresh, 'logits'));
    expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).config.freeze).toBe(
      'all-but-head',
    );
    // The run can be predicted from: inference.json names the folder's classes.
    const image = writePng(join(dir, 'probe.png'), 20, 20, () => [220, 60, 40]);
    const predict = recordingTerminal();
    expect(await run(['predict', '--model-dir', out, '--json', image], predict)).toBe(0);
    const names = JSON.parse(predict.stdout).predictions[0].top.map(
      (s: { name: string }) => s.name,
    );
    expect(names.sort()).toEqual(['blue', 'red']);
  });

  it('refuses a point the model does not have, before training', async () => {
    const terminal = recordingTerminal();
    const args = ['train', '--dataset', folder, '--freeze', 'stage4', '--out', join(dir, 'no')];
    expect(await run(args, terminal)).toBe(2);
    expect(terminal.stderr).toBe(
      'residual: freeze: cifar_resnet8 has 3 stages; "stage4" is not one of its points (stem, stage1, stage2, stage3, all-but-head).\n',
    );
  });
});
