import type { DownloadProgress } from '@residual/datasets';
import type { Terminal } from './terminal.js';

/**
 * Renders data set downloads on stderr: on a terminal, a bar per file redrawn in place (size,
 * speed, retries); otherwise (logs, CI) a line when a file starts, each retry, and when it is in
 * place. Pass the returned function as `onProgress` to `loadDataset`.
 */
export function downloadProgress(terminal: Terminal): (progress: DownloadProgress) => void {
  let current: { file: string; attempt: number; started: number } | undefined;
  let lastDraw = 0;
  return (progress) => {
    const now = performance.now();
    if (progress.attempt === 0) {
      // Already downloaded and verified: nothing to show.
      return;
    }
    if (current?.file !== progress.file || current.attempt !== progress.attempt) {
      if (current?.file === progress.file) {
        terminal.err(
          `${terminal.interactive ? '\r\x1b[K' : ''}retrying ${progress.file} (try ${progress.attempt})\n`,
        );
      } else if (!terminal.interactive) {
        terminal.err(`downloading ${progress.file} from ${progress.url}\n`);
      }
      current = { file: progress.file, attempt: progress.attempt, started: now };
    }
    const seconds = (now - current.started) / 1000;
    if (progress.done) {
      terminal.err(
        `${terminal.interactive ? '\r\x1b[K' : ''}downloaded ${progress.file} (${megabytes(progress.receivedBytes)}) in ${seconds.toFixed(1)}s\n`,
      );
      current = undefined;
      return;
    }
    if (!terminal.interactive || now - lastDraw < 100) return;
    lastDraw = now;
    const total = progress.totalBytes;
    const rate = seconds > 0 ? `${megabytes(progress.receivedBytes / seconds)}/s` : '';
    const prefix = `${progress.file} `;
    const suffix = ` ${megabytes(progress.receivedBytes)}${total ? ` / ${megabytes(total)}` : ''} ${rate}`;
    const width = Math.max(10, Math.min(40, terminal.columns - prefix.length - suffix.length - 3));
    const filled = total
      ? Math.min(width, Math.round((progress.receivedBytes / total) * width))
      : 0;
    terminal.err(`\r${prefix}[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]${suffix}\x1b[K`);
  };
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
