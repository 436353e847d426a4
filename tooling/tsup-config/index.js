// Every package ships ES modules with type declarations; dependencies and peer
// dependencies (tfjs above all) stay external so an application holds one copy of each.
import { defineConfig } from 'tsup';

/** @param {import('tsup').Options} [overrides] */
export function residualTsupConfig(overrides = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm'],
    target: 'es2022',
    dts: true,
    sourcemap: true,
    clean: true,
    splitting: false,
    ...overrides,
  });
}
