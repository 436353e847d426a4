// Module hooks that let a plain `node` process run this repository's TypeScript sources, as
// vitest does (see tooling/vitest-config): `@residual/*` resolves to each package's `src/`,
// `./x.js` to `./x.ts`, and TypeScript is transpiled on load. The crash tests start real
// training processes with it, so they need no build. Register with
// `--import ./register-source-loader.mjs`.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const packagesDir = new URL('../../', import.meta.url);
// Transpiled files, by a hash of their source: only the first process pays for TypeScript.
const cacheDir = new URL('../node_modules/.cache/source-loader/', import.meta.url);
let typescript;

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
  const source = readFileSync(new URL(url), 'utf8');
  const cached = new URL(
    `${createHash('sha256').update(url).update(source).digest('hex')}.js`,
    cacheDir,
  );
  if (existsSync(cached)) {
    return { format: 'module', source: readFileSync(cached, 'utf8'), shortCircuit: true };
  }
  typescript ??= (await import('typescript')).default;
  const { outputText } = typescript.transpileModule(source, {
    fileName: fileURLToPath(url),
    compilerOptions: {
      module: typescript.ModuleKind.ESNext,
      target: typescript.ScriptTarget.ES2022,
    },
  });
  mkdirSync(cacheDir, { recursive: true });
  // Written under a unique name and renamed: processes running side by side never read half a file.
  const temporary = new URL(`${cached.href}.${process.pid}`);
  writeFileSync(temporary, outputText);
  renameSync(temporary, cached);
  return { format: 'module', source: outputText, shortCircuit: true };
}
