import {
  cpSync,
  existsSync,
  readdirSync,
  readFileSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { loadModel } from '@residual/train';
import { temporaryDirectory } from '@residual/vitest-config/temporary-directory';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/main.js';
import { recordingTerminal } from './recording-terminal.js';
import { readMetrics, residual, signalAt } from './train-process.js';

describe('residual train (the built command, as a user runs it)', () => {
  it('trains, prints one line per epoch when not on a terminal, and writes the model and metrics', async () => {
    const out = join(temporaryDirectory('residual-train-'), 'run');
    const { stdout, stderr } = await residual(
      'train',
      '--epochs',
      '2',
      '--limit',
      '256',
      '--batch-size',
      '32',
      '--seed',
      '1',
      '--out',
      out,
    );
    expect(stderr).toMatch(
      /training cifar_resnet8 on digits \(256 train \/ 2000 test images\) with the quick recipe and the wasm backend/,
    );
    expect(stderr.match(/^epoch \d\/2 .*test acc/gm)).toHaveLength(2);
    expect(stdout).toMatch(/^test accuracy \d+\.\d\d% on 2000 held-out images after 2 epochs/);
    expect(readdirSync(out).sort()).toEqual([
      'checkpoints',
      'inference.json',
      'metrics.json',
      'model.json',
      'run.json',
      'training-curves.svg',
      'weights.bin',
    ]);
    // 8 steps an epoch: a checkpoint at each epoch end.
    expect(readdirSync(join(out, 'checkpoints'))).toEqual(['step-00000008', 'step-00000016']);
    expect(readFileSync(join(out, 'training-curves.svg'), 'utf8')).toContain(
      'cifar_resnet8 on digits: loss',
    );
    const metrics = readMetrics(out);
    expect(metrics).toMatchObject({
      model: 'cifar_resnet8',
      dataset: 'digits',
      backend: 'wasm',
      recipe: 'quick',
      seed: 1,
      epochs: 2,
      batchSize: 32,
      learningRate: 0.05,
      steps: 16,
      trainImages: 256,
    });
    expect(metrics.history).toHaveLength(2);
    // 16 steps on 256 images: well above chance (10%), far from converged.
    expect(metrics.testAccuracy).toBeGreaterThan(0.15);
    expect(metrics.confusionMatrix.flat().reduce((a: number, b: number) => a + b)).toBe(2000);
  });

  it('gives identical losses for two runs with the same seed (one printing every 2 steps)', async () => {
    const root = temporaryDirectory('residual-seed-');
    const args = ['train', '--seed', '1', '--epochs', '1', '--limit', '192', '--batch-size', '32'];
    await residual(...args, '--out', join(root, 'a'));
    const printed = await residual(...args, '--out', join(root, 'b'), '--print-every', '2');
    // 192 images at batch 32: six steps, a line after steps 2, 4 and 6, then the epoch's.
    expect(
      printed.stderr.match(/^epoch 1\/1 {2}step \d\/6 {2}loss \d+\.\d{4} {2}\d+\.\ds$/gm),
    ).toEqual([
      expect.stringContaining('step 2/6'),
      expect.stringContaining('step 4/6'),
      expect.stringContaining('step 6/6'),
    ]);
    const [a, b] = [readMetrics(join(root, 'a')), readMetrics(join(root, 'b'))];
    expect(a.history[0].loss).toBe(b.history[0].loss);
    expect(a.testLoss).toBe(b.testLoss);
    expect(a.confusionMatrix).toEqual(b.confusionMatrix);
  });

  it('starts every block as the identity with --zero-init-residual, and keeps it in run.json', async () => {
    const root = temporaryDirectory('residual-zero-gamma-');
    // One step at a vanishing rate: the saved weights are the initial ones, to ~1e-30.
    const args = ['train', '--epochs', '1', '--limit', '8', '--batch-size', '8', '--lr', '1e-30'];
    const terminal = recordingTerminal();
    const out = join(root, 'zero');
    expect(await run([...args, '--zero-init-residual', '--out', out], terminal)).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).config).toMatchObject({
      'zero-init-residual': true,
    });
    const lastGammas = async (dir: string) => {
      const model = await loadModel(dir);
      return model.layers
        .filter((layer) => /^stage\d_block\d_2_bn$/.test(layer.name))
        .map((layer) => Math.max(...Array.from(layer.getWeights()[0].dataSync(), Math.abs)));
    };
    const zero = await lastGammas(out);
    expect(zero).toHaveLength(3);
    for (const gamma of zero) expect(gamma).toBeLessThan(1e-20);
    const plain = join(root, 'plain');
    expect(await run([...args, '--out', plain], recordingTerminal())).toBe(0);
    for (const gamma of await lastGammas(plain)) expect(gamma).toBeCloseTo(1, 6);

    const refusals: [string[], string][] = [
      [
        [...args, '--model', 'cifar_plain20'],
        'residual: train --zero-init-residual: cifar_plain20 has no residual blocks to start as the identity.\n',
      ],
      [
        ['train', '--model', 'gpt_char_micro'],
        'residual: train --zero-init-residual: not an option for a language model',
      ],
    ];
    for (const [given, message] of refusals) {
      const refused = recordingTerminal();
      expect(await run([...given, '--zero-init-residual'], refused)).toBe(2);
      expect(refused.stderr).toContain(message);
    }
  });

  it('refuses a step that cannot fit in one line, before writing anything', async () => {
    const out = join(temporaryDirectory('residual-train-'), 'run');
    const tooBig = ['train', '--model', 'cifar_resnet20', '--limit', '32', '--out', out];
    await expect(residual(...tooBig, '--batch-size', '1000000')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(
        /^residual: train: cifar_resnet20 at batch 1000000 needs about \d+\.\d GiB per training step even with activation recomputation, and the wasm backend allows 4\.0 GiB: use --batch-size \d+ or less\.\n$/,
      ),
    });
    await expect(
      residual(...tooBig, '--batch-size', '10000', '--recompute', 'none'),
    ).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(
        /^residual: train: cifar_resnet20 at batch 10000 needs about \d+\.\d GiB per training step, and the wasm backend allows 4\.0 GiB: use --recompute auto \(fits a batch of \d+\), or --batch-size \d+ or less\.\n$/,
      ),
    });
    expect(existsSync(out)).toBe(false);
  });

  it('refuses to overwrite a finished run', async () => {
    const out = join(temporaryDirectory('residual-train-'), 'run');
    await residual('train', '--epochs', '1', '--limit', '32', '--out', out);
    const before = readFileSync(join(out, 'weights.bin'));
    await expect(
      residual('train', '--epochs', '1', '--limit', '32', '--out', out),
    ).rejects.toMatchObject({
      code: 2,
      stderr: `residual: train --out: ${out} already holds a trained model; choose another directory.\n`,
    });
    expect(readFileSync(join(out, 'weights.bin')).equals(before)).toBe(true);
  });
});

