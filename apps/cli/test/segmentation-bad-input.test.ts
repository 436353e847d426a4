import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporaryDirectory } from '@residual/vitest-config/temporary-directory';
import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { run } from '../src/main.js';
import { recordingTerminal } from './recording-terminal.js';

const SIZE = 32;

/**
 * A segmentation folder: images/ beside masks/ (five 32×32 pairs: a bright square, class 1, on a
 * dark background, class 0) and classes.txt naming the two classes.
 */
function writeFolder(): string {
  const root = temporaryDirectory('residual-segmentation-folder-');
  mkdirSync(join(root, 'images'));
  mkdirSync(join(root, 'masks'));
  writeFileSync(join(root, 'classes.txt'), 'background\nsquare\n');
  for (let i = 0; i < 5; i++) {
    const rgb = new Uint8Array(SIZE * SIZE * 3);
    const mask = new Uint8Array(SIZE * SIZE);
    for (let p = 0; p < SIZE * SIZE; p++) {
      const [y, x] = [Math.floor(p / SIZE), p % SIZE];
      const inside = y >= 4 + i && y < 16 + i && x >= 8 && x < 20 + i;
      mask[p] = inside ? 1 : 0;
      rgb.set(inside ? [220, 200 - 10 * i, 40] : [30, 40 + ((x * 7 + y) % 20), 60], 3 * p);
    }
    writeFileSync(join(root, 'images', `${i}.png`), png(rgb, SIZE, SIZE, 3));
    writeFileSync(join(root, 'masks', `${i}.png`), png(mask, SIZE, SIZE, 1));
  }
  return root;
}

function png(data: Uint8Array, height: number, width: number, channels: number): Uint8Array {
  return encodePng({ width, height, data, channels, depth: 8 });
}

/** Runs `residual <args>` in this process: the exit status and what it printed. */
async function residual(...args: string[]) {
  const terminal = recordingTerminal();
  const status = await run(args, terminal);
  return { status, stdout: terminal.stdout, stderr: terminal.stderr };
}

/** Refused with exit status 2 in one line containing `text`, nothing printed or written. */
async function expectRefused(args: string[], text: string) {
  const out = join(temporaryDirectory('residual-segmentation-refused-'), 'run');
  const result = await residual(...args, '--epochs', '1', '--out', out);
  expect(result.status, result.stderr).toBe(2);
  expect(result.stderr).toMatch(/^residual: [^\n]+\n$/);
  expect(result.stderr).toContain(text);
  expect(result.stdout).toBe('');
  expect(existsSync(out), `${out} was created`).toBe(false);
}

