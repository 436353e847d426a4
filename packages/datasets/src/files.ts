import { DatasetError } from './dataset-error.js';
import type { ImageFile } from './image-files.js';

/** The error code of a failed file operation (ENOENT, EACCES, …), for one-line messages. */
export function readErrorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error);
}

/**
 * Every file below the folder `absolute` (Node.js), as `ImageFile`s whose paths are relative
 * to it; hidden files and folders are skipped, links followed (a broken one is kept, so reading
 * it reports the problem).
 * @throws DatasetError naming a folder that cannot be read.
 */
export async function listFolderFiles(absolute: string): Promise<ImageFile[]> {
  const [{ readdir, readFile, stat }, { join }] = await Promise.all([
    import('node:fs/promises'),
    import('node:path'),
  ]);
  const files: ImageFile[] = [];
  const walk = async (relative: string[]): Promise<void> => {
    const folder = join(absolute, ...relative);
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      throw new DatasetError(`${folder}: cannot read the folder (${readErrorCode(error)}).`);
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = [...relative, entry.name];
      const full = join(absolute, ...path);
      const isDirectory = entry.isSymbolicLink()
        ? await stat(full).then(
            (info) => info.isDirectory(),
            () => false,
          )
        : entry.isDirectory();
      if (isDirectory) await walk(path);
      else if (entry.isFile() || entry.isSymbolicLink()) {
        files.push({ path: path.join('/'), displayName: full, read: () => readFile(full) });
      }
    }
  };
  await walk([]);
  return files;
}

/** Whether `path` is a file, a directory, or nothing (Node.js). */
export async function pathKind(path: string): Promise<'file' | 'directory' | undefined> {
  const { stat } = await import('node:fs/promises');
  try {
    const info = await stat(path);
    return info.isDirectory() ? 'directory' : info.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
}

/** A name for a temporary sibling of `path` that no other process picks. */
export function temporaryName(path: string, what: string): string {
  const random = Math.floor(Math.random() * 0x100000000).toString(16);
  return `${path}.${process.pid}-${random}.${what}`;
}

/**
 * Deletes what earlier runs left at `temporaryName(path, what)` names (a killed download, an
 * interrupted extraction) when the process that made it has died; a live process's is kept.
 */
export async function removeAbandoned(path: string, what: string): Promise<void> {
  const [{ readdir, rm }, { basename, dirname, join }] = await Promise.all([
    import('node:fs/promises'),
    import('node:path'),
  ]);
  const prefix = `${basename(path)}.`;
  const pattern = new RegExp(`^(\\d+)-[0-9a-f]+\\.${what}$`);
  let names: string[];
  try {
    names = await readdir(dirname(path));
  } catch {
    return;
  }
  for (const name of names) {
    const match = name.startsWith(prefix) ? pattern.exec(name.slice(prefix.length)) : null;
    if (match === null || isAlive(Number(match[1]))) continue;
    await rm(join(dirname(path), name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
