// The README's published figures come from files a command writes: the speed table from the
// benchmark JSON it names (`pnpm bench`), the Quick start's accuracy and time from
// bench/results/quickstart.json (`pnpm quickstart-result`). A figure edited by hand, or a
// results file replaced without updating the README, fails here.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const readme = readFileSync(`${root}README.md`, 'utf8');
const readJson = (path: string) => JSON.parse(readFileSync(`${root}${path}`, 'utf8'));

/** `shown` is `actual` rounded to the digits shown (1,402 / 10.8 / 0.93). */
function expectShown(shown: string, actual: number, what: string): void {
  const decimals = shown.split('.')[1]?.length ?? 0;
  const value = Number(shown.replace(/,/g, ''));
  expect(Math.abs(value - actual), `${what}: README ${shown}, file ${actual}`).toBeLessThanOrEqual(
    0.5 * 10 ** -decimals + 1e-9,
  );
}

describe('the README speed table', () => {
  const intro = /median; from `(bench\/results\/[\w.-]+\.json)`\):\n\n((?:\|.*\n)+)/.exec(readme);

  it('names its results file, and every number is that file’s', () => {
    expect(intro, 'the table follows "median; from `bench/results/….json`):"').not.toBeNull();
    const [, file, table] = intro!;
    const networks = readJson(file).networks as {
      case: { model: string; mode: string; batch: number };
      imagesPerSecond: Record<string, number>;
    }[];
    const modes: Record<string, string> = {
      train: 'train',
      infer: 'infer',
      'infer, BN folded': 'infer-folded',
    };
    const rows = table.trim().split('\n').slice(2);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const cells = row
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim());
      const [, model, batch] = /^`(\w+)`.*?(\d+)$/.exec(cells[0])!;
      const result = networks.find(
        (n) =>
          n.case.model === model &&
          n.case.batch === Number(batch) &&
          n.case.mode === modes[cells[1]],
      );
      expect(result, row).toBeDefined();
      const speed = result!.imagesPerSecond;
      expectShown(cells[2], speed['native×1'], `${row} ours, 1 thread`);
      expectShown(cells[3], speed['PyTorch×1'], `${row} PyTorch, 1 thread`);
      expectShown(cells[4], speed['native×1'] / speed['PyTorch×1'], `${row} ratio, 1 thread`);
      expectShown(cells[5], speed['native×2'], `${row} ours, 2 threads`);
      expectShown(cells[6], speed['PyTorch×2'], `${row} PyTorch, 2 threads`);
      expectShown(cells[7], speed['native×2'] / speed['PyTorch×2'], `${row} ratio, 2 threads`);
      expectShown(cells[8], speed.wasm, `${row} pure WASM`);
    }
  });
});

describe('the Quick start', () => {
  it('publishes the accuracy and training time of bench/results/quickstart.json', () => {
    const result = readJson('bench/results/quickstart.json');
    expect(result.command).toBe('residual train');
    const claim = new RegExp(
      'the committed run \\(`bench/results/quickstart\\.json`\\) reached a test\\s+accuracy of ' +
        '(\\d+\\.\\d)% on the ([\\d,]+) held-out digits after about (\\d+) s of training on a ' +
        '(\\d+)-core\\s+machine with the native kernels',
    ).exec(readme);
    expect(claim, 'the Quick start names bench/results/quickstart.json').not.toBeNull();
    const [, accuracy, images, seconds, cores] = claim!;
    expectShown(accuracy, result.metrics.testAccuracy * 100, 'accuracy');
    expect(Number(images.replace(/,/g, ''))).toBe(result.metrics.testImages);
    expect(Number(cores)).toBe(result.machine.logicalCpus);
    expect(result.machine.native.available).toBe(true);
    // "About": within a fifth of the measured training time.
    expect(Math.abs(Number(seconds) / result.metrics.seconds - 1)).toBeLessThan(0.2);
  });
});
