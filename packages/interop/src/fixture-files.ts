// The committed fixture files (python/make_fixtures.py), for tests only.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, name)));
}

/** What PyTorch said each tensor of a fixture holds: shape, dtype and values as float32/int. */
export type Expected = Record<string, { shape: number[]; dtype: string; values: number[] }>;

export function expectedValues(name: string): Expected {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as Expected;
}
