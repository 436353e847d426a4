// The Keras reader on small files that Keras itself wrote (python/keras_fixtures.py): every
// layout gives the same keys and exactly the values Keras saved.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { InteropError } from './interop-error.js';
import { readKerasWeights } from './read-keras-weights.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'keras');
const FILES = ['tiny.h5', 'tiny.legacy-weights.h5', 'tiny.keras', 'tiny.weights.h5'];
const expected = JSON.parse(readFileSync(join(FIXTURES, 'tiny.json'), 'utf8')) as Record<
  string,
  { shape: number[]; values: number[] }
>;

function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, name)));
}

function readError(bytes: Uint8Array, fileName: string): string {
  try {
    readKerasWeights(bytes, fileName);
  } catch (error) {
    expect(error).toBeInstanceOf(InteropError);
    return (error as Error).message;
  }
  throw new Error(`${fileName} was read`);
}

describe('readKerasWeights', () => {
  it.each(FILES)('reads every weight of %s by layer and weight name', (name) => {
    const weights = readKerasWeights(fixture(name), name);
    expect([...weights.keys()].sort()).toEqual(Object.keys(expected).sort());
    for (const [key, { shape, values }] of Object.entries(expected)) {
      const tensor = weights.get(key);
      expect(tensor?.shape, key).toEqual(shape);
      expect(tensor?.dtype).toBe('float32');
      expect(Array.from((tensor?.data ?? []) as Float32Array), key).toEqual(
        Array.from(Float32Array.from(values)),
      );
    }
  });

  it('refuses a file that is neither HDF5 nor zip, naming it', () => {
    expect(readError(strToU8('{"weights": []}'), 'w.h5')).toMatch(
      /^w\.h5: not a Keras weights file; accepted: .h5/,
    );
  });

  it('refuses a zip without model.weights.h5, listing what it holds', () => {
    const zip = zipSync({ 'config.json': strToU8('{}'), 'metadata.json': strToU8('{}') });
    expect(readError(zip, 'm.keras')).toBe(
      'm.keras: a .keras archive holds model.weights.h5; this zip has config.json, metadata.json.',
    );
  });

  it('refuses an HDF5 file without the groups Keras writes', () => {
    // A Keras 3 weights file's `layers` group under another name: valid HDF5, no Keras layout.
    const bytes = fixture('tiny.weights.h5');
    const at = Buffer.from(bytes).indexOf('layers');
    bytes.set(strToU8('lay0rs'), at);
    expect(readError(bytes, 'other.h5')).toMatch(
      /^other\.h5: (no Keras weights: expected a model_weights group|damaged or unsupported HDF5)/,
    );
  });

  it('refuses a truncated file in one line naming it', () => {
    for (const name of FILES) {
      const bytes = fixture(name);
      const message = readError(bytes.slice(0, Math.floor(bytes.length * 0.6)), name);
      expect(message.startsWith(`${name}: `), message).toBe(true);
      expect(message).not.toContain('\n');
    }
  });
});
