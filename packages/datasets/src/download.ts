import type { RemoteFile } from './catalog.js';
import { DatasetError } from './dataset-error.js';
import { removeAbandoned, temporaryName } from './files.js';

/** Reported while a file downloads; `totalBytes` is undefined when the server does not say. */
export interface DownloadProgress {
  file: string;
  url: string;
  receivedBytes: number;
  totalBytes?: number;
  /** 1 for the first try of this URL, 2 for the first retry, … */
  attempt: number;
  /** True once the file is verified and in place. */
  done: boolean;
}

export interface DownloadOptions {
  /** Called as bytes arrive and once when the file is in place. */
  onProgress?: (progress: DownloadProgress) => void;
  /** Tries per URL after a network failure, a stall or a server error. Default 3. */
  attempts?: number;
  /** Wait before the first retry; doubled for each further one. Default 1,000 ms. */
  retryDelayMs?: number;
  /** Give up on a try when no byte arrives for this long. Default 30,000 ms. */
  stallTimeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Downloads `file` to `destination` (Node.js): tries each mirror in turn, retries network
 * failures and server errors with exponential back-off, gives up on a connection that stalls,
 * and checks size and SHA-256 before the file appears under its name. The bytes go to a
 * temporary file that is renamed into place only once verified, so a partial or corrupt
 * download never looks complete. A verified file already at `destination` is kept.
 * @throws DatasetError listing every URL tried and why it failed.
 */
export async function downloadFile(
  file: RemoteFile,
  destination: string,
  options: DownloadOptions = {},
): Promise<void> {
  if (await hasChecksum(destination, file.sha256)) {
    options.onProgress?.({
      file: file.name,
      url: file.urls[0] ?? '',
      receivedBytes: file.size,
      totalBytes: file.size,
      attempt: 0,
      done: true,
    });
    return;
  }
  const { mkdir } = await import('node:fs/promises');
  const { dirname } = await import('node:path');
  await mkdir(dirname(destination), { recursive: true });
  await removeAbandoned(destination, 'partial');
  const failures: string[] = [];
  const attempts = options.attempts ?? 3;
  for (const url of file.urls) {
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) await sleep((options.retryDelayMs ?? 1000) * 2 ** (attempt - 2), options);
      const outcome = await tryDownload(file, url, destination, attempt, options);
      if (outcome === 'done') return;
      if (!outcome.retry || attempt === attempts) {
        failures.push(`${url}: ${outcome.reason}${attempt > 1 ? ` (${attempt} tries)` : ''}`);
        break;
      }
    }
  }
  throw new DatasetError(
    `Cannot download ${file.name}: ${failures.join('; ')}. Check the connection, or put the file in ${dirname(destination)} yourself.`,
  );
}

/** True when `path` exists and its SHA-256 is `sha256`. */
export async function hasChecksum(path: string, sha256: string): Promise<boolean> {
  const { createReadStream } = await import('node:fs');
  const { createHash } = await import('node:crypto');
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch {
    return false;
  }
  return hash.digest('hex') === sha256;
}

type Outcome = 'done' | { reason: string; retry: boolean };

async function tryDownload(
  file: RemoteFile,
  url: string,
  destination: string,
  attempt: number,
  options: DownloadOptions,
): Promise<Outcome> {
  const { open, rename, rm } = await import('node:fs/promises');
  const { createHash } = await import('node:crypto');
  if (options.signal?.aborted) throw abortError(file);
  const controller = new AbortController();
  const stallTimeoutMs = options.stallTimeoutMs ?? 30_000;
  let stalled = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const watch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      stalled = true;
      controller.abort();
    }, stallTimeoutMs);
  };
  const stop = () => controller.abort();
  options.signal?.addEventListener('abort', stop);
  const partial = temporaryName(destination, 'partial');
  let output: Awaited<ReturnType<typeof open>> | undefined;
  let receivedBytes = 0;
  try {
    watch();
    const response = await fetch(url, { signal: controller.signal, redirect: 'follow' });
    if (!response.ok || response.body === null) {
      await response.body?.cancel();
      // Client errors (404, 403) will not change on a retry; server errors may.
      return {
        reason: `HTTP ${response.status} ${response.statusText}`.trim(),
        retry: response.status >= 500 || response.status === 429,
      };
    }
    const declared = Number(response.headers.get('content-length') ?? Number.NaN);
    const totalBytes = Number.isFinite(declared) ? declared : file.size;
    const hash = createHash('sha256');
    output = await open(partial, 'w');
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      watch();
      hash.update(chunk);
      await output.write(chunk);
      receivedBytes += chunk.length;
      if (receivedBytes > file.size) {
        return { reason: `more than the expected ${file.size} bytes`, retry: false };
      }
      options.onProgress?.({
        file: file.name,
        url,
        receivedBytes,
        totalBytes,
        attempt,
        done: false,
      });
    }
    clearTimeout(timer);
    if (receivedBytes !== file.size) {
      return {
        reason: `truncated: received ${receivedBytes} of ${file.size} bytes`,
        retry: true,
      };
    }
    const sha256 = hash.digest('hex');
    if (sha256 !== file.sha256) {
      // A mirror that serves other bytes will serve them again: try the next mirror.
      return { reason: `wrong SHA-256 ${sha256}, expected ${file.sha256}`, retry: false };
    }
    await output.sync();
    await output.close();
    output = undefined;
    await rename(partial, destination);
    options.onProgress?.({
      file: file.name,
      url,
      receivedBytes,
      totalBytes: receivedBytes,
      attempt,
      done: true,
    });
    return 'done';
  } catch (error) {
    if (options.signal?.aborted) throw abortError(file);
    const after = receivedBytes > 0 ? ` after ${receivedBytes} of ${file.size} bytes` : '';
    if (stalled) {
      return { reason: `stalled: no data for ${stallTimeoutMs} ms${after}`, retry: true };
    }
    return { reason: `${networkReason(error)}${after}`, retry: true };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', stop);
    await output?.close();
    await rm(partial, { force: true });
  }
}

const NETWORK_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
};

/** The most telling part of a fetch failure, in words. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code;
  if (code !== undefined) return NETWORK_ERRORS[code] ?? code;
  return cause?.message ?? (error as Error).message ?? String(error);
}

function abortError(file: RemoteFile): DatasetError {
  return new DatasetError(`Download of ${file.name} was cancelled.`);
}

/** Waits `ms`, or less when the signal aborts (the next try then reports the cancellation). */
function sleep(ms: number, options: DownloadOptions): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    options.signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
