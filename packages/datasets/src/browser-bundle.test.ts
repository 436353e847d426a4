// The package must bundle for the browser, as the docs site and users' apps bundle it: browser
// bundlers (Vite, Rollup) replace Node.js built-ins with an empty module, so a module in the
// import graph (ours or a dependency's) that imports a NAME from a built-in breaks every such
// build, even when the browser never runs it. Lazy namespace use (`await import('node:fs')`)
// is fine. esbuild with the same stand-in finds this in well under a second.
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';

/** Resolves every Node.js built-in to an ES module with no named exports, as Vite does. */
const emptyBuiltins: Plugin = {
  name: 'empty-node-builtins',
  setup(bundler) {
    const builtins = new Set(builtinModules);
    bundler.onResolve({ filter: /^[a-z_:]/ }, ({ path }) => {
      const name = path.replace(/^node:/, '');
      return builtins.has(name) ? { path: name, namespace: 'node-builtin' } : undefined;
    });
    bundler.onLoad({ filter: /.*/, namespace: 'node-builtin' }, () => ({
      contents: 'export default {};',
      loader: 'js',
    }));
  },
};

/** The errors of bundling `entry` (a file, or source text) for the browser. */
async function browserBundleErrors(entry: { file: string } | { source: string }) {
  const result = await build({
    ...('file' in entry
      ? { entryPoints: [entry.file] }
      : { stdin: { contents: entry.source, resolveDir: import.meta.dirname } }),
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    splitting: false,
    logLevel: 'silent',
    // The peer dependency is the user's to bundle, and browser-safe.
    external: ['@tensorflow/*'],
    plugins: [emptyBuiltins],
  }).catch((failure: { errors?: { text: string; location?: { file: string } | null }[] }) => {
    if (failure.errors === undefined) throw failure;
    return { errors: failure.errors };
  });
  return result.errors.map((error) => `${error.location?.file ?? ''}: ${error.text}`);
}

describe('@residual/datasets in a browser bundle', () => {
  it('bundles with Node.js built-ins replaced by an empty module', async () => {
    expect(await browserBundleErrors({ file: join(import.meta.dirname, 'index.ts') })).toEqual([]);
  });

  it('is a check that fails on a named import from a built-in', async () => {
    const errors = await browserBundleErrors({
      source: "import { Readable } from 'node:stream'; console.log(Readable);",
    });
    expect(errors.join('\n')).toMatch(/No matching export .* for import "Readable"/);
  });
});
