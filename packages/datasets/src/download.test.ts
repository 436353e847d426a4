import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RemoteFile } from './catalog.js';
import { DatasetError } from './dataset-error.js';
import { type DownloadProgress, downloadFile } from './download.js';
import { tempDir } from './test-files.js';
import { startTestServer, type TestServer } from './test-server.js';

const body = new Uint8Array(200_000).map((_, i) => (i * 7) % 256);
const sha256 = createHash('sha256').update(body).digest('hex');
/**
 * Fast retries, so failing tests end in well under a second. The stall timeout stays at its
 * default except in the stall test: on a loaded CI machine the in-process server can pause for
 * longer than a short timeout, which turned a clean download into a retry.
 */
const quick = { retryDelayMs: 10 };

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

function remote(...paths: string[]): RemoteFile {
  return { name: 'data.bin', urls: paths.map((p) => server.url + p), sha256, size: body.length };
}

/** The destination inside a fresh folder. */
function destination(): string {
  return join(tempDir(), 'data.bin');
}

describe('downloadFile', () => {
  it('downloads, verifies and reports progress until done', async () => {
    server.route('/ok', { body });
    const path = destination();
    const seen: DownloadProgress[] = [];
    await downloadFile(remote('/ok'), path, { onProgress: (p) => seen.push({ ...p }) });
    expect(Buffer.from(readFileSync(path)).equals(Buffer.from(body))).toBe(true);
    expect(seen.at(-1)).toMatchObject({ done: true, receivedBytes: body.length, attempt: 1 });
    const received = seen.map((p) => p.receivedBytes);
    expect(received).toEqual([...received].sort((a, b) => a - b));
    expect(seen.every((p) => p.totalBytes === body.length && p.url === `${server.url}/ok`)).toBe(
      true,
    );
    expect(readdirSync(join(path, '..'))).toEqual(['data.bin']);
  });

  it('cleans up what a killed download left behind, but not a running one', async () => {
    server.route('/after-crash', { body });
    const path = destination();
    const dead = `${path}.999999999-abc.partial`;
    const running = `${path}.${process.pid}-def.partial`;
    writeFileSync(dead, 'half a file');
    writeFileSync(running, 'still coming');
    await downloadFile(remote('/after-crash'), path);
    expect(readdirSync(join(path, '..')).sort()).toEqual(
      ['data.bin', `data.bin.${process.pid}-def.partial`].sort(),
    );
  });

  it('keeps a verified file and replaces a corrupt one', async () => {
    server.route('/cached', { body });
    const path = destination();
    writeFileSync(path, body);
    await downloadFile(remote('/cached'), path);
    expect(server.hits.get('/cached')).toBeUndefined();
    writeFileSync(path, 'not the data');
    await downloadFile(remote('/cached'), path);
    expect(server.hits.get('/cached')).toBe(1);
    expect(readFileSync(path).length).toBe(body.length);
  });

  it('moves on to the next mirror after a 404, without retrying it', async () => {
    server.route('/mirror', { body });
    const path = destination();
    await downloadFile(remote('/missing', '/mirror'), path, quick);
    expect(server.hits.get('/missing')).toBe(1);
    expect(existsSync(path)).toBe(true);
  });

  it('retries server errors and cut connections with back-off, then succeeds', async () => {
    server.route('/flaky', { body, status: 503, failures: 2 });
    server.route('/cut-once', { body, truncateAt: 50_000, failures: 1 });
    const attempts: number[] = [];
    await downloadFile(remote('/flaky'), destination(), quick);
    await downloadFile(remote('/cut-once'), destination(), {
      ...quick,
      onProgress: (p) => attempts.push(p.attempt),
    });
    expect(server.hits.get('/flaky')).toBe(3);
    expect(server.hits.get('/cut-once')).toBe(2);
    expect(attempts.at(-1)).toBe(2);
  });

  it('fails with one error naming each URL, leaving no file behind', async () => {
    server.route('/truncated', { body, truncateAt: 1000 });
    const path = destination();
    const error = await downloadFile(remote('/gone', '/truncated'), path, quick).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^Cannot download data\\.bin: ${server.url}/gone: HTTP 404 Not Found; ` +
          `${server.url}/truncated: connection closed by the server.* \\(3 tries\\)\\. ` +
          `Check the connection, or put the file in .* yourself\\.$`,
      ),
    );
    expect(server.hits.get('/truncated')).toBe(3);
    expect(readdirSync(join(path, '..'))).toEqual([]);
  });

  it('refuses a file with the wrong SHA-256', async () => {
    const other = body.slice();
    other[100] ^= 1;
    server.route('/tampered', { body: other });
    const path = destination();
    await expect(downloadFile(remote('/tampered'), path, quick)).rejects.toThrow(
      `${server.url}/tampered: wrong SHA-256 ${createHash('sha256').update(other).digest('hex')}, expected ${sha256}`,
    );
    expect(server.hits.get('/tampered')).toBe(1);
    expect(readdirSync(join(path, '..'))).toEqual([]);
  });

  it('gives up on a stalled connection instead of hanging', async () => {
    server.route('/stall', { body, stallAt: 10_000 });
    const path = destination();
    await expect(
      downloadFile(remote('/stall'), path, { ...quick, stallTimeoutMs: 300, attempts: 2 }),
    ).rejects.toThrow(/\/stall: stalled: no data for 300 ms after 10000 of 200000 bytes/);
    expect(server.hits.get('/stall')).toBe(2);
    expect(readdirSync(join(path, '..'))).toEqual([]);
  });

  it('stops when cancelled', async () => {
    server.route('/slow', { body, stallAt: 1000 });
    const controller = new AbortController();
    const path = destination();
    const download = downloadFile(remote('/slow'), path, {
      ...quick,
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(download).rejects.toThrow('Download of data.bin was cancelled.');
    expect(readdirSync(join(path, '..'))).toEqual([]);
  });
});
