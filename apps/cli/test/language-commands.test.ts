import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporaryDirectory } from '@residual/vitest-config/temporary-directory';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/main.js';
import { recordingTerminal } from './recording-terminal.js';

// gpt_char_micro made tiny (one block of width 16, context 16): the real model, in seconds.
const MODEL = 'gpt_char_micro';
const TINY = ['--layers', '1', '--heads', '2', '--width', '16', '--context', '16'];
const BACKEND = ['--backend', 'wasm'];
let corpus: string;
let modelDir: string;

beforeAll(async () => {
  const root = temporaryDirectory('residual-lm-cli-');
  corpus = join(root, 'corpus.txt');
  writeFileSync(corpus, 'the cat sat on the mat. the dog sat on the log.\n'.repeat(40));
  modelDir = join(root, 'run');
  const terminal = recordingTerminal();
  const status = await run(
    [
      'train',
      '--model',
      MODEL,
      ...TINY,
      '--dataset',
      corpus,
      '--steps',
      '30',
      '--eval-every',
      '15',
      '--batch-size',
      '8',
      '--lr',
      '0.01',
      '--seed',
      '1',
      '--out',
      modelDir,
      ...BACKEND,
    ],
    terminal,
  );
  if (status !== 0) throw new Error(terminal.stderr);
});

describe('residual train (language model)', () => {
  it('trains on a text file and writes the model, tokenizer.json and metrics with bits per character', () => {
    expect(readdirSync(modelDir).sort()).toEqual([
      'checkpoints',
      'metrics.json',
      'model.json',
      'run.json',
      'tokenizer.json',
      'weights.bin',
    ]);
    const metrics = JSON.parse(readFileSync(join(modelDir, 'metrics.json'), 'utf8'));
    expect(metrics).toMatchObject({
      task: 'language',
      model: MODEL,
      dataset: 'corpus.txt',
      tokenizer: 'char',
      vocabSize: 15,
      context: 16,
      steps: 30,
      backend: 'wasm',
    });
    expect(metrics.history.map((record: { step: number }) => record.step)).toEqual([15, 30]);
    expect(metrics.validationBitsPerCharacter).toBeCloseTo(metrics.validationLoss / Math.LN2, 10);
    // Far below the uniform ln 15 ≈ 2.71 nats: the bigrams of this text are nearly fixed.
    expect(metrics.validationLoss).toBeLessThan(2);
    expect(JSON.parse(readFileSync(join(modelDir, 'tokenizer.json'), 'utf8')).type).toBe('char');
  });
});

describe('residual generate', () => {
  it('streams a seeded continuation of the prompt, the same for the same seed', async () => {
    const generate = async (seed: string) => {
      const terminal = recordingTerminal();
      const args = ['generate', '--model-dir', modelDir, '--prompt', 'the ', '--tokens', '40'];
      expect(await run([...args, '--top-k', '5', '--seed', seed, ...BACKEND], terminal)).toBe(0);
      return terminal.stdout;
    };
    const text = await generate('1');
    expect(text.startsWith('the ')).toBe(true);
    expect(Array.from(text.trimEnd()).length).toBeGreaterThanOrEqual(40);
    expect(await generate('1')).toBe(text);
    expect(await generate('2')).not.toBe(text);
  });

  it('refuses a prompt outside the vocabulary, --tokens 0 and a temperature ≤ 0, writing nothing', async () => {
    const cases: [string[], string][] = [
      [
        ['--prompt', 'the €'],
        'residual: generate --prompt: the text has 1 character outside the vocabulary of 15: "€" (U+20AC).\n',
      ],
      [['--tokens', '0'], 'residual: generate --tokens: must be at least 1, got 0.\n'],
      [['--temperature', '0'], 'residual: generate --temperature: must be positive, got 0.\n'],
      [['--temperature=-1'], 'residual: generate --temperature: must be positive, got -1.\n'],
    ];
    for (const [args, message] of cases) {
      const terminal = recordingTerminal();
      expect(await run(['generate', '--model-dir', modelDir, ...args, ...BACKEND], terminal)).toBe(
        2,
      );
      expect(terminal.stderr).toBe(message);
      expect(terminal.stdout).toBe('');
    }
  });
});

describe('residual eval (language model)', () => {
  it('reports loss, perplexity and bits per character on the held-out text', async () => {
    const terminal = recordingTerminal();
    expect(await run(['eval', '--model-dir', modelDir, '--json', ...BACKEND], terminal)).toBe(0);
    const report = JSON.parse(terminal.stdout);
    expect(report).toMatchObject({ task: 'language', dataset: 'corpus.txt', split: 'validation' });
    expect(report.perplexity).toBeCloseTo(Math.exp(report.loss), 10);
    expect(report.bitsPerCharacter).toBeCloseTo(report.loss / Math.LN2, 10);
    const metrics = JSON.parse(readFileSync(join(modelDir, 'metrics.json'), 'utf8'));
    expect(report.loss).toBeCloseTo(metrics.validationLoss, 6);
    expect(JSON.parse(readFileSync(join(modelDir, 'eval.json'), 'utf8'))).toEqual(report);
  });
});

describe('residual train (language model): bad input', () => {
  it('refuses an empty or binary file, a text shorter than the context and heads that do not divide the width, writing nothing', async () => {
    const root = temporaryDirectory('residual-lm-bad-');
    const files = {
      empty: join(root, 'empty.txt'),
      binary: join(root, 'binary.txt'),
      short: join(root, 'short.txt'),
    };
    writeFileSync(files.empty, '');
    writeFileSync(files.binary, Buffer.from([104, 0, 105]));
    writeFileSync(files.short, 'too short for a context of 16');
    const cases: [string[], string][] = [
      [
        ['--dataset', files.empty],
        `residual: ${files.empty}: the file is empty; expected UTF-8 text.\n`,
      ],
      [
        ['--dataset', files.binary],
        `residual: ${files.binary}: a binary file (a NUL byte at offset 1); expected UTF-8 text.\n`,
      ],
      [
        ['--dataset', files.short],
        `residual: ${files.short}: too short for a context of 16: its validation part has 3 characters, and each split needs at least 17 (29 in all, 10% held out).\n`,
      ],
      [
        ['--dataset', corpus, '--width', '30', '--heads', '4'],
        'residual: train --width: 30 does not divide by --heads 4; each head takes width / heads channels.\n',
      ],
      [
        ['--dataset', corpus, '--epochs', '2'],
        'residual: train --epochs: not an option for a language model (it trains for --steps on random windows).\n',
      ],
      [
        ['--dataset', corpus, '--optimizer', 'sgd'],
        "residual: train --optimizer: not an option for a language model (it always trains with AdamW, by nanoGPT's recipe).\n",
      ],
    ];
    for (const [args, message] of cases) {
      const out = join(root, 'run');
      const terminal = recordingTerminal();
      const status = await run(
        ['train', '--model', MODEL, ...TINY, '--out', out, ...args, ...BACKEND],
        terminal,
      );
      expect(terminal.stderr).toBe(message);
      expect(status).toBe(2);
      expect(existsSync(out)).toBe(false);
    }
  });
});
