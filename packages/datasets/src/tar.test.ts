import { lstatSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { packTar } from 'modern-tar';
import { describe, expect, it } from 'vitest';
import { DatasetError } from './dataset-error.js';
import { extractTar, extractTarGz } from './tar.js';
import { tarBytes, tarHeader, tempDir } from './test-files.js';

/** Feeds `bytes` in chunks of `size`, as a file or network stream would. */
async function* chunks(bytes: Uint8Array, size = 700): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

const archive = tarBytes({
  'data/a.bin': new Uint8Array(1500).map((_, i) => i % 251),
  'data/b.txt': 'hello\n',
  'empty.bin': new Uint8Array(0),
});

describe('extractTar', () => {
  it('writes every file, whatever the chunk size', async () => {
    for (const size of [1, 511, 512, 700, 100_000]) {
      const dir = tempDir();
      expect(await extractTar(chunks(archive, size), 'a.tar', dir)).toEqual([
        'data/a.bin',
        'data/b.txt',
        'empty.bin',
      ]);
      expect(readFileSync(join(dir, 'data', 'a.bin'))).toEqual(
        Buffer.from(new Uint8Array(1500).map((_, i) => i % 251)),
      );
      expect(readFileSync(join(dir, 'empty.bin')).length).toBe(0);
    }
  });

  it('refuses damaged headers and truncated archives', async () => {
    const damaged = archive.slice();
    damaged[512 + 3] ^= 0x20; // a letter of the second entry's name
    const read = (bytes: Uint8Array) => extractTar(chunks(bytes), 'a.tar', tempDir());
    await expect(read(damaged)).rejects.toThrow(
      'a.tar: corrupt tar header (checksum mismatch): not a tar archive, or damaged.',
    );
    await expect(read(archive.subarray(0, 1500))).rejects.toThrow('a.tar: truncated tar archive.');
    await expect(read(archive.subarray(0, 512 * 6))).rejects.toThrow(
      'a.tar: truncated tar archive.',
    );
    await expect(read(new TextEncoder().encode('not a tar file'))).rejects.toBeInstanceOf(
      DatasetError,
    );
  });

  it('writes the files under the destination', async () => {
    const dir = tempDir();
    const written = await extractTar(chunks(archive), 'a.tar', dir);
    expect(written).toEqual(['data/a.bin', 'data/b.txt', 'empty.bin']);
    expect(readFileSync(join(dir, 'data', 'b.txt'), 'utf8')).toBe('hello\n');
    expect(readFileSync(join(dir, 'data', 'a.bin')).length).toBe(1500);
  });

  it('writes files readable and folders searchable, whatever modes the archive gives', async () => {
    const dir = tempDir();
    const locked = await packTar([
      { header: { name: 'locked/', type: 'directory', size: 0, mode: 0o000 } },
      { header: { name: 'locked/x.sh', type: 'file', size: 2, mode: 0o4777 }, body: 'x\n' },
    ]);
    expect(await extractTar(chunks(locked), 'modes.tar', dir)).toEqual(['locked/x.sh']);
    // Permission bits as asked (0755, 0644), less what the umask takes away.
    expect(statSync(join(dir, 'locked')).mode & 0o7500).toBe(0o500);
    expect(statSync(join(dir, 'locked', 'x.sh')).mode & 0o7500).toBe(0o400);
    expect(readFileSync(join(dir, 'locked', 'x.sh'), 'utf8')).toBe('x\n');
  });

  it('refuses names that leave the destination', async () => {
    const dir = tempDir();
    await expect(
      extractTar(chunks(tarBytes({ '../escape.txt': 'x' })), 'evil.tar', dir),
    ).rejects.toThrow('evil.tar: refusing the entry "../" outside the archive.');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('skips links, so a file cannot be written through one', async () => {
    const dir = tempDir();
    const data = new TextEncoder().encode('x');
    const linked = concat(
      tarHeader('link', 0, '2', '../../outside'),
      tarHeader('link/x.txt', 1, '0'),
      concat(data, new Uint8Array(511)),
      new Uint8Array(1024),
    );
    expect(await extractTar(chunks(linked), 'links.tar', dir)).toEqual(['link/x.txt']);
    expect(lstatSync(join(dir, 'link')).isDirectory()).toBe(true);
    expect(readFileSync(join(dir, 'link', 'x.txt'), 'utf8')).toBe('x');
  });

  it('refuses absolute and control-character names, and data after the end marker', async () => {
    const one = (name: string) => concat(tarHeader(name, 0, '0'), new Uint8Array(1024));
    await expect(extractTar(chunks(one('/etc/x')), 'evil.tar', tempDir())).rejects.toThrow(
      'evil.tar: refusing the entry "/etc/x" outside the archive.',
    );
    await expect(extractTar(chunks(one('a\nb')), 'evil.tar', tempDir())).rejects.toThrow(
      'evil.tar: refusing the entry "a\\nb" (bad name).',
    );
    const trailing = concat(archive, new Uint8Array(512).fill(7));
    await expect(extractTar(chunks(trailing), 'a.tar', tempDir())).rejects.toThrow(
      'a.tar: corrupt tar archive (data after its end marker).',
    );
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
