import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { temporaryDirectory } from '@residual/vitest-config/temporary-directory';
import { describe, expect, it } from 'vitest';
import { downloadProgress } from '../src/download-progress.js';
import { run } from '../src/main.js';
import { recordingTerminal } from './recording-terminal.js';

function tempDir(): string {
  return temporaryDirectory('residual-cli-datasets-');
}

/** An IDX file of uint8 values: images N×H×W or labels N. */
function idx(shape: number[], values: (i: number) => number): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  const bytes = new Uint8Array(4 + 4 * shape.length + count);
  bytes[2] = 0x08;
  bytes[3] = shape.length;
  shape.forEach((d, i) => {
    new DataView(bytes.buffer).setUint32(4 + 4 * i, d);
  });
  for (let i = 0; i < count; i++) bytes[4 + 4 * shape.length + i] = values(i);
  return bytes;
}

/**
 * A folder of IDX files for a two-class toy problem (bright vs dark 8×8 images), the layout of
 * MNIST's files.
 */
function toyIdxFolder(): string {
  const dir = join(tempDir(), 'toy');
  mkdirSync(dir);
  const label = (n: number) => n % 2;
  const write = (name: string, bytes: Uint8Array) => writeFileSync(join(dir, name), bytes);
  write(
    'train-images-idx3-ubyte.gz',
    gzipSync(idx([64, 8, 8], (i) => (label(Math.floor(i / 64)) ? 220 : 20))),
  );
  write('train-labels-idx1-ubyte.gz', gzipSync(idx([64], label)));
  write(
    't10k-images-idx3-ubyte',
    idx([16, 8, 8], (i) => (label(Math.floor(i / 64)) ? 220 : 20)),
  );
  write('t10k-labels-idx1-ubyte', idx([16], label));
  return dir;
}

describe('residual datasets', () => {
  it('lists every data set with its size and whether its files are here', async () => {
    // MNIST's four files, by name, in <data-dir>/mnist/ (listing looks for them, reads none).
    const dataDir = tempDir();
    const mnist = join(dataDir, 'mnist');
    mkdirSync(mnist);
    for (const name of [
      'train-images-idx3-ubyte',
      'train-labels-idx1-ubyte',
      't10k-images-idx3-ubyte',
      't10k-labels-idx1-ubyte',
    ]) {
      writeFileSync(join(mnist, `${name}.gz`), '');
    }
    const terminal = recordingTerminal();
    expect(await run(['datasets', '--data-dir', dataDir], terminal)).toBe(0);
    const lines = terminal.stdout.split('\n');
    expect(lines[0]).toMatch(/^dataset\s+train\s+test\s+shape\s+classes\s+download\s+here\?$/);
    expect(lines[1]).toMatch(/^digits\s+8,000\s+2,000\s+28×28×1\s+10\s+-\s+bundled$/);
    expect(lines[2]).toMatch(
      new RegExp(`^mnist\\s+60,000\\s+10,000\\s+28×28×1\\s+10\\s+11\\.6 MB\\s+yes, in ${mnist}$`),
    );
    expect(lines[4]).toMatch(/^cifar10\s+50,000\s+10,000\s+32×32×3\s+10\s+170\.1 MB\s+no$/);
    expect(lines[5]).toMatch(/^cifar100\s+50,000\s+10,000\s+32×32×3\s+100\s+168\.5 MB\s+no$/);
    expect(terminal.stdout).toMatch(/\n {2}moby-dick +1,190,317 characters {2}bundled\n/);
    expect(terminal.stdout).toMatch(
      /\n {2}tiny-shakespeare +1,115,394 characters {2}1\.1 MB {2}no\n/,
    );
    expect(terminal.stdout).toContain(`data folder: ${dataDir}`);
  });

  it('prints JSON for scripts', async () => {
    const dataDir = tempDir();
    const terminal = recordingTerminal();
    expect(await run(['datasets', '--json', '--data-dir', dataDir], terminal)).toBe(0);
    const { datasets } = JSON.parse(terminal.stdout) as {
      datasets: { name: string; cached: boolean; location: string; downloadBytes: number }[];
    };
    expect(datasets.map((d) => d.name)).toEqual([
      'digits',
      'mnist',
      'fashion-mnist',
      'cifar10',
      'cifar100',
    ]);
    expect(datasets[3]).toMatchObject({
      cached: false,
      location: join(dataDir, 'cifar10'),
      downloadBytes: 170_052_171,
    });
  });
});

