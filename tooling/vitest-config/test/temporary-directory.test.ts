// What a test that writes files relies on: its folder is there while it runs and gone after it,
// and a folder made outside the tests lasts until the file's tests are done.
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { temporaryDirectory } from '../temporary-directory.js';

const atTopLevel = temporaryDirectory('residual-vitest-config-top-');
let inBeforeAll = '';
let inFirstTest = '';
beforeAll(() => {
  inBeforeAll = temporaryDirectory('residual-vitest-config-hook-');
});

describe('temporaryDirectory', () => {
  it('makes a new, empty folder named by the prefix in the temporary directory', () => {
    inFirstTest = temporaryDirectory('residual-vitest-config-test-');
    expect(dirname(inFirstTest)).toBe(tmpdir());
    expect(basename(inFirstTest)).toMatch(/^residual-vitest-config-test-.{6}$/);
    expect(readdirSync(inFirstTest)).toEqual([]);
  });

  it('removes a folder made in a test once that test has finished', () => {
    expect(inFirstTest).not.toBe('');
    expect(existsSync(inFirstTest)).toBe(false);
  });

  it('keeps the folders made at the top level and in beforeAll while the tests run', () => {
    expect(existsSync(atTopLevel)).toBe(true);
    expect(existsSync(inBeforeAll)).toBe(true);
  });
});
