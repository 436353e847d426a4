import { describe, expect, it } from 'vitest';
import { DatasetError } from './dataset-error.js';
import { ByteTokenizer, CharTokenizer, tokenizerFromJson } from './tokenizer.js';

describe('CharTokenizer', () => {
  it('numbers the characters in code-point order and round-trips through JSON', () => {
    const tokenizer = CharTokenizer.fromText('hello, world\n🐳');
    expect(tokenizer.vocabulary).toEqual(['\n', ' ', ',', 'd', 'e', 'h', 'l', 'o', 'r', 'w', '🐳']);
    const ids = tokenizer.encode('hello 🐳');
    expect(Array.from(ids)).toEqual([5, 4, 6, 6, 7, 1, 10]);
    expect(tokenizer.decode(ids)).toBe('hello 🐳');
    const again = tokenizerFromJson(JSON.parse(JSON.stringify(tokenizer.toJSON())));
    expect(again).toBeInstanceOf(CharTokenizer);
    expect(Array.from(again.encode('world'))).toEqual(Array.from(tokenizer.encode('world')));
  });

  it('names the characters outside its vocabulary', () => {
    const tokenizer = CharTokenizer.fromText('abc');
    expect(() => tokenizer.encode('cab!é')).toThrow(
      new DatasetError(
        'the text has 2 characters outside the vocabulary of 3: "!" (U+0021), "é" (U+00E9).',
      ),
    );
  });
});

describe('ByteTokenizer', () => {
  it('encodes any text as UTF-8 bytes and decodes a stream without splitting characters', () => {
    const tokenizer = new ByteTokenizer();
    const ids = tokenizer.encode('é🐳');
    expect(Array.from(ids)).toEqual([0xc3, 0xa9, 0xf0, 0x9f, 0x90, 0xb3]);
    const stream = tokenizer.streamDecoder();
    const pieces = Array.from(ids, (id) => stream.push(id));
    expect(pieces).toEqual(['', 'é', '', '', '', '🐳']);
    expect(stream.end()).toBe('');
    expect(tokenizerFromJson(tokenizer.toJSON())).toBeInstanceOf(ByteTokenizer);
  });
});

describe('tokenizerFromJson', () => {
  it('refuses what is not a saved tokenizer, naming the file', () => {
    const bad: [unknown, string][] = [
      [null, 'not a version 1 residual tokenizer.'],
      [
        { format: 'residual-tokenizer', version: 1, type: 'bpe' },
        'unknown tokenizer type "bpe"; known: char, byte.',
      ],
      [
        { format: 'residual-tokenizer', version: 1, type: 'char', vocabulary: ['a', 'a'] },
        'the vocabulary must be a non-empty list of distinct single characters.',
      ],
      [
        { format: 'residual-tokenizer', version: 1, type: 'char', vocabulary: ['ab'] },
        'the vocabulary must be a non-empty list of distinct single characters.',
      ],
    ];
    for (const [json, message] of bad) {
      expect(() => tokenizerFromJson(json, 'runs/x/tokenizer.json')).toThrow(
        `runs/x/tokenizer.json: ${message}`,
      );
    }
  });
});
