// One vitest preset for the whole repository: Node environment, tests beside the code,
// and a timeout generous enough for small training loops on a 2-core machine.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineProject, mergeConfig } from 'vitest/config';

const packagesDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'packages');

/**
 * Tests import workspace packages from their TypeScript sources, so a package's tests run
 * alone (`pnpm --filter @residual/models test`) without building its dependencies first.
 * Each export's `dist/….js` maps to `src/….ts`.
 */
function workspaceSourceAliases() {
  const aliases = [];
  for (const dir of readdirSync(packagesDir)) {
    let manifest;
    try {
      manifest = JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      const file = typeof target === 'string' ? target : target.default;
      if (!file?.startsWith('./dist/') || !file.endsWith('.js')) continue;
      const specifier = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
      const source = join(
        packagesDir,
        dir,
        file.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts'),
      );
      aliases.push({
        find: new RegExp(`^${specifier.replace(/[/.]/g, '\\$&')}$`),
        replacement: source,
      });
    }
  }
  return aliases;
}

/** @param {import('vitest/config').UserProjectConfigExport} [overrides] */
export function residualVitestConfig(overrides = {}) {
  return mergeConfig(
    defineProject({
      resolve: { alias: workspaceSourceAliases() },
      test: {
        environment: 'node',
        include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
        // CI runs every package's tests side by side on two cores, where a test takes two to
        // three times what it takes alone: the limits leave room for that and still end a hang.
        testTimeout: 120_000,
        hookTimeout: 120_000,
        // tfjs keeps one global engine per process; forks isolate files from each other.
        pool: 'forks',
      },
    }),
    overrides,
  );
}
