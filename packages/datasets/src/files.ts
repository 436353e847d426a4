/** The error code of a failed file operation (ENOENT, EACCES, …), for one-line messages. */
export function readErrorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error);
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
