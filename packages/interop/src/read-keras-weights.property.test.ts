// The Keras reader, fed random corruptions of valid Keras files (and random bytes), returns
// weights or throws one InteropError naming the file: never another exception or a hang.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InteropError } from './interop-error.js';
import { readKerasWeights } from './read-keras-weights.js';

/** Fixed, so a failure reproduces; fast-check prints the failing case and its path. */
const SEED = 20150610;
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'keras');

type Corruption =
  | { kind: 'truncate'; at: number }
  | { kind: 'set'; changes: [number, number][] }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number };

/** Positions favour the superblock and the first object headers, where offsets live. */
const position = fc.oneof(fc.nat({ max: 1023 }), fc.nat({ max: 1 << 16 }));
const someBytes = fc.uint8Array({ minLength: 1, maxLength: 16 });
const corruption: fc.Arbitrary<Corruption> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({
    kind: fc.constant('set' as const),
    changes: fc.array(fc.tuple(position, fc.nat({ max: 255 })), { minLength: 1, maxLength: 8 }),
  }),
  fc.record({ kind: fc.constant('insert' as const), at: position, bytes: someBytes }),
  fc.record({
    kind: fc.constant('delete' as const),
    at: position,
    length: fc.integer({ min: 1, max: 32 }),
  }),
);

function corrupt(bytes: Uint8Array, c: Corruption): Uint8Array {
  const at = 'at' in c ? c.at % (bytes.length + 1) : 0;
  switch (c.kind) {
    case 'truncate':
      return bytes.slice(0, at);
    case 'set': {
      const out = bytes.slice();
      for (const [p, value] of c.changes) out[p % out.length] = value;
      return out;
    }
    case 'insert':
      return Uint8Array.from([...bytes.subarray(0, at), ...c.bytes, ...bytes.subarray(at)]);
    case 'delete':
      return Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + c.length)]);
  }
}

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
