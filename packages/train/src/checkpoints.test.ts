import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '@residual/backend';
import { temporaryDirectory } from '@residual/vitest-config/temporary-directory';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { latestCheckpoint, listCheckpoints, readCheckpoint } from './checkpoints.js';
import { loadModel } from './model-files.js';
import { halvesSplit, smallConvNet } from './test-fixtures.js';
import { train } from './train.js';

const data = { train: halvesSplit(64, 1), test: halvesSplit(16, 2), numClasses: 2 };
let run: string;

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  // 2 epochs of 4 steps, a checkpoint every 3 steps and at each epoch end: 3, 4, 6, 8.
  run = temporaryDirectory('residual-checkpoints-');
  await train({
    model: smallConvNet(1),
    data,
    epochs: 2,
    batchSize: 16,
    learningRate: 0.05,
    seed: 3,
    checkpoints: { dir: run, every: 3, keep: 2 },
  });
});

/** A copy of the newest checkpoint to damage. */
function copyOfLatest(): string {
  const copy = join(temporaryDirectory('residual-damaged-'), 'step-00000008');
  cpSync(join(run, 'step-00000008'), copy, { recursive: true });
  return copy;
}

describe('checkpoints', () => {
  it('are written every N steps and at epoch ends, keeping the newest K', async () => {
    expect(readdirSync(run).sort()).toEqual(['step-00000006', 'step-00000008']);
    expect(await listCheckpoints(run)).toEqual([
      join(run, 'step-00000006'),
      join(run, 'step-00000008'),
    ]);
    expect(readdirSync(join(run, 'step-00000006')).sort()).toEqual([
      'SHA256SUMS',
      'model.json',
      'optimizer.bin',
      'state.json',
      'weights.bin',
    ]);
    expect(await latestCheckpoint(join(run, 'absent'))).toBeUndefined();
  });

  it('hold the position, the history and the momentum, and verify on reading', async () => {
    const middle = await readCheckpoint(join(run, 'step-00000006'));
    expect(middle.state).toMatchObject({ step: 6, epoch: 1, batch: 2, seed: 3 });
    expect(middle.state.history).toHaveLength(1);
    expect(middle.state.epochProgress.seen).toBe(32);
    expect(middle.state.optimizer.slots.map((slot) => slot.name)).toContain('conv/kernel/momentum');
    const end = await readCheckpoint(join(run, 'step-00000008'));
    expect(end.state).toMatchObject({ step: 8, epoch: 2, batch: 0 });
    expect(end.state.history.map((record) => record.steps)).toEqual([4, 8]);
  });

  it('are TensorFlow.js Layers models that loadModel reads', async () => {
    const model = await loadModel(join(run, 'step-00000008'));
    expect((model.predict(tf.zeros([1, 8, 8, 1])) as tf.Tensor).shape).toEqual([1, 2]);
  });

  it('refuse a truncated weights file, naming it', async () => {
    const copy = copyOfLatest();
    const weights = readFileSync(join(copy, 'weights.bin'));
    writeFileSync(join(copy, 'weights.bin'), weights.subarray(0, weights.length - 4));
    await expect(readCheckpoint(copy)).rejects.toThrow(
      new RegExp(
        `^${copy}/weights\\.bin: corrupt checkpoint: its SHA-256 is [0-9a-f]{64}, SHA256SUMS says [0-9a-f]{64}\\.$`,
      ),
    );
  });

  it('refuse an edited state.json, naming it', async () => {
    const copy = copyOfLatest();
    const state = readFileSync(join(copy, 'state.json'), 'utf8');
    writeFileSync(join(copy, 'state.json'), state.replace('"step": 8', '"step": 9'));
    await expect(readCheckpoint(copy)).rejects.toThrow(`${copy}/state.json: corrupt checkpoint`);
  });

  it('refuse a wrong checksum, naming the file it is for', async () => {
    const copy = copyOfLatest();
    const sums = readFileSync(join(copy, 'SHA256SUMS'), 'utf8');
    writeFileSync(
      join(copy, 'SHA256SUMS'),
      sums.replace(/^[0-9a-f]{64}(?= {2}optimizer\.bin)/m, '0'.repeat(64)),
    );
    await expect(readCheckpoint(copy)).rejects.toThrow(
      `${copy}/optimizer.bin: corrupt checkpoint: its SHA-256 is`,
    );
  });

  it('refuse a directory without checksums or with a missing file', async () => {
    const copy = copyOfLatest();
    rmSync(join(copy, 'optimizer.bin'));
    await expect(readCheckpoint(copy)).rejects.toThrow(
      `${copy}/optimizer.bin: cannot read it (ENOENT); ${copy} is not a complete checkpoint.`,
    );
    rmSync(join(copy, 'SHA256SUMS'));
    await expect(readCheckpoint(copy)).rejects.toThrow(`${copy}/SHA256SUMS: cannot read it`);
  });

  it('are refused by train when corrupt, before any weight changes', async () => {
    const copy = copyOfLatest();
    writeFileSync(join(copy, 'weights.bin'), Buffer.alloc(10));
    const model = smallConvNet(1);
    const before = model.getWeights().map((w) => w.dataSync().slice());
    await expect(
      train({
        model,
        data,
        epochs: 2,
        batchSize: 16,
        learningRate: 0.05,
        seed: 3,
        resume: copy,
      }),
    ).rejects.toThrow(`${copy}/weights.bin: corrupt checkpoint`);
    expect(model.getWeights().map((w) => w.dataSync())).toEqual(before);
  });
});
