/**
 * A new, empty folder under the system's temporary directory, named `prefix` plus random
 * characters. Made inside a test, it is removed when that test has finished; made anywhere else
 * (top level, describe, beforeAll), when the test file's tests have all finished. Where a whole
 * file may be skipped (no hooks run then), make it in a beforeAll hook or a test.
 */
export declare function temporaryDirectory(prefix: string): string;
