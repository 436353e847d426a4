import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** A module whose cold import is timed: a published package's built entry, or tfjs itself. */
export interface ImportTarget {
  name: string;
  /** The file URL a fresh `node` imports. */
  entry: string;
  /** Whether importing it imports tfjs too (a peer dependency), so tfjs is its floor. */
  importsTfjs: boolean;
}

/** One fresh process: Node's own boot, then the import, both in seconds. */
export interface ColdImport {
  /** From process start (performance.timeOrigin) to the first line of our script. */
  nodeBootSeconds: number;
  /** The `await import(...)` alone, after the boot. */
  importSeconds: number;
}

export const TFJS = '@tensorflow/tfjs';

interface Manifest {
  name: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  exports?: { '.'?: { default?: string } };
}

/**
 * tfjs (the baseline every package pays), then every package under packages/ that is published
 * (not private), by name; each at its built entry, so `pnpm bench` builds them first.
 */
export function importTargets(root: string): ImportTarget[] {
  // The bench's own tfjs: the one the packages resolve too (tfjs has no exports map, so Node's
  // ESM import of the bare name loads its `main` as this does).
  const tfjs = createRequire(join(root, 'bench', 'package.json')).resolve(TFJS);
  const packages = readdirSync(join(root, 'packages'))
    .map((dir) => join(root, 'packages', dir))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({ dir, manifest: readManifest(dir) }))
    .filter(({ manifest }) => manifest.private !== true)
    .map(({ dir, manifest }) => ({
      name: manifest.name,
      entry: builtEntry(dir, manifest),
      importsTfjs: TFJS in { ...manifest.dependencies, ...manifest.peerDependencies },
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return [{ name: TFJS, entry: pathToFileURL(tfjs).href, importsTfjs: true }, ...packages];
}

function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
}

function builtEntry(dir: string, manifest: Manifest): string {
  const entry = manifest.exports?.['.']?.default;
  if (entry === undefined) {
    throw new Error(`${manifest.name}: package.json has no exports["."].default to import.`);
  }
  const file = join(dir, entry);
  if (!existsSync(file)) {
    throw new Error(`${manifest.name}: ${file} is missing; build it first (pnpm bench does).`);
  }
  return pathToFileURL(file).href;
}

/**
 * Imports `target` in a fresh `node` and reports the times the child measured itself: the clock
 * starts at the child's process start, so spawning costs the parent nothing we count.
 */
export function coldImport(target: ImportTarget): Promise<ColdImport> {
  const script = [
    'const booted = performance.now();',
    `await import(${JSON.stringify(target.entry)});`,
    'const imported = performance.now();',
    // A package may leave handles open (worker threads, timers); exit without waiting on them.
    "process.stdout.write('\\n' + JSON.stringify({ booted, imported }) + '\\n', () => process.exit(0));",
  ].join('\n');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '--eval', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      // The last line is ours; a package may print before it (tfjs greets Node users).
      const last = stdout.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !last.startsWith('{')) {
        reject(new Error(`importing ${target.name} exited with ${code}: ${stderr.trim()}`));
        return;
      }
      const { booted, imported } = JSON.parse(last) as { booted: number; imported: number };
      resolve({ nodeBootSeconds: booted / 1000, importSeconds: (imported - booted) / 1000 });
    });
  });
}

/** `runs` fresh imports of every target, interleaved so that load on the machine hits all alike. */
export async function coldImports(
  targets: ImportTarget[],
  runs: number,
): Promise<Map<ImportTarget, ColdImport[]>> {
  const results = new Map<ImportTarget, ColdImport[]>(targets.map((t) => [t, []]));
  for (let run = 0; run < runs; run++) {
    for (const target of targets) results.get(target)?.push(await coldImport(target));
  }
  return results;
}
