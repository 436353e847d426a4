import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporaryDirectory } from '@residual/vitest-config/temporary-directory';
import { describe, expect, it } from 'vitest';
import { residual, signalAt } from './train-process.js';

type Metrics = { history: { step: number; loss: number; validationLoss: number }[] };
const metrics = (dir: string): Metrics =>
  JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));

describe('residual train (language model): SIGKILL and --resume', () => {
  // gpt_char_small trains with dropout 0.2: the resumed run must draw the same masks too.
  it('a text run killed in the middle of a step resumes to the same weights, bit for bit', async () => {
    const root = temporaryDirectory('residual-lm-resume-');
    const corpus = join(root, 'corpus.txt');
    writeFileSync(corpus, 'so it goes, and so it went; so it shall go again.\n'.repeat(30));
    const args = [
      'train',
      ...['--model', 'gpt_char_small', '--layers', '1', '--heads', '2', '--width', '16'],
      ...['--context', '16', '--dataset', corpus, '--steps', '12', '--eval-every', '6'],
      ...['--batch-size', '4', '--checkpoint-every', '3', '--seed', '2', '--backend', 'wasm'],
    ];
    const reference = join(root, 'reference');
    await residual(...args, '--out', reference);

    const out = join(root, 'killed');
    // Killed after step 8's gradient, before its update: the newest checkpoint is step 6.
    expect((await signalAt('step:8', 'SIGKILL', [...args, '--out', out])).signal).toBe('SIGKILL');
    expect(readdirSync(join(out, 'checkpoints'))).toEqual(['step-00000003', 'step-00000006']);
    const { stderr } = await residual('train', '--resume', out);
    expect(stderr).toContain(`resuming from ${out}/checkpoints/step-00000006`);

    expect(
      readFileSync(join(out, 'weights.bin')).equals(readFileSync(join(reference, 'weights.bin'))),
    ).toBe(true);
    const strip = (m: Metrics) =>
      m.history.map(({ step, loss, validationLoss }) => [step, loss, validationLoss]);
    expect(strip(metrics(out))).toEqual(strip(metrics(reference)));
    expect(readFileSync(join(out, 'tokenizer.json'), 'utf8')).toBe(
      readFileSync(join(reference, 'tokenizer.json'), 'utf8'),
    );
    // Three training processes: a generous watchdog for a busy machine, not a timing.
  }, 300_000);
});
