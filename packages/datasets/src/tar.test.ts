import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DatasetError } from './dataset-error.js';
import { extractTar, extractTarGz, readTar } from './tar.js';
import { tarBytes, tempDir } from './test-files.js';

/** Feeds `bytes` in chunks of `size`, as a file or network stream would. */
async function* chunks(bytes: Uint8Array, size = 700): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

const archive = tarBytes({
  'data/a.bin': new Uint8Array(1500).map((_, i) => i % 251),
  'data/b.txt': 'hello\n',
  'empty.bin': new Uint8Array(0),
});

describe('readTar', () => {
  it('lists every entry with its content, whatever the chunk size', async () => {
    for (const size of [1, 511, 512, 700, 100_000]) {
      const seen: string[] = [];
      await readTar(chunks(archive, size), 'a.tar', async (entry, content) => {
        let length = 0;
        for await (const chunk of content) length += chunk.length;
        seen.push(`${entry.type} ${entry.name} ${length}`);
      });
      expect(seen).toEqual([
        'directory data/ 0',
        'file data/a.bin 1500',
        'file data/b.txt 6',
        'file empty.bin 0',
      ]);
    }
  });

  it('skips content an entry handler leaves unread', async () => {
    const names: string[] = [];
    await readTar(chunks(archive), 'a.tar', async (entry) => {
      names.push(entry.name);
    });
    expect(names).toEqual(['data/', 'data/a.bin', 'data/b.txt', 'empty.bin']);
  });

  it('refuses damaged headers and truncated archives', async () => {
    const damaged = archive.slice();
    damaged[512 + 3] ^= 0x20; // a letter of the second entry's name
    const read = (bytes: Uint8Array) => readTar(chunks(bytes), 'a.tar', async () => {});
    await expect(read(damaged)).rejects.toThrow(
      'a.tar: corrupt tar header at byte 512 (checksum mismatch): not a tar archive, or damaged.',
    );
    await expect(read(archive.subarray(0, 1500))).rejects.toThrow('a.tar: truncated tar archive.');
    await expect(read(archive.subarray(0, 512 * 6))).rejects.toThrow(
      /a\.tar: truncated tar archive/,
    );
    await expect(read(new TextEncoder().encode('not a tar file'))).rejects.toBeInstanceOf(
      DatasetError,
    );
  });
});

describe('extractTar', () => {
  it('writes the files under the destination', async () => {
    const dir = tempDir();
    const written = await extractTar(chunks(archive), 'a.tar', dir);
    expect(written).toEqual(['data/a.bin', 'data/b.txt', 'empty.bin']);
    expect(readFileSync(join(dir, 'data', 'b.txt'), 'utf8')).toBe('hello\n');
    expect(readFileSync(join(dir, 'data', 'a.bin')).length).toBe(1500);
  });

  it('refuses names that leave the destination', async () => {
    const dir = tempDir();
    await expect(
      extractTar(chunks(tarBytes({ '../escape.txt': 'x' })), 'evil.tar', dir),
    ).rejects.toThrow('evil.tar: refusing the entry "../" outside the archive.');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('extracts a gzipped archive from disk and names corrupt gzip data', async () => {
    const dir = tempDir();
    const path = join(dir, 'a.tar.gz');
    writeFileSync(path, gzipSync(archive));
    expect(await extractTarGz(path, join(dir, 'out'))).toHaveLength(3);
    const cut = join(dir, 'cut.tar.gz');
    writeFileSync(cut, gzipSync(archive).subarray(0, 200));
    await expect(extractTarGz(cut, join(dir, 'out2'))).rejects.toThrow(
      /cut\.tar\.gz: corrupt gzip data \(unexpected end of file\)\./,
    );
  });
});

describe('extractTarGz on a missing file', () => {
  it('fails at once instead of waiting forever', async () => {
    const dir = tempDir();
    await expect(extractTarGz(join(dir, 'none.tar.gz'), join(dir, 'out'))).rejects.toThrow(
      `${join(dir, 'none.tar.gz')}: cannot read the file (ENOENT).`,
    );
  });
});
