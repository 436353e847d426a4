import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '@residual/backend';
import { IMAGENET_PREPROCESSING, withImageSize } from '@residual/datasets';
import { createModel } from '@residual/models';
import { saveModel } from '@residual/train';
import { temporaryDirectory } from '@residual/vitest-config/temporary-directory';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeInferenceFile } from '../src/inference-file.js';
import { run } from '../src/main.js';
import { writeColourFolder } from './image-files.js';
import { recordingTerminal } from './recording-terminal.js';

// An untrained model is enough: eval only has to measure it, and its predictions are poor in
// a way that exercises classes that are never predicted.
let modelDir: string;

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  modelDir = temporaryDirectory('residual-eval-');
  await saveModel(
    createModel('cifar_resnet8', { inputShape: [28, 28, 1], numClasses: 10, seed: 3 }),
    modelDir,
  );
});

describe('residual eval', () => {
  it('prints the metrics table and writes eval.json beside the model', async () => {
    const terminal = recordingTerminal();
    expect(
      await run(['eval', '--model-dir', modelDir, '--top-k', '3', '--bins', '10'], terminal),
    ).toBe(0);
    expect(terminal.stdout).toMatch(
      /^cifar_resnet8 \(.*\) on the digits test split: 2000 images\n/,
    );
    expect(terminal.stdout).toMatch(/\naccuracy +\d+\.\d\d%\n/);
    expect(terminal.stdout).toMatch(/\ntop-3 accuracy +\d+\.\d\d%\n/);
    expect(terminal.stdout).toMatch(/\ncalibration error \(ECE, 10 bins\) +0\.\d{4}\n/);
    expect(terminal.stdout).toMatch(/\nmacro +0\.\d{4} +0\.\d{4} +0\.\d{4}\n/);
    expect(terminal.stdout).toMatch(/\nclass +support +predicted +precision +recall +F1\n/);

    const report = JSON.parse(readFileSync(join(modelDir, 'eval.json'), 'utf8'));
    expect(report).toMatchObject({
      model: 'cifar_resnet8',
      dataset: 'digits',
      split: 'test',
      count: 2000,
    });
    expect(report.confusionMatrix.flat().reduce((a: number, b: number) => a + b)).toBe(2000);
    expect(
      report.perClass
        .map((c: { support: number }) => c.support)
        .reduce((a: number, b: number) => a + b),
    ).toBe(2000);
    expect(report.micro.f1).toBeCloseTo(report.accuracy, 12);
    expect(report.topK).toEqual([{ k: 3, accuracy: expect.any(Number) }]);
    expect(report.calibrationBins).toHaveLength(10);
    // Classes the model never predicts have an undefined precision, reported as 0 and listed.
    const neverPredicted = report.perClass.filter((c: { predicted: number }) => c.predicted === 0);
    expect(report.illDefined.precision).toEqual(
      neverPredicted.map((c: { label: number }) => c.label),
    );
    if (neverPredicted.length > 0) expect(terminal.stdout).toContain('* undefined');
  });

  it('prints JSON only with --json', async () => {
    const terminal = recordingTerminal();
    expect(await run(['eval', '--model-dir', modelDir, '--json'], terminal)).toBe(0);
    const report = JSON.parse(terminal.stdout);
    expect(report.count).toBe(2000);
    expect(report.topK[0].k).toBe(5);
  });

  it.each([
    [[], "residual: eval: --model-dir is required. See 'residual eval --help'.\n"],
    [
      ['--model-dir', '/no/such/run'],
      'residual: /no/such/run/model.json: cannot read the model (ENOENT).\n',
    ],
    [['--top-k', '11'], 'residual: eval --top-k: digits has 10 classes, got k = 11.\n'],
    [
      ['--examples', '4'],
      'residual: eval --examples: only for a segmentation model (unet_*, fpn_*, fcn_*, deeplabv3_*); the model in MODEL_DIR classifies whole images.\n',
    ],
    [
      ['--dataset', 'imagenet'],
      'residual: Unknown data set "imagenet". Known: digits, mnist, fashion-mnist, cifar10, cifar100, or a path to a folder.\n',
    ],
  ])('%j is a user error: one line, exit status 2', async (args, message) => {
    const terminal = recordingTerminal();
    const withDir =
      args.includes('--model-dir') || args.length === 0 ? args : ['--model-dir', modelDir, ...args];
    expect(await run(['eval', ...withDir], terminal)).toBe(2);
    expect(terminal.stderr).toBe(message.replace('MODEL_DIR', modelDir));
  });

  it('refuses a model that does not fit the data set, naming both shapes', async () => {
    const dir = temporaryDirectory('residual-eval-');
    await saveModel(
      createModel('cifar_resnet8', { inputShape: [28, 28, 1], numClasses: 7, seed: 1 }),
      dir,
    );
    writeFileSync(join(dir, 'metrics.json'), JSON.stringify({ dataset: 'digits' }));
    const terminal = recordingTerminal();
    expect(await run(['eval', '--model-dir', dir], terminal)).toBe(2);
    expect(terminal.stderr).toBe(
      `residual: eval: the model in ${dir} outputs 7 classes, the data set has 10.\n`,
    );
  });
});

describe('residual eval of a model with inference.json', () => {
  it('feeds an image folder as the model expects: resized, cropped, its own statistics', async () => {
    const dir = temporaryDirectory('residual-eval-');
    const model = createModel('cifar_resnet8', { inputShape: [16, 16, 3], numClasses: 2, seed: 1 });
    await saveModel(model, dir);
    await writeInferenceFile(dir, {
      preprocessing: withImageSize(IMAGENET_PREPROCESSING.resnet18, 16),
      classNames: ['blue', 'red'],
    });
    // 24×30 images: without inference.json the model (16×16) would not fit them.
    const folder = writeColourFolder(join(dir, 'colours'), 5, 24, 30);
    const terminal = recordingTerminal();
    const args = ['eval', '--model-dir', dir, '--dataset', folder, '--top-k', '1', '--json'];
    const status = await run(args, terminal);
    expect(terminal.stderr).toBe('');
    expect(status).toBe(0);
    const report = JSON.parse(terminal.stdout);
    expect(report).toMatchObject({ dataset: 'colours', count: 2, classNames: ['blue', 'red'] });
  });
});
