// One vitest preset for the whole repository: Node environment, tests beside the code,
// and a timeout generous enough for small training loops on a 2-core machine.
import { defineProject, mergeConfig } from 'vitest/config';

/** @param {import('vitest/config').UserProjectConfigExport} [overrides] */
export function residualVitestConfig(overrides = {}) {
  return mergeConfig(
    defineProject({
      test: {
        environment: 'node',
        include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
        testTimeout: 60_000,
        hookTimeout: 60_000,
        // tfjs keeps one global engine per process; forks isolate files from each other.
        pool: 'forks',
      },
    }),
    overrides,
  );
}
