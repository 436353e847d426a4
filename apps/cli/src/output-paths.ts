import { mkdtemp, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UsageError } from './usage-error.js';

/** Refuses an `--out` file that exists: results are never written over. */
export async function checkNewFile(path: string, where: string): Promise<void> {
  const { access } = await import('node:fs/promises');
  const exists = await access(path).then(
    () => true,
    () => false,
  );
  if (exists) throw new UsageError(`${where}: ${path} already exists; choose another name.`);
}

/** Refuses an `--out` directory that holds anything. */
export async function checkNewDirectory(dir: string, where: string): Promise<void> {
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw new UsageError(`${where}: cannot use ${dir} (${error.code ?? error.message}).`);
  });
  if (entries.length > 0) {
    throw new UsageError(
      `${where}: ${dir} already exists and is not empty; choose another directory.`,
    );
  }
}

/**
 * Fills a temporary sibling of `dir` with `write` and renames it into place, so `dir` appears
 * complete or not at all; the temporary folder is removed when `write` fails.
 */
export async function writeDirectoryAtomic(
  dir: string,
  write: (temporary: string) => Promise<void>,
): Promise<void> {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(dirname(dir), { recursive: true });
  const temporary = await mkdtemp(join(dirname(dir), `.${basename(dir)}.partial-`));
  try {
    await write(temporary);
    // An empty directory at `dir` (allowed by checkNewDirectory) gives way to the new one.
    await rmdir(dir).catch(() => undefined);
    await rename(temporary, dir);
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw error;
  }
}
