/** The environment variable that moves the data folder (as TORCH_HOME or TFDS_DATA_DIR do). */
export const DATA_DIR_ENV = 'RESIDUAL_DATA_DIR';

export interface DataDirContext {
  env: Record<string, string | undefined>;
  platform: string;
  home: string;
}

/**
 * Where data sets are kept when no folder is given: `$RESIDUAL_DATA_DIR` if set, else
 * `residual/datasets` in the user's cache folder (`$XDG_CACHE_HOME` or `~/.cache` on Linux,
 * `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on Windows). Each data set has its own
 * subfolder (`mnist/`, `cifar10/`, …).
 */
export function defaultDataDir(context: DataDirContext = nodeContext()): string {
  const { env, platform, home } = context;
  const fromEnv = env[DATA_DIR_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (platform === 'win32') {
    const base = env.LOCALAPPDATA || `${home}\\AppData\\Local`;
    return `${base}\\residual\\datasets`;
  }
  if (platform === 'darwin') return `${home}/Library/Caches/residual/datasets`;
  const cache = env.XDG_CACHE_HOME || `${home}/.cache`;
  return `${cache}/residual/datasets`;
}

function nodeContext(): DataDirContext {
  if (typeof process === 'undefined' || process.versions?.node === undefined) {
    throw new Error('defaultDataDir needs Node.js; pass a folder where files are kept instead.');
  }
  return {
    env: process.env,
    platform: process.platform,
    home: process.env.HOME ?? process.env.USERPROFILE ?? '.',
  };
}
