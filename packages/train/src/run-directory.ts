import { ResidualError } from '@residual/backend';
import { latestCheckpoint } from './checkpoints.js';
import { replaceFileDurable } from './durable-files.js';

/** A run directory that cannot be used for the run asked for. */
export class RunDirectoryError extends ResidualError {}

/** `run.json`: the configuration a run directory belongs to. */
export const RUN_FILE = 'run.json';
/** The run directory's checkpoints folder. */
export const CHECKPOINTS_DIR = 'checkpoints';

/** What defines a run: plain JSON values (strings, numbers, booleans; absent for unset). */
export type RunConfig = Record<string, string | number | boolean | undefined>;

export interface OpenedRun {
  /** The run's checkpoints folder. */
  checkpoints: string;
  /** The newest checkpoint of an earlier, interrupted run of the same configuration. */
  resumeFrom?: string;
  /** True when `dir` is absent or empty: a new run. */
  isNew: boolean;
}

/**
 * Makes `dir` the home of a run of `config`. An absent or empty directory gets a `run.json`; a
 * directory whose `run.json` holds the same configuration is that run, to be continued from its
 * newest checkpoint. Anything else is refused, so a run never writes into another's files.
 * @throws RunDirectoryError naming the directory and the first difference.
 */
export async function openRunDirectory(dir: string, config: RunConfig): Promise<OpenedRun> {
  const run = await inspectRunDirectory(dir, config);
  if (run.isNew) {
    const record = { format: 'residual-run', version: 1, config: defined(config) };
    try {
      await createDirectory(dir);
      await replaceFileDurable(`${dir}/${RUN_FILE}`, `${JSON.stringify(record, null, 2)}\n`);
    } catch (error) {
      throw cannotWrite(dir, error);
    }
  }
  return run;
}

/**
 * What {@link openRunDirectory} would find in `dir`, leaving nothing behind (a new directory is
 * created and removed again, to check that it can be written): check a directory before slow
 * work (loading data), create it after.
 * @throws RunDirectoryError as openRunDirectory does.
 */
export async function inspectRunDirectory(dir: string, config: RunConfig): Promise<OpenedRun> {
  const { readdir } = await import('node:fs/promises');
  const checkpoints = `${dir}/${CHECKPOINTS_DIR}`;
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw new RunDirectoryError(`${dir}: cannot read it (${error.code ?? error.message}).`);
  });
  if (entries.length === 0) {
    await checkWritableDirectory(dir);
    return { checkpoints, isNew: true };
  }
  if (!entries.includes(RUN_FILE)) {
    throw new RunDirectoryError(
      `${dir} is not empty and holds no ${RUN_FILE}; choose another directory.`,
    );
  }
  const saved = await readRunConfig(dir);
  const difference = configDifference(saved, config);
  if (difference !== undefined) {
    throw new RunDirectoryError(
      `${dir} holds a run of another configuration (${difference}); choose another directory.`,
    );
  }
  return { checkpoints, resumeFrom: await latestCheckpoint(checkpoints), isNew: false };
}

/**
 * Checks that `dir` (absent or empty) can be created and written, leaving nothing behind: it
 * is created with missing parents, a probe file written and removed, and what was created
 * removed again. Trying is the only reliable test: permission bits say nothing for root, and
 * pseudo file systems (/proc, /sys) refuse what their modes allow. No step waits on anything.
 * @throws RunDirectoryError naming the directory and the system's reason.
 */
export async function checkWritableDirectory(dir: string): Promise<void> {
  const { rm, writeFile } = await import('node:fs/promises');
  let created: string | undefined;
  try {
    created = await createDirectory(dir);
    const probe = `${dir}/.residual-write-check-${process.pid}`;
    await writeFile(probe, '');
    await rm(probe);
  } catch (error) {
    throw cannotWrite(dir, error);
  } finally {
    if (created !== undefined) await rm(created, { recursive: true, force: true });
  }
}

/**
 * `mkdir -p dir`, returning the first directory it created (undefined if `dir` existed). Not
 * Node's `mkdir(dir, { recursive: true })`: on /proc (ENOENT for a directory whose parent
 * exists) that retries forever. Each missing directory is made once, from the top down.
 */
export async function createDirectory(dir: string): Promise<string | undefined> {
  const { mkdir, stat } = await import('node:fs/promises');
  const { dirname, resolve } = await import('node:path');
  const missing: string[] = [];
  for (let path = resolve(dir); ; path = dirname(path)) {
    const found = await stat(path).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return false;
        throw error;
      },
    );
    if (found || dirname(path) === path) break;
    missing.unshift(path);
  }
  for (const path of missing) await mkdir(path);
  return missing[0];
}

function cannotWrite(dir: string, error: unknown): RunDirectoryError {
  const code = (error as NodeJS.ErrnoException).code;
  return new RunDirectoryError(
    `${dir}: cannot create or write it (${code ?? (error as Error).message}).`,
  );
}

/**
 * The configuration of the run in `dir`.
 * @throws RunDirectoryError when `dir` holds no readable `run.json`.
 */
export async function readRunConfig(dir: string): Promise<RunConfig> {
  const { readFile } = await import('node:fs/promises');
  const path = `${dir}/${RUN_FILE}`;
  let parsed: { format?: unknown; config?: unknown };
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new RunDirectoryError(
      code === 'ENOENT'
        ? `${path}: missing; ${dir} is not a run directory.`
        : `${path}: cannot read it (${code ?? (error as Error).message}).`,
    );
  }
  if (parsed.format !== 'residual-run' || typeof parsed.config !== 'object' || !parsed.config) {
    throw new RunDirectoryError(`${path}: not a residual run file.`);
  }
  return parsed.config as RunConfig;
}

/**
 * The first key whose value differs, as words (`epochs is 3 there, 5 here`), or undefined when
 * the configurations agree. Absent and undefined are the same.
 */
export function configDifference(saved: RunConfig, current: RunConfig): string | undefined {
  const keys = new Set([...Object.keys(saved), ...Object.keys(current)]);
  for (const key of keys) {
    if (saved[key] !== current[key]) {
      return `${key} is ${show(saved[key])} there, ${show(current[key])} here`;
    }
  }
  return undefined;
}

function defined(config: RunConfig): RunConfig {
  return Object.fromEntries(Object.entries(config).filter(([, value]) => value !== undefined));
}

function show(value: RunConfig[string]): string {
  return value === undefined ? 'unset' : JSON.stringify(value);
}