describe('residual train --recipe, checkpoints and --resume', () => {
  // The paper's recipe on 64 digits: 4 steps an epoch, 8 in all, the rate dropping at 4 and 6.
  const args = [
    'train',
    '--recipe',
    'paper',
    '--epochs',
    '2',
    '--limit',
    '64',
    '--test-limit',
    '100',
    '--batch-size',
    '16',
    '--checkpoint-every',
    '2',
    '--seed',
    '3',
  ];
  // The run never stopped, without activation recomputation: what every stopped run must end
  // with. Run once, by whichever test needs it first; its folder, made outside the tests, stays
  // until the file's tests are done.
  let referenceRoot = '';
  beforeAll(() => {
    referenceRoot = temporaryDirectory('residual-resume-');
  });
  let reference: Promise<string> | undefined;
  const referenceRun = () => {
    reference ??= (async () => {
      const dir = join(referenceRoot, 'reference');
      await residual(...args, '--recompute', 'none', '--out', dir);
      return dir;
    })();
    return reference;
  };

  it('survives Ctrl-C and SIGKILL, and resumes to the same weights as a run never stopped', async () => {
    const root = temporaryDirectory('residual-resume-');
    const reference = await referenceRun();
    const metrics = readMetrics(reference);
    expect(metrics).toMatchObject({ recipe: 'paper', steps: 8, batchSize: 16, learningRate: 0.1 });
    expect(metrics.history.map((r: EpochLike) => [r.learningRate, r.endLearningRate])).toEqual([
      [0.1, 0.1],
      [0.01, 0.001],
    ]);

    const out = join(root, 'interrupted');
    // Ctrl-C in the middle of step 3: the step finishes, checkpoint 3 is written, status 130.
    const interrupted = await signalAt('step:3', 'SIGINT', [...args, '--out', out]);
    expect(interrupted).toMatchObject({ code: 130, signal: null });
    expect(interrupted.stderr).toContain(
      `stopped after step 3; checkpoint ${out}/checkpoints/step-00000003. Continue with: residual train --resume ${out}\n`,
    );
    expect(readdirSync(join(out, 'checkpoints'))).toEqual(['step-00000002', 'step-00000003']);

    // SIGKILL while the resumed run writes checkpoint 6.
    const resume = ['train', '--resume', out, '--checkpoint-every', '2'];
    const killed = await signalAt('checkpoint:6:weights.bin', 'SIGKILL', resume);
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.stderr).toContain(`resuming from ${out}/checkpoints/step-00000003`);

    // A damaged copy of the run is refused, naming the damaged file.
    const damaged = join(root, 'damaged');
    cpSync(out, damaged, { recursive: true });
    const weightsFile = join(damaged, 'checkpoints', 'step-00000004', 'weights.bin');
    truncateSync(weightsFile, 100);
    await expectUserError(
      ['train', '--resume', damaged],
      expect.stringMatching(
        new RegExp(
          `^${weightsFile}: corrupt checkpoint: its SHA-256 is [0-9a-f]{64}, SHA256SUMS says [0-9a-f]{64}\\.$`,
        ),
      ),
    );

    // The same command again continues the run (from checkpoint 4) and finishes it.
    const { stderr } = await residual(...args, '--out', out);
    expect(stderr).toContain(`resuming from ${out}/checkpoints/step-00000004`);
    const weights = readFileSync(join(out, 'weights.bin'));
    expect(weights.equals(readFileSync(join(reference, 'weights.bin')))).toBe(true);
    const resumed = readMetrics(out);
    expect(resumed.testLoss).toBe(metrics.testLoss);
    expect(resumed.history.map((r: EpochLike) => r.loss)).toEqual(
      metrics.history.map((r: EpochLike) => r.loss),
    );

    // A finished run is neither resumed nor overwritten.
    await expectUserError(
      ['train', '--resume', out],
      `train --resume: ${out} is a finished run (it holds model.json); nothing to continue.`,
    );
    expect(readFileSync(join(out, 'weights.bin')).equals(weights)).toBe(true);
    // Four training processes: a generous watchdog for a busy machine, not a timing.
  }, 400_000);

  it('resumes a recomputing run killed mid-step, recomputing otherwise, to the weights of a run that never recomputed', async () => {
    const reference = await referenceRun();
    const out = join(temporaryDirectory('residual-recompute-resume-'), 'run');
    // A segment per residual block (and the stem and the head); SIGKILL after step 5's
    // backward pass, before its update.
    const recomputing = [...args, '--recompute', 'blocks', '--out', out];
    const killed = await signalAt('step:5', 'SIGKILL', recomputing);
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.stderr).toContain(', recomputing activations in 5 segments\n');
    expect(readdirSync(join(out, 'checkpoints'))).toEqual(['step-00000002', 'step-00000004']);

    // Resumed from step 4 in two segments: checkpoints carry no recompute setting.
    const resume = ['train', '--resume', out, '--recompute', '2', '--checkpoint-every', '2'];
    const { stderr } = await residual(...resume);
    expect(stderr).toContain(
      `, recomputing activations in 2 segments, resuming from ${out}/checkpoints/step-00000004\n`,
    );
    const weights = readFileSync(join(out, 'weights.bin'));
    expect(weights.equals(readFileSync(join(reference, 'weights.bin')))).toBe(true);
    const losses = (dir: string) => readMetrics(dir).history.map((r: EpochLike) => r.loss);
    expect(losses(out)).toEqual(losses(reference));
    expect(readMetrics(out).testLoss).toBe(readMetrics(reference).testLoss);
    // Three training processes: a generous watchdog for a busy machine, not a timing.
  }, 300_000);

  it('refuses an --out that holds anything but a run of the same options', async () => {
    const other = temporaryDirectory('residual-other-');
    writeFileSync(
      join(other, 'run.json'),
      JSON.stringify({
        format: 'residual-run',
        version: 1,
        config: { model: 'cifar_resnet8', recipe: 'paper', epochs: 2, seed: 3 },
      }),
    );
    await expectUserError(
      ['train', '--recipe', 'paper', '--epochs', '2', '--seed', '4', '--out', other],
      `train --out: ${other} holds a run of another configuration (seed is 3 there, 4 here); choose another directory.`,
    );
    await expectUserError(
      ['train', '--resume', other, '--epochs', '5'],
      `train --resume: ${other} was started with --epochs 2; drop --epochs 5.`,
    );
    const full = temporaryDirectory('residual-full-');
    writeFileSync(join(full, 'notes.txt'), 'mine');
    await expectUserError(
      ['train', '--out', full],
      `train --out: ${full} is not empty and holds no run.json; choose another directory.`,
    );
    await expectUserError(
      ['train', '--resume', full],
      `train --resume: ${full}/run.json: missing; ${full} is not a run directory.`,
    );
    expect(readdirSync(full)).toEqual(['notes.txt']);
  });
});

/**
 * Runs `residual <args>` in this process and expects status 2 with the user error as the last
 * line of stderr (after any progress lines).
 */
async function expectUserError(args: string[], message: unknown): Promise<void> {
  const terminal = recordingTerminal();
  expect(await run(args, terminal)).toBe(2);
  const line = /(?:^|\n)residual: ([^\n]*)\n$/.exec(terminal.stderr)?.[1];
  expect(line).toEqual(message);
  expect(terminal.stdout).toBe('');
}

interface EpochLike {
  loss: number;
  learningRate: number;
  endLearningRate: number;
}
