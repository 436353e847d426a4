// The workspace's published packages and their @residual dependencies, read from the manifests,
// so that a test packing a package's tarballs never misses one a package comes to depend on.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '..', '..', '..');
export const packagesDir = join(root, 'packages');

export interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

export function manifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8')) as Manifest;
}

/** The folders under packages/ of the packages published as @residual/…. */
export const published = readdirSync(packagesDir).filter((dir) =>
  manifest(dir).name.startsWith('@residual/'),
);

/** The folder under packages/ of a published package. */
export function packageDir(name: string): string {
  const dir = published.find((d) => manifest(d).name === name);
  if (dir === undefined) throw new Error(`${name} is not a package of this workspace.`);
  return dir;
}

/** The package and every @residual package it depends on, transitively. */
export function closure(name: string, seen = new Set<string>()): Set<string> {
  seen.add(name);
  const { dependencies = {}, optionalDependencies = {} } = manifest(packageDir(name));
  for (const dep of [...Object.keys(dependencies), ...Object.keys(optionalDependencies)]) {
    if (dep.startsWith('@residual/') && !seen.has(dep)) closure(dep, seen);
  }
  return seen;
}
