// The Keras reader, fed random corruptions of valid Keras files (and random bytes), returns
// weights or throws one InteropError naming the file: never another exception or a hang.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corrupt, corruptions } from './byte-corruption.js';
import { InteropError } from './interop-error.js';
import { readKerasWeights } from './read-keras-weights.js';

/** Fixed, so a failure reproduces; fast-check prints the failing case and its path. */
const SEED = 20150610;
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'keras');

/** Positions favour the superblock and the first object headers, where offsets live. */
const corruption = corruptions({ headerEnd: 1023, maxDelete: 32 });

/** Reads `bytes`; an InteropError naming the file is a fine outcome, anything else is not. */
function readOrRefuse(bytes: Uint8Array, name: string, counts: { read: number; refused: number }) {
  try {
    const weights = readKerasWeights(bytes, name);
    for (const tensor of weights.values()) {
      expect(tensor.data.length).toBe(tensor.shape.reduce((a, b) => a * b, 1));
    }
    counts.read++;
  } catch (error) {
    if (!(error instanceof InteropError)) throw error;
    expect(error.message.startsWith(`${name}: `), error.message).toBe(true);
    expect(error.message).not.toContain('\n');
    counts.refused++;
  }
}

describe('readKerasWeights on damaged files', () => {
  it.each(['tiny.h5', 'tiny.legacy-weights.h5', 'tiny.keras', 'tiny.weights.h5'])(
    '%s: weights or one InteropError',
    (name) => {
      const valid = new Uint8Array(readFileSync(join(FIXTURES, name)));
      const counts = { read: 0, refused: 0 };
      fc.assert(
        fc.property(corruption, (c) => readOrRefuse(corrupt(valid, c), name, counts)),
        { seed: SEED, numRuns: 300 },
      );
      // Both outcomes occur: the corruptions reach past the signature check.
      expect(counts.refused).toBeGreaterThan(0);
      expect(counts.read).toBeGreaterThan(0);
    },
  );

  it('random bytes behind an HDF5 signature: one InteropError', () => {
    const signature = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
    const counts = { read: 0, refused: 0 };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (tail) =>
        readOrRefuse(Uint8Array.from([...signature, ...tail]), 'random.h5', counts),
      ),
      { seed: SEED, numRuns: 300 },
    );
    expect(counts.refused).toBe(300);
  });
});