describe('residual train --dataset', () => {
  it('trains on a folder given by path', async () => {
    const out = join(tempDir(), 'run');
    const terminal = recordingTerminal();
    const args = ['train', '--dataset', toyIdxFolder(), '--epochs', '1', '--batch-size', '16'];
    expect(await run([...args, '--out', out], terminal)).toBe(0);
    expect(terminal.stderr).toMatch(/training cifar_resnet8 on toy \(64 train \/ 16 test images\)/);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(metrics).toMatchObject({ dataset: 'toy', trainImages: 64, testImages: 16 });
  });

  it('refuses a missing data set in one line, before training, and says how to get it', async () => {
    const dataDir = tempDir();
    const out = join(tempDir(), 'run');
    const terminal = recordingTerminal();
    expect(
      await run(['train', '--dataset', 'cifar10', '--data-dir', dataDir, '--out', out], terminal),
    ).toBe(2);
    expect(terminal.stderr).toBe(
      `residual: cifar10: not found in ${join(dataDir, 'cifar10')}, ${dataDir} (looked for cifar-10-batches-bin/ or cifar-10-binary.tar.gz). ` +
        `Download it (170 MB from www.cs.toronto.edu) with download: true (residual train --download), or put the files in ${join(dataDir, 'cifar10')}.\n`,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('names a damaged file and an unknown name', async () => {
    const dir = toyIdxFolder();
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idx([16], () => 0).subarray(0, 10));
    const damaged = recordingTerminal();
    expect(await run(['train', '--dataset', dir], damaged)).toBe(2);
    expect(damaged.stderr).toBe(
      `residual: ${join(dir, 't10k-labels-idx1-ubyte')}: expected 24 bytes for 16 uint8 values, found 10 (truncated).\n`,
    );
    const unknown = recordingTerminal();
    expect(await run(['train', '--dataset', 'imagenet'], unknown)).toBe(2);
    expect(unknown.stderr).toBe(
      'residual: Unknown data set "imagenet". Known: digits, mnist, fashion-mnist, cifar10, cifar100, or a path to a folder.\n',
    );
  });
});

describe('downloadProgress', () => {
  const file = 'cifar-10-binary.tar.gz';
  const url = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz';
  const step = (receivedBytes: number, attempt = 1, done = false) => ({
    file,
    url,
    receivedBytes,
    totalBytes: 4 * 1024 * 1024,
    attempt,
    done,
  });

  it('prints a line per file, retry and completion in logs', () => {
    const terminal = recordingTerminal(false);
    const report = downloadProgress(terminal);
    report(step(1024));
    report(step(2048));
    report(step(1024, 2));
    report(step(4 * 1024 * 1024, 2, true));
    expect(terminal.stderr).toMatch(
      new RegExp(
        `^downloading ${file} from ${url.replace(/[.~]/g, '\\$&')}\\nretrying ${file} \\(try 2\\)\\ndownloaded ${file} \\(4\\.0 MiB\\) in \\d+\\.\\ds\\n$`,
      ),
    );
  });

  it('draws a bar in place on a terminal', () => {
    const terminal = recordingTerminal(true);
    downloadProgress(terminal)(step(2 * 1024 * 1024));
    expect(terminal.stderr).toMatch(/^\rcifar-10-binary\.tar\.gz \[#+-+\] 2\.0 MiB \/ 4\.0 MiB /);
    expect(terminal.stderr.endsWith('\u001b[K')).toBe(true);
    const [filled, empty] = [...terminal.stderr.matchAll(/(#+)(-+)/g)][0].slice(1);
    expect(Math.abs(filled.length - empty.length)).toBeLessThanOrEqual(1);
  });
});
