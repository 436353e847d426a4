import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@residual/backend';
import { IMAGENET_CLASSES } from '@residual/datasets';
import { readWeightsFile, toStateDict, writePth, writeSafetensors } from '@residual/interop';
import { createModel } from '@residual/models';
import { loadModel } from '@residual/train';
import type * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/main.js';
import { writeColourFolder, writePng } from './image-files.js';
import { recordingTerminal } from './recording-terminal.js';

// resnet18 is the smallest model with torchvision weights; a seeded one stands in for
// torchvision's file (the file formats themselves are tested in @residual/interop).
const dir = mkdtempSync(join(tmpdir(), 'residual-weights-'));
const safetensors = join(dir, 'r18.safetensors');
const pth = join(dir, 'r18.pth');
const image = join(dir, 'cat.png');
let source: tf.LayersModel;

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  source = createModel('resnet18', { inputShape: [64, 64, 3], seed: 7 });
  const stateDict = toStateDict(source);
  writeFileSync(safetensors, writeSafetensors(stateDict));
  writeFileSync(pth, writePth(stateDict));
  writePng(image, 30, 40, (y, x) => [x * 6, y * 8, 100]);
});
// The models and weights written here come to hundreds of megabytes.
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const weightsOf = (model: tf.LayersModel, layer: string) =>
  model
    .getLayer(layer)
    .getWeights()
    .map((w) => Array.from(w.dataSync()));

function bytesOf(data: ArrayBufferView | undefined): Buffer {
  return data === undefined
    ? Buffer.alloc(0)
    : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

async function expectUserError(args: string[], message: RegExp | string) {
  const terminal = recordingTerminal();
  expect(await run(args, terminal)).toBe(2);
  if (typeof message === 'string') expect(terminal.stderr).toBe(message);
  else expect(terminal.stderr).toMatch(message);
  expect(terminal.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(terminal.stdout).toBe('');
}

describe('residual import and export', () => {
  it('imports into a model directory that loadModel reads, and exports the same tensors back', async () => {
    const out = join(dir, 'imported');
    const terminal = recordingTerminal();
    expect(
      await run(
        ['import', '--model', 'resnet18', '--weights', safetensors, '--out', out],
        terminal,
      ),
    ).toBe(0);
    expect(terminal.stdout).toMatch(/^imported resnet18 \(1000 classes\) from .*r18\.safetensors/);
    expect(readdirSync(out).sort()).toEqual(['inference.json', 'model.json', 'weights.bin']);
    const imported = await loadModel(out);
    for (const layer of ['stem_conv', 'stage4_block2_2_bn', 'logits']) {
      expect(weightsOf(imported, layer)).toEqual(weightsOf(source, layer));
    }
    const info = JSON.parse(readFileSync(join(out, 'inference.json'), 'utf8'));
    expect(info.preprocessing).toMatchObject({
      source: 'torchvision',
      size: 224,
      cropFraction: 0.875,
    });
    expect(info.classNames[0]).toBe('tench');

    for (const format of ['safetensors', 'pth'] as const) {
      const file = join(dir, `exported.${format}`);
      const exported = recordingTerminal();
      expect(
        await run(['export', '--model-dir', out, '--format', format, '--out', file], exported),
      ).toBe(0);
      // A plain Uint8Array: @residual/interop's readers misread Node Buffers (Buffer.slice shares).
      const bytes = readFileSync(file);
      const read = readWeightsFile(
        new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
        file,
      );
      const original = toStateDict(source);
      expect([...read.keys()].sort()).toEqual([...original.keys()].sort());
      for (const [key, tensor] of original) {
        expect(read.get(key)?.shape).toEqual(tensor.shape);
        // Bytes, not toEqual: a deep equality over 11 million floats takes minutes.
        expect(bytesOf(read.get(key)?.data).equals(bytesOf(tensor.data)), key).toBe(true);
      }
    }
    const onnx = join(dir, 'exported.onnx');
    expect(
      await run(
        ['export', '--model-dir', out, '--format', 'onnx', '--out', onnx],
        recordingTerminal(),
      ),
    ).toBe(0);
    // resnet18's 11.7 M float32 parameters, in one ONNX protobuf.
    expect(readFileSync(onnx).byteLength).toBeGreaterThan(11_000_000 * 4);
  });

  it('predicts straight from a weights file with ImageNet class names', async () => {
    const terminal = recordingTerminal();
    expect(
      await run(['predict', '--model', 'resnet18', '--weights', pth, '--json', image], terminal),
    ).toBe(0);
    const { predictions } = JSON.parse(terminal.stdout);
    expect(predictions[0].top).toHaveLength(5);
    for (const score of predictions[0].top) expect(score.name).toBe(IMAGENET_CLASSES[score.index]);
  });

  it.each([
    [
      'garbage bytes',
      () => {
        writeFileSync(join(dir, 'garbage.pth'), 'definitely not a zip file');
        return ['import', '--model', 'resnet18', '--weights', join(dir, 'garbage.pth')];
      },
      /^residual: .*garbage\.pth.*\n$/,
    ],
    [
      'weights of another architecture',
      () => ['import', '--model', 'resnet34', '--weights', safetensors],
      /^residual: .*r18\.safetensors.*\n$/,
    ],
    [
      'an unknown format',
      () => {
        writeFileSync(join(dir, 'weights.txt'), '1 2 3');
        return ['import', '--model', 'resnet18', '--weights', join(dir, 'weights.txt')];
      },
      `residual: import --weights: ${join(dir, 'weights.txt')}: unknown weights format; accepted: .pth, .pt, .safetensors, .h5, .keras.\n`,
    ],
    [
      'a missing file',
      () => ['import', '--model', 'resnet18', '--weights', join(dir, 'none.pth')],
      `residual: import --weights: cannot read ${join(dir, 'none.pth')} (ENOENT).\n`,
    ],
    [
      'an unknown model',
      () => ['import', '--model', 'resnet19', '--weights', pth],
      /^residual: import --model: unknown model "resnet19"\. Known: cifar_resnet8/,
    ],
  ])('import refuses %s in one line, exit 2, writing nothing', async (_name, args, message) => {
    const out = join(dir, `refused-${_name.replace(/ /g, '-')}`);
    await expectUserError([...args(), '--out', out], message);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).some((name) => name.includes('.partial-'))).toBe(false);
  });

  it('refuses to write over an existing --out', async () => {
    const taken = join(dir, 'taken');
    mkdirSync(taken);
    writeFileSync(join(taken, 'notes.txt'), 'mine');
    await expectUserError(
      ['import', '--model', 'resnet18', '--weights', pth, '--out', taken],
      `residual: import --out: ${taken} already exists and is not empty; choose another directory.\n`,
    );
    await expectUserError(
      ['export', '--model-dir', join(dir, 'imported'), '--format', 'pth', '--out', pth],
      `residual: export --out: ${pth} already exists; choose another name.\n`,
    );
    await expectUserError(
      [
        'export',
        '--model-dir',
        join(dir, 'imported'),
        '--format',
        'tflite',
        '--out',
        join(dir, 'x'),
      ],
      "residual: export --format: 'tflite' is not one of safetensors, pth, onnx.\n",
    );
    expect(readFileSync(join(taken, 'notes.txt'), 'utf8')).toBe('mine');
  });
});

