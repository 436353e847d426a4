// Node.js file helpers for crash-safe writes. Node's modules are imported when first used, so
// the package still loads in a browser (where only training without files is available).

/** Writes `path` and flushes it to the disk before resolving. */
export async function writeFileDurable(path: string, data: Uint8Array | string): Promise<void> {
  const { open } = await import('node:fs/promises');
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Flushes a directory's entries (a rename or a new file in it) to the disk. Some platforms
 * cannot open a directory for that; there the rename is as durable as the platform makes it.
 */
export async function syncDirectory(path: string): Promise<void> {
  const { open } = await import('node:fs/promises');
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, 'r');
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL') throw error;
  } finally {
    await handle?.close();
  }
}

/** Writes `path` via a temporary sibling, a flush and a rename: readers never see a partial file. */
export async function replaceFileDurable(path: string, data: Uint8Array | string): Promise<void> {
  const { rename, rm } = await import('node:fs/promises');
  const temporary = `${path}.tmp-${process.pid}-${Date.now()}`;
  try {
    await writeFileDurable(temporary, data);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

export async function sha256(data: Uint8Array | string): Promise<string> {
  const { createHash } = await import('node:crypto');
  return createHash('sha256').update(data).digest('hex');
}
