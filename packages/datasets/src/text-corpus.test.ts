import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetError } from './dataset-error.js';
import { tempDir, writeTree } from './test-files.js';
import { startTestServer, type TestServer } from './test-server.js';
import { getTextDatasetInfo, type TextDatasetInfo } from './text-catalog.js';
import { loadTextCorpus } from './text-corpus.js';
import { loadTextDataset } from './text-dataset.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe('loadTextCorpus', () => {
  it('reads the bundled Moby-Dick by name', async () => {
    const corpus = await loadTextCorpus('moby-dick');
    expect(corpus.name).toBe('moby-dick');
    expect(corpus.text.length).toBe(getTextDatasetInfo('moby-dick').characters);
    expect(corpus.text.startsWith('CHAPTER 1. Loomings.\n\nCall me Ishmael.')).toBe(true);
    expect(corpus.source).toMatch(/datasets-moby-dick.data.data\.txt$/);
  });

  it('reads a file, and a folder of .txt files in path order', async () => {
    const root = writeTree(tempDir(), {
      'b/two.txt': 'second\r\n',
      'a.txt': 'first',
      'notes.md': 'not text to train on',
    });
    expect(await loadTextCorpus(join(root, 'a.txt'))).toEqual({
      name: 'a.txt',
      source: join(root, 'a.txt'),
      text: 'first',
    });
    const folder = await loadTextCorpus(root);
    expect(folder.text).toBe('first\n\nsecond\n');
  });

  it('refuses an empty, binary or non-UTF-8 file, a missing path and an unknown name', async () => {
    const root = writeTree(tempDir(), {
      'empty.txt': '',
      'binary.txt': new Uint8Array([104, 105, 0, 1]),
      'latin1.txt': new Uint8Array([99, 97, 102, 0xe9]),
      'empty/nothing.md': 'x',
    });
    const error = (source: string) => loadTextCorpus(source).catch((e: unknown) => e);
    const cases: [string, string][] = [
      ['empty.txt', `${join(root, 'empty.txt')}: the file is empty; expected UTF-8 text.`],
      [
        'binary.txt',
        `${join(root, 'binary.txt')}: a binary file (a NUL byte at offset 2); expected UTF-8 text.`,
      ],
      [
        'latin1.txt',
        `${join(root, 'latin1.txt')}: not UTF-8 text (an invalid byte sequence at offset 3).`,
      ],
      ['empty', `${join(root, 'empty')}: no .txt files in the folder or its subfolders.`],
      ['missing.txt', `${join(root, 'missing.txt')}: no such file or folder.`],
    ];
    for (const [name, message] of cases) {
      const thrown = await error(join(root, name));
      expect(thrown).toBeInstanceOf(DatasetError);
      expect((thrown as Error).message).toBe(message);
    }
    expect(((await error('shakespeare')) as Error).message).toBe(
      'Unknown text data set "shakespeare". Known: moby-dick, tiny-shakespeare, or a path to a UTF-8 text file or a folder of .txt files.',
    );
  });

  it('downloads a named corpus once, verified, and asks before downloading', async () => {
    const text = 'First Citizen:\nBefore we proceed any further, hear me speak.\n';
    const body = new TextEncoder().encode(text);
    server.route('/input.txt', { body });
    const info: TextDatasetInfo = {
      ...getTextDatasetInfo('tiny-shakespeare'),
      file: {
        name: 'input.txt',
        urls: [`${server.url}/input.txt`],
        sha256: createHash('sha256').update(body).digest('hex'),
        size: body.length,
      },
    };
    const dataDir = tempDir();
    const path = join(dataDir, 'tiny-shakespeare', 'input.txt');
    await expect(loadTextCorpus(info, { dataDir })).rejects.toThrow(
      `tiny-shakespeare: not found at ${path}. Download it (0 kB from 127.0.0.1:`,
    );
    const corpus = await loadTextCorpus(info, { dataDir, download: true });
    expect(corpus).toEqual({ name: 'tiny-shakespeare', source: path, text });
    expect(server.hits.get('/input.txt')).toBe(1);
    expect((await loadTextCorpus(info, { dataDir })).text).toBe(text);
    // A damaged copy is fetched again on --download.
    writeFileSync(path, 'damaged');
    expect((await loadTextCorpus(info, { dataDir, download: true })).text).toBe(text);
    expect(server.hits.get('/input.txt')).toBe(2);
    expect(existsSync(path)).toBe(true);
  });
});

describe('loadTextDataset', () => {
  it('holds out the last tenth, contiguous, and refuses a text too short for the context', async () => {
    const root = writeTree(tempDir(), { 'abc.txt': 'abcdefghij'.repeat(10) });
    const file = join(root, 'abc.txt');
    const dataset = await loadTextDataset(file, { context: 8 });
    expect(dataset.tokenizer.vocabSize).toBe(10);
    expect(dataset.train.length).toBe(90);
    expect(dataset.tokenizer.decode(dataset.validation)).toBe('abcdefghij');
    await expect(loadTextDataset(file, { context: 10 })).rejects.toThrow(
      `${file}: too short for a context of 10: its validation part has 10 characters, and each split needs at least 11 (100 in all, 10% held out).`,
    );
    const bytes = await loadTextDataset(file, { tokenizer: 'byte' });
    expect(bytes.tokenizer.vocabSize).toBe(256);
    expect(bytes.train[0]).toBe(97);
  });
});