describe('residual train on a segmentation data set refuses, in one line and writing nothing', () => {
  it('a classifier on masks, and a segmentation model on whole-image labels', async () => {
    await expectRefused(
      ['train', '--model', 'cifar_resnet20', '--dataset', 'shapes'],
      'train --dataset: shapes is a segmentation data set (a class per pixel) and cifar_resnet20 a classifier',
    );
    await expectRefused(
      ['train', '--model', 'unet_resnet18', '--dataset', 'digits'],
      'train --dataset: digits is a classification data set (a class per image) and unet_resnet18 a segmentation model',
    );
    // A folder of one subfolder of images per class is for classification.
    const classes = temporaryDirectory('residual-class-folder-');
    mkdirSync(join(classes, 'red'));
    writeFileSync(join(classes, 'red', '0.png'), png(new Uint8Array(48).fill(200), 4, 4, 3));
    await expectRefused(
      ['train', '--model', 'fpn_resnet18', '--dataset', classes],
      `train --dataset: ${classes} is a classification data set`,
    );
  });

  it('options of the other task, and sizes the model cannot take', async () => {
    await expectRefused(
      ['train', '--model', 'cifar_resnet8', '--loss', 'dice'],
      'train --loss: only for segmentation models',
    );
    await expectRefused(
      ['train', '--model', 'cifar_resnet8', '--train-images', '100'],
      'train --train-images: only for segmentation models',
    );
    await expectRefused(
      ['train', '--model', 'cifar_resnet8', '--optimizer', 'adamw'],
      'train --optimizer: only for segmentation models',
    );
    await expectRefused(
      ['train', '--model', 'unet_resnet18', '--optimizer', 'adam'],
      "train --optimizer: 'adam' is not one of sgd, adamw.",
    );
    await expectRefused(
      ['train', '--model', 'unet_resnet18', '--aux-weight', '0.3', '--image-size', '32'],
      'train --aux-weight: unet_resnet18 has no auxiliary head',
    );
    await expectRefused(
      ['train', '--model', 'unet_resnet18', '--weights', 'resnet18.pth'],
      'train --weights: not an option for a segmentation model',
    );
    await expectRefused(
      ['train', '--model', 'unet_resnet18', '--image-size', '48'],
      'train --image-size: unet_resnet18: inputShape height and width must be multiples of 32',
    );
    await expectRefused(
      ['train', '--model', 'fcn_resnet50', '--dataset', 'digit-mosaics', '--image-size', '16'],
      'train --image-size: digit-mosaics: size must be an integer of at least 28, got 16.',
    );
  });

  it("a folder's bad mask, naming the file: its size, a value, a missing one, one not a PNG", async () => {
    const train = (root: string) => [
      'train',
      '--model',
      'unet_resnet18',
      '--dataset',
      root,
      '--batch-size',
      '4',
    ];
    await expectRefused(
      [...train(writeFolder()), '--train-images', '10'],
      'train --train-images: only for the generated data sets (shapes, digit-mosaics);',
    );
    const small = writeFolder();
    writeFileSync(join(small, 'masks', '2.png'), png(new Uint8Array(16 * 16), 16, 16, 1));
    await expectRefused(train(small), 'masks/2.png: the mask is 16×16, but its image');

    // Images of several sizes need --image-size, which the message names.
    const mixed = writeFolder();
    writeFileSync(join(mixed, 'images', '1.png'), png(new Uint8Array(40 * 40 * 3), 40, 40, 3));
    writeFileSync(join(mixed, 'masks', '1.png'), png(new Uint8Array(40 * 40), 40, 40, 1));
    await expectRefused(
      train(mixed),
      'images/1.png: the image is 40×40, the others 32×32; give --image-size n to resize them all.',
    );

    const value = writeFolder();
    const mask = new Uint8Array(SIZE * SIZE);
    mask[SIZE + 3] = 7;
    writeFileSync(join(value, 'masks', '1.png'), png(mask, SIZE, SIZE, 1));
    await expectRefused(train(value), 'masks/1.png: value 7 at row 1, column 3 is not a class');

    const missing = writeFolder();
    rmSync(join(missing, 'masks', '3.png'));
    await expectRefused(train(missing), 'images/3.png');

    const jpegMask = writeFolder();
    rmSync(join(jpegMask, 'masks', '4.png'));
    const data = new Uint8Array(SIZE * SIZE * 4).fill(255);
    writeFileSync(
      join(jpegMask, 'masks', '4.jpg'),
      jpeg.encode({ width: SIZE, height: SIZE, data }, 90).data,
    );
    await expectRefused(train(jpegMask), 'masks/4.jpg: a mask must be a PNG file');
  });

  it('trains on a good folder, its classes named by classes.txt', async () => {
    const root = writeFolder();
    const out = join(root, 'run');
    const result = await residual(
      ...[
        'train',
        '--model',
        'unet_resnet18',
        '--dataset',
        root,
        '--batch-size',
        '4',
        '--epochs',
        '1',
        '--out',
        out,
      ],
    );
    expect(result.status, result.stderr).toBe(0);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(metrics).toMatchObject({
      task: 'segmentation',
      classNames: ['background', 'square'],
      imageShape: [SIZE, SIZE, 3],
      trainImages: 4,
      testImages: 1,
    });
  });
});
