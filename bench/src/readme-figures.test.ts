// The README's published figures come from files a command writes: the speed table from the
// benchmark JSON it names (`pnpm bench`), the Quick start's accuracy and time from
// bench/results/quickstart.json (`pnpm quickstart-result`), the language-model table from the
// scripted runs' JSON (apps/cli/scripts/language-model-run), the transformer residual-form table
// from the study's report (`residual gradient-flow --models gpt_char_micro ...`), the Thousands
// of layers figures from bench/deep-memory.sh's and `residual init-study`'s files. A figure edited
// by hand, or a results file replaced without updating the README, fails here.
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

describe('the README memory paragraph', () => {
  it('shows the peaks of bench/deep-memory.sh and the growth of bench/memory-growth.sh', () => {
    const shown =
      /peaks at ([\d.]+) GB\nresident against ([\d.]+) GB for PyTorch ([\d.]+) \(([\d.]+)×\), and against ([\d.]+) GB for PyTorch ([\d.]+) \(([\d.]+)×;/.exec(
        readme,
      );
    expect(shown, 'the memory sentence').not.toBeNull();
    const [, ours, torch2, version2, ratio2, torch1, version1, ratio1] = shown!;
    const newest = readJson('bench/results/deep-memory/cifar_resnet56-batch128-32x32x3.json');
    const older = readJson(
      'bench/results/deep-memory/cifar_resnet56-batch128-32x32x3-torch1.13.json',
    );
    for (const result of [newest, older]) expect(result.steps).toBe(20);
    expectShown(ours, newest.residual.peakRssBytes / 1e9, 'ours GB');
    expectShown(torch2, newest.torch.peakRssBytes / 1e9, 'PyTorch 2 GB');
    expect(newest.torch.version.startsWith(version2)).toBe(true);
    expectShown(ratio2, newest.rssRatio, 'ratio to PyTorch 2');
    expectShown(torch1, older.torch.peakRssBytes / 1e9, 'PyTorch 1.13 GB');
    expect(older.torch.version.startsWith(version1)).toBe(true);
    expectShown(ratio1, older.rssRatio, 'ratio to PyTorch 1.13');
    const growth = readJson('bench/results/memory-growth/cifar_resnet56-batch128.json');
    const held =
      /Over ([\d,]+) steps \((\d+) epochs;[\s\S]*?held at most (\d+) MB in its second epoch and (\d+) MB in its last/.exec(
        readme,
      );
    expect(held, 'the growth sentence').not.toBeNull();
    expect(Number(held![1].replace(',', ''))).toBe(growth.steps);
    expectShown(held![3], growth.rssSecondEpochMaxBytes / 1e6, 'second epoch MB');
    expectShown(held![4], growth.rssLastEpochMaxBytes / 1e6, 'last epoch MB');
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

describe('the transformer speed table', () => {
  it('shows the tokens per second of the results file it names', () => {
    const intro =
      /\(`(bench\/results\/[\w.-]+\.json)`, `--no-kernels[\s\S]*?\n\n((?:\|.*\n)+)/.exec(readme);
    expect(intro, 'the table follows "(`bench/results/….json`, `--no-kernels …":').not.toBeNull();
    const [, file, table] = intro!;
    const rows = readJson(file).transformers as {
      case: { mode: string };
      tokensPerSecond: Record<string, number>;
    }[];
    const modes: Record<string, string> = { training: 'train', 'generation (batch 1)': 'generate' };
    const lines = table.trim().split('\n').slice(2);
    expect(lines.length).toBe(2);
    for (const line of lines) {
      const cells = line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim());
      const speed = rows.find((row) => row.case.mode === modes[cells[0]])?.tokensPerSecond;
      expect(speed, line).toBeDefined();
      const pairs = cells.slice(1).map((cell) => cell.split(' / '));
      for (const [i, threads] of ['×1', '×2'].entries()) {
        expectShown(pairs[0][i], speed![`native${threads}`], `${line}: ours ${threads}`);
        expectShown(pairs[1][i], speed![`PyTorch 2.13${threads}`], `${line}: 2.13 ${threads}`);
        const ratio = speed![`native${threads}`] / speed![`PyTorch 2.13${threads}`];
        expectShown(pairs[2][i], ratio, `${line}: ratio ${threads}`);
        expectShown(pairs[3][i], speed![`PyTorch 1.13${threads}`], `${line}: 1.13 ${threads}`);
      }
    }
  });
});

describe('the language-model table', () => {
  const files: Record<string, string> = {
    'tiny Shakespeare':
      'apps/cli/scripts/language-model-run/results/gpt-char-micro-tiny-shakespeare.json',
    'Moby-Dick': 'apps/cli/scripts/language-model-run/results/gpt-char-micro-moby-dick.json',
  };

  // The same table stands in the README, the language-models guide and @residual/train's README.
  it.each(['README.md', 'apps/docs/guide/language-models.md', 'packages/train/README.md'])(
    '%s shows each corpus’s run as its results file records it',
    (doc) => {
      const text = readFileSync(`${root}${doc}`, 'utf8');
      const table = /\| corpus \(held-out tenth\).*\n\|[- |]+\n((?:\|.*\n)+)/.exec(text);
      expect(table, 'the table headed "| corpus (held-out tenth)"').not.toBeNull();
      const rows = table![1].trim().split('\n');
      expect(rows.map((row) => Object.keys(files).find((name) => row.includes(name)))).toEqual(
        Object.keys(files),
      );
      for (const [name, file] of Object.entries(files)) {
        const run = readJson(file);
        const cells = rows
          .find((row) => row.includes(name))!
          .split('|')
          .slice(2, -1)
          .map((cell) => cell.replace(/\*/g, '').trim());
        const [steps, seconds, threads] = /^([\d,]+)\D.*?\| ([\d,]+) s, (\d) threads?/
          .exec(`${cells[0]} | ${cells[1]}`)!
          .slice(1);
        expect(Number(steps.replace(/,/g, '')), `${name} steps`).toBe(run.steps);
        expectShown(seconds, run.trainSeconds, `${name} training seconds`);
        expect(Number(threads), `${name} threads`).toBe(run.threads);
        const [loss, bits] = cells[2].split(' / ');
        expectShown(loss, run.validation.loss, `${name} loss`);
        expectShown(bits, run.validation.bitsPerCharacter, `${name} bits per character`);
        const [ngramLoss, ngramBits] = cells[3].split(' / ');
        expectShown(ngramLoss, run.fiveGram.loss, `${name} 5-gram loss`);
        expectShown(ngramBits, run.fiveGram.bits, `${name} 5-gram bits`);
      }
    },
  );
});

/** A figure as the study tables print it: 3 significant digits, `0 (underflow)`, or `—`. */
function expectSignificant(shown: string, actual: number | undefined, what: string): void {
  if (shown === '—') {
    expect(actual, what).toBeUndefined();
    return;
  }
  const value = Number(shown.replace(/ \(underflow\)$/, ''));
  expect(Number.isFinite(value), `${what}: '${shown}' is not a number`).toBe(true);
  if (value === 0) {
    expect(actual, what).toBe(0);
    return;
  }
  expect(
    Math.abs(value - actual!) / Math.abs(value),
    `${what}: shown ${shown}, file ${actual}`,
  ).toBeLessThanOrEqual(0.005 + 1e-9);
}

describe('the transformer residual-form tables (README and guide)', () => {
  type Run = {
    form: string;
    depth: number;
    steps: number;
    finalLoss: number;
    initial: { loss: number; groups: Groups };
    trained: { groups: Groups } | null;
  };
  type Groups = { block: boolean; gradientNorm: number }[];
  const runsOf = (...folders: string[]): Run[] =>
    folders.flatMap(
      (folder) => readJson(`apps/docs/public/studies/${folder}/gradient-flow.json`).runs,
    );
  const ends = (groups: Groups | undefined) => {
    const blocks = groups?.filter((group) => group.block);
    return [blocks?.[0].gradientNorm, blocks?.at(-1)?.gradientNorm];
  };
  // Each table by its first header cell: the study without warm-up (6 and 24 blocks in one
  // report, 96 in a second run beside it) and the warm-up control.
  const tables = [
    {
      header: 'form',
      runs: runsOf('transformer-residual-forms', 'transformer-residual-forms-96'),
      files: ['README.md', 'apps/docs/guide/residual-transformers.md'],
    },
    {
      header: 'form, 100 warm-up steps',
      runs: runsOf('transformer-residual-forms-warmup'),
      files: ['apps/docs/guide/residual-transformers.md'],
    },
  ];

  for (const { header, runs, files } of tables) {
    for (const file of files) {
      it(`${file}: the table "${header}" shows every run of its reports`, () => {
        const text = readFileSync(`${root}${file}`, 'utf8');
        const table = new RegExp(`\\| ${header} \\| blocks \\|.*\n\\|[- |:]+\n((?:\\|.*\n)+)`).exec(
          text,
        );
        expect(table, `the table headed "| ${header} | blocks |"`).not.toBeNull();
        const rows = table![1].trim().split('\n');
        expect(rows.length).toBe(runs.length);
        for (const row of rows) {
          const cells = row
            .split('|')
            .slice(1, -1)
            .map((cell) => cell.trim());
          const run = runs.find((r) => r.form === cells[0] && r.depth === Number(cells[1]));
          expect(run, row).toBeDefined();
          const [initFirst, initLast] = ends(run!.initial.groups);
          const [trainedFirst, trainedLast] = ends(run!.trained?.groups);
          const shownInit = cells[2].split(' / ');
          expectSignificant(shownInit[0], initFirst, `${row}: block 1 at init`);
          expectSignificant(shownInit[1], initLast, `${row}: last block at init`);
          const shownTrained = cells[3] === '—' ? ['—', '—'] : cells[3].split(' / ');
          expectSignificant(shownTrained[0], trainedFirst, `${row}: block 1 trained`);
          expectSignificant(shownTrained[1], trainedLast, `${row}: last block trained`);
          expect(Number(cells[4]), `${row}: steps`).toBe(run!.steps);
          expectShown(cells[5], run!.initial.loss, `${row}: loss at init`);
          if (cells[6] === '—') expect(run!.steps).toBe(0);
          else expectShown(cells[6], run!.finalLoss, `${row}: train loss`);
        }
      });
    }
  }
});

describe('the Thousands of layers section', () => {
  const section = readme.slice(readme.indexOf('## Thousands of layers'));

  it('publishes the peak memory of bench/deep-memory.sh at 32×32×3 and the first epoch’s losses', () => {
    const memory = readJson('bench/results/deep-memory/cifar_resnet1202-batch128-32x32x3.json');
    const shown =
      /peaked\nat ([\d.]+) GB resident, against ([\d.]+) GB for the same job in PyTorch ([\d.]+) without checkpointing\n\(([\d.]+)×/.exec(
        section,
      );
    expect(shown, 'the memory sentence').not.toBeNull();
    expectShown(shown![1], memory.residual.peakRssBytes / 1e9, 'Residual peak GB');
    expectShown(shown![2], memory.torch.peakRssBytes / 1e9, 'PyTorch peak GB');
    expect(memory.torch.version).toMatch(new RegExp(`^${shown![3].replace('.', '\\.')}`));
    expectShown(shown![4], memory.rssRatio, 'peak ratio');

    const epoch = readJson('bench/results/deep-memory/cifar_resnet1202-epoch-32x32x3.json');
    const losses = epoch.stepLosses as number[];
    const mean = (from: number, to: number) =>
      losses.slice(from - 1, to).reduce((sum, loss) => sum + loss, 0) / (to - from + 1);
    const falls =
      /over one whole epoch of the ([\d,]+) bundled digits\n\(`bash bench\/deep-epoch.sh`, (\d+) steps, the last of (\d+) images\), its loss climbs from (\d+) to (\d+)\nover the first ten steps, then falls to chance \(ln 10 = 2\.30\) by step (\d+) and hovers there \(mean\n([\d.]+) over steps 1–10, ([\d.]+) over (\d+)–(\d+);[\s\S]*?\(([\d.]+) % held-out accuracy\)/.exec(
        section,
      );
    expect(falls, 'the first-epoch sentence').not.toBeNull();
    const [images, steps, lastBatch] = [1, 2, 3].map((i) => Number(falls![i].replace(',', '')));
    expect(images).toBe(epoch.trainImages);
    expect(steps).toBe(losses.length);
    expect(lastBatch).toBe(images - (steps - 1) * epoch.batchSize);
    expectShown(falls![4], losses[0], 'first loss');
    expectShown(falls![5], Math.max(...losses.slice(0, 10)), 'worst of the first ten');
    // The first step at chance: none before it below 2.31.
    const atChance = Number(falls![6]);
    expect(losses[atChance - 1]).toBeLessThan(2.31);
    expect(losses.slice(0, atChance - 1).every((loss) => loss >= 2.31)).toBe(true);
    expectShown(falls![7], mean(1, 10), 'mean of steps 1–10');
    expectShown(falls![8], mean(Number(falls![9]), Number(falls![10])), 'mean at the end');
    expect(Number(falls![10])).toBe(steps - 1);
    expectShown(falls![11], epoch.testAccuracy * 100, 'held-out accuracy %');
  });

  it.each([
    ['cifar_resnet110', 4],
    ['cifar_resnet1202', 5],
  ])('shows the %s study’s last ten steps and worst loss from its report', (model, column) => {
    const study = readJson(`bench/results/init-study/${model}/init-study.json`);
    const names: Record<string, string> = {
      'He init': 'he',
      'He init + 0.01 warm-up': 'he-warmup',
      'zero-γ': 'zero-gamma',
      Fixup: 'fixup',
      ReZero: 'rezero',
      SkipInit: 'skipinit',
    };
    for (const [label, scheme] of Object.entries(names)) {
      const row = new RegExp(`^\\| ${label.replace(/[+.]/g, '\\$&')} \\|.*$`, 'm').exec(section);
      expect(row, label).not.toBeNull();
      const cell = row![0].split('|')[column].trim();
      const run = study.training.find((t: { scheme: string }) => t.scheme === scheme);
      const losses = run.losses as (number | null)[];
      if (run.diverged) {
        expect(cell).toBe(`diverged at step ${losses.length}`);
        continue;
      }
      const [, last, worst] = /^([\d.]+) \(([\d.]+)\)$/.exec(cell) ?? [];
      const finite = losses as number[];
      const lastTen = finite.slice(-10).reduce((sum, loss) => sum + loss, 0) / 10;
      expectShown(last, lastTen, `${label}: mean of the last ten steps`);
      expectShown(worst, Math.max(...finite), `${label}: worst loss`);
    }
  });
});

describe('the speed-at-depth table', () => {
  it('shows training images per second of the deep bench files it names', () => {
    const section = readme.slice(readme.indexOf('Speed at depth'));
    const files = [...section.slice(0, 600).matchAll(/`(bench\/results\/[\w.-]+\.json)`/g)].map(
      (match) => match[1],
    );
    expect(files).toHaveLength(2);
    const networks = files.flatMap(
      (file) =>
        readJson(file).networks as {
          case: { model: string; batch: number };
          imagesPerSecond: Record<string, number>;
        }[],
    );
    const rows = section.match(/^\| `cifar_resnet\d+` .*$/gm) ?? [];
    expect(rows).toHaveLength(4);
    for (const row of rows) {
      const [model, batch, ours1, torch1, ratio1, ours2, torch2, ratio2] = row
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim().replace(/`/g, ''));
      const result = networks.find((n) => n.case.model === model && n.case.batch === Number(batch));
      expect(result, row).toBeDefined();
      const speeds = result!.imagesPerSecond;
      for (const [threads, ours, torch, ratio] of [
        [1, ours1, torch1, ratio1],
        [2, ours2, torch2, ratio2],
      ] as const) {
        const [, shown, layout] = /^([\d.]+) \((\w+)\)$/.exec(torch) ?? [];
        const best = speeds[`PyTorch 2.13 ${layout}×${threads}`];
        expect(best, `${row}: PyTorch 2.13 ${layout}×${threads}`).toBe(
          speeds[`PyTorch×${threads}`],
        );
        expectShown(ours, speeds[`native×${threads}`], `${model} ${batch} ours ×${threads}`);
        expectShown(shown, best, `${model} ${batch} PyTorch ×${threads}`);
        expectShown(
          ratio,
          speeds[`native×${threads}`] / best,
          `${model} ${batch} ratio ×${threads}`,
        );
      }
    }
  });
});

describe('the segmentation figures (README and guide)', () => {
  const guide = readFileSync(`${root}apps/docs/guide/segmentation.md`, 'utf8');
  const texts: [string, string][] = [
    ['README.md', readme],
    ['apps/docs/guide/segmentation.md', guide],
  ];
  const row =
    /^\| `([\w-]+)` \| `(\w+)` \| ([\d,]+) \| (\d+) \| (\d+) \| (SGD|AdamW) ([\d.]+) \| ([\d.]+) min \| ([\d.]+) % \| ([\d.]+) % \| `(bench\/results\/segmentation\/[\w-]+\.json)` \|$/gm;

  it.each(texts)(
    '%s: every row is its results file’s, from bench/segmentation-target.sh',
    (_, text) => {
      const rows = [...text.matchAll(row)];
      expect(rows.map((match) => match[1]).sort()).toEqual(['digit-mosaics', 'shapes']);
      for (const [
        line,
        dataset,
        model,
        images,
        epochs,
        batch,
        optimizer,
        learningRate,
        minutes,
        iou,
        pixels,
        file,
      ] of rows) {
        // Results written before the script recorded the optimizer were all momentum SGD.
        const result = { optimizer: 'sgd', ...readJson(file) };
        expect(result, line).toMatchObject({
          dataset,
          model,
          trainImages: Number(images.replace(/,/g, '')),
          epochs: Number(epochs),
          batchSize: Number(batch),
          optimizer: optimizer.toLowerCase(),
          learningRate: Number(learningRate),
        });
        expectShown(minutes, result.trainingSeconds / 60, `${line}: minutes`);
        expectShown(iou, result.testMeanIoU * 100, `${line}: mean IoU`);
        expectShown(pixels, result.testPixelAccuracy * 100, `${line}: pixel accuracy`);
      }
    },
  );

  it.each(texts)('%s: each class’s IoU, as its results file has it', (_, wrapped) => {
    const text = wrapped.replace(/\s+/g, ' ');
    for (const dataset of ['shapes', 'digit-mosaics']) {
      const shown = new RegExp(`Per class on \`${dataset}\` \\(test IoU\\): ([^.]+)\\.`).exec(text);
      expect(shown, `the per-class sentence of ${dataset}`).not.toBeNull();
      const perClass = readJson(`bench/results/segmentation/unet_resnet18-${dataset}.json`)
        .testPerClassIoU as Record<string, number>;
      const pairs = shown![1].split(', ').map((pair) => /^(\S+) ([\d.]+) %$/.exec(pair));
      // Sorted: JavaScript lists the digit names ('0'…'9') of an object's keys first.
      expect(pairs.map((pair) => pair?.[1]).sort()).toEqual(Object.keys(perClass).sort());
      for (const pair of pairs) {
        expectShown(pair![2], perClass[pair![1]] * 100, `${dataset}: ${pair![1]}`);
      }
    }
  });

  const pace = readJson('bench/results/segmentation/unet_resnet18-shapes-pace.json');

  it.each(texts)('%s: the epochs of bench/segmentation-pace.sh', (_, wrapped) => {
    const text = wrapped.replace(/\s+/g, ' ');
    const shown =
      /PyTorch ([\d.]+) learns no faster[\s\S]*?training loss after epochs 1 and 2 ([\d.]+) and ([\d.]+),\s+against our ([\d.]+) and ([\d.]+); test mean\s+IoU ([\d.]+) % and ([\d.]+) %, against our ([\d.]+) % and\s+([\d.]+) %/.exec(
        text,
      );
    expect(shown, 'the pace sentence').not.toBeNull();
    expect(pace.torchVersion).toMatch(new RegExp(`^${shown![1].replace('.', '\\.')}`));
    const [torchLoss1, torchLoss2, oursLoss1, oursLoss2, torch1, torch2, ours1, ours2] = shown!
      .slice(2)
      .map(String);
    expectShown(torchLoss1, pace.torch[0].loss, 'PyTorch loss, epoch 1');
    expectShown(torchLoss2, pace.torch[1].loss, 'PyTorch loss, epoch 2');
    expectShown(oursLoss1, pace.residual[0].loss, 'our loss, epoch 1');
    expectShown(oursLoss2, pace.residual[1].loss, 'our loss, epoch 2');
    expectShown(torch1, pace.torch[0].testMeanIoU * 100, 'PyTorch epoch 1');
    expectShown(torch2, pace.torch[1].testMeanIoU * 100, 'PyTorch epoch 2');
    expectShown(ours1, pace.residual[0].testMeanIoU * 100, 'ours epoch 1');
    expectShown(ours2, pace.residual[1].testMeanIoU * 100, 'ours epoch 2');
  });

  it.each(texts)('%s: the memorising run of its results file', (_, wrapped) => {
    const text = wrapped.replace(/\s+/g, ' ');
    const shown =
      /after (\d+) epochs \(([\d.]+) minutes\) of the 2,000 images it is at ([\d.]+) % training against ([\d.]+) % test pixel\s+accuracy, ([\d.]+) % mean IoU \(`(bench\/results\/segmentation\/[\w-]+\.json)`\)/.exec(
        text,
      );
    expect(shown, 'the 2,000-image sentence').not.toBeNull();
    const [, epochs, minutes, train, test, iou, file] = shown!;
    const run = readJson(file);
    const last = run.history[run.history.length - 1];
    expect(run).toMatchObject({ epochs: Number(epochs), trainImages: 2000 });
    expectShown(minutes, run.trainingSeconds / 60, 'minutes');
    expectShown(train, last.accuracy * 100, 'training pixel accuracy');
    expectShown(test, last.testAccuracy * 100, 'test pixel accuracy');
    expectShown(iou, run.testMeanIoU * 100, 'mean IoU');
  });
});