describe('residual train --weights', () => {
  it('fine-tunes: the backbone loaded, a fresh classifier for the folder, frozen stages unchanged', async () => {
    const folder = writeColourFolder(join(dir, 'colours'), 4, 40, 48);
    const out = join(dir, 'fine-tuned');
    const terminal = recordingTerminal();
    const args = ['train', '--model', 'resnet18', '--weights', safetensors, '--dataset', folder];
    const options = [
      '--image-size',
      '32',
      '--freeze',
      'stage3',
      '--epochs',
      '1',
      '--batch-size',
      '3',
    ];
    expect(await run([...args, ...options, '--out', out], terminal)).toBe(0);
    const tuned = await loadModel(out);
    expect(tuned.outputs[0].shape).toEqual([null, 2]);
    expect(tuned.inputs[0].shape).toEqual([null, 32, 32, 3]);
    expect(weightsOf(tuned, 'stem_conv')).toEqual(weightsOf(source, 'stem_conv'));
    expect(weightsOf(tuned, 'stage3_block2_2_bn')).toEqual(weightsOf(source, 'stage3_block2_2_bn'));
    expect(weightsOf(tuned, 'stage4_block2_2_conv')).not.toEqual(
      weightsOf(source, 'stage4_block2_2_conv'),
    );
    const info = JSON.parse(readFileSync(join(out, 'inference.json'), 'utf8'));
    expect(info).toMatchObject({
      preprocessing: { source: 'torchvision', size: 32 },
      classNames: ['blue', 'red'],
    });
  });

  it('refuses bad weights before reading the data or creating the run', async () => {
    const out = join(dir, 'never');
    await expectUserError(
      [
        'train',
        '--model',
        'resnet34',
        '--weights',
        safetensors,
        '--dataset',
        join(dir, 'colours'),
        '--out',
        out,
      ],
      /^residual: .*r18\.safetensors.*\n$/,
    );
    await expectUserError(
      ['train', '--model', 'cifar_resnet8', '--weights', safetensors, '--out', out],
      /^residual: train --weights: cifar_resnet8 has no pretrained weights elsewhere; models that have: resnet18, /,
    );
    expect(existsSync(out)).toBe(false);
  });
});
