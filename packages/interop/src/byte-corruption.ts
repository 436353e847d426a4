// Random corruptions of a valid file's bytes for the readers' property tests, for tests only.
import fc from 'fast-check';

export type Corruption =
  | { kind: 'truncate'; at: number }
  | { kind: 'set'; changes: [number, number][] }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number };

/**
 * Truncations, byte changes, insertions and deletions. Half the positions fall below
 * `headerEnd`, where a format's offsets and checks live; the rest anywhere in the first 64 KiB.
 */
export function corruptions(options: {
  headerEnd: number;
  maxDelete: number;
}): fc.Arbitrary<Corruption> {
  const position = fc.oneof(fc.nat({ max: options.headerEnd }), fc.nat({ max: 1 << 16 }));
  const someBytes = fc.uint8Array({ minLength: 1, maxLength: 16 });
  return fc.oneof(
    fc.record({ kind: fc.constant('truncate' as const), at: position }),
    fc.record({
      kind: fc.constant('set' as const),
      changes: fc.array(fc.tuple(position, fc.nat({ max: 255 })), { minLength: 1, maxLength: 8 }),
    }),
    fc.record({ kind: fc.constant('insert' as const), at: position, bytes: someBytes }),
    fc.record({
      kind: fc.constant('delete' as const),
      at: position,
      length: fc.integer({ min: 1, max: options.maxDelete }),
    }),
  );
}

/** `bytes` with `c` applied; positions wrap around the length, so every case applies. */
export function corrupt(bytes: Uint8Array, c: Corruption): Uint8Array {
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
