// Tests that write files write them into a fresh folder under the system's temporary directory,
// and must not leave it there: a full CI run used to leave several gigabytes in /tmp.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, onTestFinished, TestRunner } from 'vitest';

/** Folders made outside a test (at a file's or describe's top level, in a beforeAll hook). */
const madeOutsideTests = [];

// Registered while vitest collects the test file that first imports this module, so it belongs
// to that file's top-level suite and runs after all of the file's tests and other hooks (afterAll
// hooks run last-registered first). An afterAll registered later, from inside a beforeAll hook,
// would never run. Vitest isolates test files (its default), so each file has its own list and
// its own hook.
afterAll(() => {
  for (const dir of madeOutsideTests.splice(0)) remove(dir);
});

function remove(dir) {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * A new, empty folder under the system's temporary directory, named `prefix` plus random
 * characters. Made inside a test, it is removed when that test has finished (its assertions
 * have seen it); made anywhere else, when the test file's tests have all finished. Vitest runs
 * no hooks in a file whose tests are all skipped, so where a whole file may skip (a missing
 * peer), make the folder in a beforeAll hook or a test rather than at the top level.
 * @param {string} prefix
 * @returns {string}
 */
export function temporaryDirectory(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (TestRunner.getCurrentTest() === undefined) madeOutsideTests.push(dir);
  else onTestFinished(() => remove(dir));
  return dir;
}
