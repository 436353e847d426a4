// The text reader, fed any bytes, returns the text a UTF-8 decoder reads or throws one
// DatasetError naming the file: never another exception, and never text that lost a byte.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DatasetError } from './dataset-error.js';
import { tempDir } from './test-files.js';
import { readTextFile } from './text-corpus.js';
import { decodeText, firstInvalidUtf8 } from './text-decode.js';
import { CharTokenizer } from './tokenizer.js';

/** Fixed, so a failure reproduces; fast-check prints the failing case. */
const SEED = 20151210;

describe('the text reader', () => {
  it('reads back any text without NUL that was written as UTF-8, and tokenizes it losslessly', async () => {
    const dir = tempDir();
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }),
        async (text) => {
          fc.pre(!text.includes('\0') && text.replace(/\r\n/g, '\n').length > 0);
          const path = join(dir, 'text.txt');
          writeFileSync(path, text);
          const read = await readTextFile(path);
          expect(read).toBe(text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n'));
          const tokenizer = CharTokenizer.fromText(read);
          expect(tokenizer.decode(tokenizer.encode(read))).toBe(read);
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('either decodes arbitrary bytes exactly or throws a DatasetError naming the file and offset', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        let text: string | undefined;
        try {
          text = decodeText(bytes, 'corpus.txt');
        } catch (error) {
          expect(error).toBeInstanceOf(DatasetError);
          expect((error as Error).message).toMatch(/^corpus\.txt: /);
          const invalid = firstInvalidUtf8(bytes);
          if (bytes.length > 0 && !bytes.includes(0) && invalid >= 0) {
            expect((error as Error).message).toContain(`at offset ${invalid})`);
          }
          return;
        }
        expect(bytes.includes(0)).toBe(false);
        expect(firstInvalidUtf8(bytes)).toBe(-1);
        expect(text).toBe(new TextDecoder().decode(bytes).replace(/\r\n/g, '\n'));
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });
});
