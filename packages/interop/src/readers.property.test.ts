// Every reader, fed random corruptions of a valid file, either returns a state dict whose every
// tensor has as many values as its shape says, or throws one InteropError: never another
// exception, and never a hang (the test timeout would catch one).
import fc from 'fast-check';
import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { corrupt, corruptions } from './byte-corruption.js';
import { fixture } from './fixture-files.js';
import { InteropError } from './interop-error.js';
import { readPth } from './read-pth.js';
import { readSafetensors } from './read-safetensors.js';
import { readWeightsFile } from './read-weights-file.js';
import { elementCount, type StateDict } from './source-tensor.js';

/** Fixed, so a failure reproduces; fast-check prints the failing case and its path. */
const SEED = 20151210;

/** Positions favour the first 64 bytes, where headers (and most checks) are. */
const corruption = corruptions({ headerEnd: 63, maxDelete: 16 });

function expectComplete(stateDict: StateDict): void {
  for (const tensor of stateDict.values()) {
    expect(tensor.data.length).toBe(elementCount(tensor.shape));
  }
}

/** Runs `read` on a corruption: an InteropError or complete data pass; counts both. */
function outcomes() {
  const seen = { valid: 0, rejected: 0 };
  return {
    seen,
    run(read: () => StateDict): void {
      let value: StateDict;
      try {
        value = read();
      } catch (error) {
        if (error instanceof InteropError) {
          expect((error as Error).message).not.toContain('\n');
          seen.rejected++;
          return;
        }
        throw error;
      }
      expectComplete(value);
      seen.valid++;
    },
  };
}

const budget = { seed: SEED, numRuns: 400 };

describe('readers under random corruption', () => {
  it('readSafetensors', () => {
    const valid = fixture('tiny-f32.safetensors');
    const { seen, run } = outcomes();
    fc.assert(
      fc.property(corruption, (c) =>
        run(() => readSafetensors(corrupt(valid, c), 'w.safetensors')),
      ),
      budget,
    );
    expect(seen.rejected).toBeGreaterThan(0);
    expect(seen.valid).toBeGreaterThan(0);
  });

  it('readPth, corrupting the zip archive', () => {
    const valid = fixture('checkpoint-module.pth');
    const { seen, run } = outcomes();
    fc.assert(
      fc.property(corruption, (c) => run(() => readPth(corrupt(valid, c), 'c.pth'))),
      budget,
    );
    expect(seen.rejected).toBeGreaterThan(0);
    expect(seen.valid).toBeGreaterThan(0);
  });

  it('readPth, corrupting the pickle and the storages inside an intact zip', () => {
    const entries = unzipSync(fixture('tiny.pth'));
    const pickleName = Object.keys(entries).find((name) => name.endsWith('/data.pkl'))!;
    const storageNames = Object.keys(entries).filter((name) => name.includes('/data/'));
    const target = fc.constantFrom(pickleName, pickleName, ...storageNames);
    const { seen, run } = outcomes();
    fc.assert(
      fc.property(target, corruption, (name, c) =>
        run(() => readPth(zipSync({ ...entries, [name]: corrupt(entries[name]!, c) }), 't.pth')),
      ),
      budget,
    );
    expect(seen.rejected).toBeGreaterThan(0);
    expect(seen.valid).toBeGreaterThan(0);
  });

  it('readWeightsFile on random bytes', () => {
    const { seen, run } = outcomes();
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 256 }),
        fc.constantFrom('a.pth', 'b.safetensors'),
        (bytes, name) => run(() => readWeightsFile(bytes, name)),
      ),
      budget,
    );
    expect(seen.rejected).toBeGreaterThan(0);
  });
});
