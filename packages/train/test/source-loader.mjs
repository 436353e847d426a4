// Module hooks that let a plain `node` process run this repository's TypeScript sources, as
// vitest does (see tooling/vitest-config): `@residual/*` resolves to each package's `src/`,
// `./x.js` to `./x.ts`, and TypeScript is transpiled on load. The crash tests start real
// training processes with it, so they need no build. Register with `--import ./register-source-loader.mjs`.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const packagesDir = new URL('../../', import.meta.url);

export async function resolve(specifier, context, next) {
  const workspace = /^@residual\/([^/]+)(\/.+)?$/.exec(specifier);
  if (workspace !== null) {
    const [, name, subpath] = workspace;
    const manifest = JSON.parse(readFileSync(new URL(`${name}/package.json`, packagesDir), 'utf8'));
    const target = manifest.exports?.[subpath === undefined ? '.' : `.${subpath}`];
    const file = typeof target === 'string' ? target : target?.default;
    if (file?.startsWith('./dist/')) {
      const source = file.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts');
      return { url: new URL(`${name}/${source}`, packagesDir).href, shortCircuit: true };
    }
  }
  if (
    specifier.startsWith('.') &&
    specifier.endsWith('.js') &&
    context.parentURL?.endsWith('.ts')
  ) {
    const source = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
    if (existsSync(source)) return { url: source.href, shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  const { outputText } = ts.transpileModule(readFileSync(new URL(url), 'utf8'), {
    fileName: fileURLToPath(url),
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  return { format: 'module', source: outputText, shortCircuit: true };
}
