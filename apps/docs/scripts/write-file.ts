import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Writes `text` to `path`, creating the folder. */
export async function writeText(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text.endsWith('\n') ? text : `${text}\n`);
}

/** Empties a generated folder, so a removed model or command leaves no stale page behind. */
export async function resetDir(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
  await mkdir(path, { recursive: true });
}
