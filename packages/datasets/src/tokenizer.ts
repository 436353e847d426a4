import { DatasetError } from './dataset-error.js';

/** The file a tokenizer is saved to, next to the model. */
export const TOKENIZER_FILE = 'tokenizer.json';

/** `tokenizer.json`. */
export type TokenizerJson =
  | { format: 'residual-tokenizer'; version: 1; type: 'char'; vocabulary: string[] }
  | { format: 'residual-tokenizer'; version: 1; type: 'byte' };

/** Text to token ids and back. */
export interface Tokenizer {
  readonly type: 'char' | 'byte';
  /** Number of distinct tokens: the model's vocabulary size. */
  readonly vocabSize: number;
  /** What one token is, for "bits per character" or "bits per byte". */
  readonly unit: 'character' | 'byte';
  /** @throws DatasetError listing the characters outside the vocabulary. */
  encode(text: string): Int32Array;
  decode(ids: ArrayLike<number>): string;
  /**
   * A decoder for one token at a time, for streaming: a byte tokenizer holds back the bytes of
   * a character until it is complete. `end()` returns what is left (as U+FFFD for a cut
   * character).
   */
  streamDecoder(): { push(id: number): string; end(): string };
  toJSON(): TokenizerJson;
}

/**
 * Characters (Unicode code points) as tokens, numbered in code-point order: nanoGPT's
 * `shakespeare_char` tokenizer, which gives tiny Shakespeare 65 tokens.
 */
export class CharTokenizer implements Tokenizer {
  readonly type = 'char';
  readonly unit = 'character';
  readonly vocabulary: readonly string[];
  private readonly ids: Map<string, number>;

  constructor(vocabulary: readonly string[]) {
    this.vocabulary = [...vocabulary];
    this.ids = new Map(this.vocabulary.map((character, id) => [character, id]));
  }

  /** The tokenizer of every character that occurs in `text`. */
  static fromText(text: string): CharTokenizer {
    const codePoints = new Set<number>();
    for (const character of text) codePoints.add(character.codePointAt(0) as number);
    return new CharTokenizer(
      [...codePoints].sort((a, b) => a - b).map((point) => String.fromCodePoint(point)),
    );
  }

  get vocabSize(): number {
    return this.vocabulary.length;
  }

  encode(text: string): Int32Array {
    const characters = Array.from(text);
    const ids = new Int32Array(characters.length);
    const unknown = new Set<string>();
    characters.forEach((character, i) => {
      const id = this.ids.get(character);
      if (id === undefined) unknown.add(character);
      else ids[i] = id;
    });
    if (unknown.size > 0) {
      const shown = [...unknown].slice(0, 5).map(describeCharacter).join(', ');
      throw new DatasetError(
        `the text has ${unknown.size} character${unknown.size === 1 ? '' : 's'} outside the vocabulary of ${this.vocabSize}: ${shown}${unknown.size > 5 ? ', …' : ''}.`,
      );
    }
    return ids;
  }

  decode(ids: ArrayLike<number>): string {
    let text = '';
    for (let i = 0; i < ids.length; i++) text += this.character(ids[i]);
    return text;
  }

  streamDecoder() {
    return { push: (id: number) => this.character(id), end: () => '' };
  }

  toJSON(): TokenizerJson {
    return {
      format: 'residual-tokenizer',
      version: 1,
      type: 'char',
      vocabulary: [...this.vocabulary],
    };
  }

  private character(id: number): string {
    const character = this.vocabulary[id];
    if (character === undefined) {
      throw new RangeError(`token ${id} is outside the vocabulary of ${this.vocabSize}.`);
    }
    return character;
  }
}

/**
 * The bytes of the UTF-8 text as tokens (256 of them): any text encodes, and bits per token
 * are bits per byte.
 */
export class ByteTokenizer implements Tokenizer {
  readonly type = 'byte';
  readonly unit = 'byte';
  readonly vocabSize = 256;

  encode(text: string): Int32Array {
    return Int32Array.from(new TextEncoder().encode(text));
  }

  decode(ids: ArrayLike<number>): string {
    return new TextDecoder().decode(Uint8Array.from(ids as ArrayLike<number>, checkByte));
  }

  streamDecoder() {
    const decoder = new TextDecoder();
    return {
      push: (id: number) => decoder.decode(Uint8Array.of(checkByte(id)), { stream: true }),
      end: () => decoder.decode(),
    };
  }

  toJSON(): TokenizerJson {
    return { format: 'residual-tokenizer', version: 1, type: 'byte' };
  }
}

/**
 * A tokenizer of the given type for `text` ('char': its characters; 'byte': all 256 bytes).
 */
export function createTokenizer(type: 'char' | 'byte', text: string): Tokenizer {
  return type === 'char' ? CharTokenizer.fromText(text) : new ByteTokenizer();
}

/**
 * The tokenizer that `toJSON()` saved. The JSON is untrusted: it is checked, never evaluated.
 * @throws DatasetError naming `file` and what is wrong.
 */
export function tokenizerFromJson(json: unknown, file = TOKENIZER_FILE): Tokenizer {
  const value = json as Partial<TokenizerJson> & { vocabulary?: unknown };
  if (
    typeof value !== 'object' ||
    value === null ||
    value.format !== 'residual-tokenizer' ||
    value.version !== 1
  ) {
    throw new DatasetError(`${file}: not a version 1 residual tokenizer.`);
  }
  if (value.type === 'byte') return new ByteTokenizer();
  if (value.type !== 'char') {
    throw new DatasetError(
      `${file}: unknown tokenizer type ${JSON.stringify(value.type)}; known: char, byte.`,
    );
  }
  const vocabulary = value.vocabulary;
  if (
    !Array.isArray(vocabulary) ||
    vocabulary.length === 0 ||
    vocabulary.some((entry) => typeof entry !== 'string' || Array.from(entry).length !== 1) ||
    new Set(vocabulary).size !== vocabulary.length
  ) {
    throw new DatasetError(
      `${file}: the vocabulary must be a non-empty list of distinct single characters.`,
    );
  }
  return new CharTokenizer(vocabulary as string[]);
}

function describeCharacter(character: string): string {
  const point = (character.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0');
  return `${JSON.stringify(character)} (U+${point})`;
}

function checkByte(id: number): number {
  if (!Number.isInteger(id) || id < 0 || id > 255) {
    throw new RangeError(`token ${id} is not a byte (0-255).`);
  }
  return id;
}
