import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel } from '@residual/train';
import { temporaryDirectory } from '@residual/vitest-config/temporary-directory';
import { describe, expect, it } from 'vitest';
import { run } from '../src/main.js';
import { recordingTerminal } from './recording-terminal.js';

const SHAPE = ['--image-size', '32', '--channels', '3'];

describe('--image-size and --channels (the digits as 32×32×3 CIFAR-sized images)', () => {
  it('train builds the model for the resized images, and eval feeds them the same way', async () => {
    const out = join(temporaryDirectory('residual-image-shape-'), 'run');
    const terminal = recordingTerminal();
    const args = ['train', ...SHAPE, '--epochs', '1', '--limit', '32', '--batch-size', '16'];
    expect(
      await run([...args, '--test-limit', '50', '--backend', 'wasm', '--out', out], terminal),
    ).toBe(0);
    expect(terminal.stdout).toMatch(/^test accuracy \d+\.\d\d% on 50 held-out images/);
    const model = await loadModel(out);
    expect(model.inputs[0].shape).toEqual([null, 32, 32, 3]);
    model.dispose();
    const run_ = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    expect(run_.config).toMatchObject({ 'image-size': 32, channels: 3 });
    // Grey statistics repeated for the three channels.
    const inference = JSON.parse(readFileSync(join(out, 'inference.json'), 'utf8'));
    expect(inference.preprocessing.size).toBe(32);
    expect(new Set(inference.preprocessing.normalization.mean).size).toBe(1);
    expect(inference.preprocessing.normalization.mean).toHaveLength(3);

    const evaluated = recordingTerminal();
    expect(await run(['eval', '--model-dir', out, '--backend', 'wasm'], evaluated)).toBe(0);
    expect(evaluated.stdout).toMatch(/on the digits test split: 2000 images\n/);
  });

  it('init-study and gradient-flow build their networks for the resized images', async () => {
    const root = temporaryDirectory('residual-image-shape-');
    const study = recordingTerminal();
    const initArgs = ['init-study', ...SHAPE, '--schemes', 'he', '--depths', '8'];
    const initOptions = ['--train-depths', '', '--batch-size', '4', '--backend', 'wasm'];
    expect(await run([...initArgs, ...initOptions, '--out', join(root, 'init')], study)).toBe(0);
    const report = JSON.parse(readFileSync(join(root, 'init', 'init-study.json'), 'utf8'));
    expect(report.images).toEqual([32, 32, 3]);

    const flow = recordingTerminal();
    const flowArgs = ['gradient-flow', '--models', 'cifar_resnet8', ...SHAPE, '--batch-size', '4'];
    expect(await run([...flowArgs, '--backend', 'wasm', '--out', join(root, 'flow')], flow)).toBe(
      0,
    );
    // Three input channels: the stem's 3×3 convolution has 16×3×3×2 = 288 more weights than
    // the grey model's 75,002.
    expect(flow.stdout).toMatch(/\ncifar_resnet8 +75,290 +\d/);
  });

  it('refuses a channel count other than 1 and 3, --channels with --weights, and both for language models', async () => {
    const cases: [string[], string][] = [
      [['train', '--channels', '2'], "train --channels: '2' is not 1 or 3."],
      [
        ['train', '--model', 'resnet18', '--weights', 'missing.pth', '--channels', '3'],
        "train --channels: with --weights the images are RGB, as the weights' library feeds them; drop --channels.",
      ],
      [
        ['train', '--model', 'gpt_char_micro', '--image-size', '32'],
        'train --image-size: not an option for a language model (it trains for --steps on random windows).',
      ],
      [
        ['gradient-flow', '--models', 'gpt_char_micro', '--channels', '3'],
        'gradient-flow --channels: only for image models; gpt_char_micro is a language model.',
      ],
    ];
    for (const [args, message] of cases) {
      const terminal = recordingTerminal();
      expect(await run(args, terminal)).toBe(2);
      expect(terminal.stderr).toBe(`residual: ${message}\n`);
    }
  });
});
