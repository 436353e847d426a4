import { readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import {
  Application,
  Comment,
  type DeclarationReflection,
  ReflectionKind,
  type TypeDocOptions,
} from 'typedoc';
import { API_DIR, DOCS_ROOT, PACKAGES, REPO_ROOT } from './paths.js';
import { resetDir } from './write-file.js';

/** Public entries beyond each package's `src/index.ts` (package subpath exports). */
const EXTRA_ENTRIES: Record<string, string[]> = { backend: ['testing'] };

/**
 * The API reference: TypeDoc reads each package's public entry (`src/index.ts`, plus subpath
 * entries such as `@residual/backend/testing`) and writes one markdown page per entry into
 * `api/`. One TypeScript program covers every package, which is several times faster than
 * TypeDoc's per-package mode.
 */
export async function generateApiReference(): Promise<void> {
  const entries = PACKAGES.flatMap((name) => [
    {
      file: join(REPO_ROOT, 'packages', name, 'src', 'index.ts'),
      module: `@residual/${name}`,
      pkg: name,
    },
    ...(EXTRA_ENTRIES[name] ?? []).map((sub) => ({
      file: join(REPO_ROOT, 'packages', name, 'src', sub, 'index.ts'),
      module: `@residual/${name}/${sub}`,
      pkg: name,
    })),
  ]);
  await resetDir(API_DIR);
  // typedoc-vitepress-theme's options (docsRoot, sidebar) are not in TypeDoc's option types.
  const options: Partial<TypeDocOptions> & Record<string, unknown> = {
    entryPoints: entries.map((e) => e.file),
    entryPointStrategy: 'resolve',
    tsconfig: join(DOCS_ROOT, 'tsconfig.typedoc.json'),
    plugin: ['typedoc-plugin-markdown', 'typedoc-vitepress-theme'],
    out: API_DIR,
    docsRoot: DOCS_ROOT,
    outputFileStrategy: 'modules',
    entryFileName: 'index',
    readme: 'none',
    hideBreadcrumbs: true,
    hidePageHeader: true,
    excludePrivate: true,
    excludeInternal: true,
    excludeExternals: true,
    disableSources: true,
    useCodeBlocks: true,
    excludeScopesInPaths: true,
    parametersFormat: 'table',
    interfacePropertiesFormat: 'table',
    classPropertiesFormat: 'table',
    typeDeclarationFormat: 'table',
    // A warning (an exported name whose type is not exported, say) must not fail the site.
    name: 'API reference',
    treatWarningsAsErrors: false,
    logLevel: 'Error',
    sidebar: { autoConfiguration: true, format: 'vitepress', pretty: true, collapsed: false },
  };
  const app = await Application.bootstrapWithPlugins(options);
  const project = await app.convert();
  if (project === undefined) throw new Error('TypeDoc could not convert the packages (see above).');

  // Name each module after the import path users write, and describe it with the package's own
  // description, instead of TypeDoc's folder-derived names ("backend/src").
  for (const child of project.children ?? []) {
    const source = child.sources?.[0]?.fullFileName ?? findEntryFile(child, entries);
    const entry = entries.find((e) => e.file === source);
    if (entry === undefined || !child.kindOf(ReflectionKind.Module)) continue;
    child.name = entry.module;
    const pkg = JSON.parse(
      await readFile(join(REPO_ROOT, 'packages', entry.pkg, 'package.json'), 'utf8'),
    ) as { description?: string };
    if (child.comment === undefined && pkg.description && !entry.module.endsWith('/testing')) {
      child.comment = new Comment([{ kind: 'text', text: pkg.description }]);
    }
  }
  await app.generateOutputs(project);
}

function findEntryFile(
  child: DeclarationReflection,
  entries: { file: string }[],
): string | undefined {
  // Modules carry no sources with disableSources; their TypeDoc name is the path below the common root.
  const byPath = entries.find(
    (e) =>
      relative(REPO_ROOT, e.file)
        .split(sep)
        .join('/')
        .replace(/^packages\//, '')
        .replace(/\/index\.ts$/, '') === child.name,
  );
  return byPath?.file;
}
