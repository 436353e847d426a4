import { DatasetError } from './dataset-error.js';
import { readErrorCode } from './files.js';

const BLOCK = 512;

export interface TarEntry {
  /** Path inside the archive, `/`-separated. */
  name: string;
  type: 'file' | 'directory' | 'other';
  size: number;
}

/**
 * Reads a tar archive (POSIX ustar, with GNU long names and pax path records) from a stream
 * of chunks and hands each entry with its content to `onEntry`, which must consume the content.
 * Checks every header's checksum and that no entry is cut short.
 * @param fileName used in error messages only.
 * @throws DatasetError naming the archive and the problem.
 */
export async function readTar(
  source: AsyncIterable<Uint8Array>,
  fileName: string,
  onEntry: (entry: TarEntry, content: AsyncIterable<Uint8Array>) => Promise<void>,
): Promise<void> {
  const reader = new ChunkReader(source[Symbol.asyncIterator](), fileName);
  let longName: string | undefined;
  for (;;) {
    const header = await reader.read(BLOCK);
    if (header !== undefined && header.length < BLOCK) {
      throw new DatasetError(`${fileName}: truncated tar archive (a header is cut short).`);
    }
    if (header === undefined || header.every((byte) => byte === 0)) {
      if (longName !== undefined) {
        throw new DatasetError(`${fileName}: truncated tar archive (a long name has no entry).`);
      }
      if (header === undefined) {
        throw new DatasetError(`${fileName}: truncated tar archive (no end-of-archive marker).`);
      }
      return;
    }
    checkHeader(header, fileName, reader.offset - BLOCK);
    const size = readSize(header, fileName, reader.offset - BLOCK);
    const typeFlag = String.fromCharCode(header[156]);
    const padded = Math.ceil(size / BLOCK) * BLOCK;
    if (typeFlag === 'L' || typeFlag === 'x') {
      const data = await reader.read(padded);
      if (data === undefined || data.length < size) {
        throw new DatasetError(`${fileName}: truncated tar archive.`);
      }
      const text = new TextDecoder().decode(data.subarray(0, size));
      longName = typeFlag === 'L' ? text.replace(/\0+$/, '') : (paxPath(text) ?? longName);
      continue;
    }
    const name = longName ?? headerName(header);
    longName = undefined;
    const type =
      typeFlag === '0' || typeFlag === '\0' || typeFlag === '7'
        ? 'file'
        : typeFlag === '5'
          ? 'directory'
          : 'other';
    let consumed = 0;
    const content = (async function* () {
      for await (const chunk of reader.take(size)) {
        consumed += chunk.length;
        yield chunk;
      }
    })();
    await onEntry({ name, type, size }, content);
    // Whatever the consumer left unread, and the padding to the next block, is skipped.
    await reader.skip(padded - consumed);
  }
}

/**
 * Extracts the regular files and folders of a tar archive under `destination` (Node.js),
 * refusing names that would land outside it.
 */
export async function extractTar(
  source: AsyncIterable<Uint8Array>,
  fileName: string,
  destination: string,
): Promise<string[]> {
  const [{ mkdir, open }, { dirname, join }] = await Promise.all([
    import('node:fs/promises'),
    import('node:path'),
  ]);
  const written: string[] = [];
  await readTar(source, fileName, async (entry, content) => {
    const parts = entry.name.split('/').filter((part) => part !== '' && part !== '.');
    if (entry.name.startsWith('/') || parts.includes('..') || /^[A-Za-z]:/.test(entry.name)) {
      throw new DatasetError(
        `${fileName}: refusing the entry "${entry.name}" outside the archive.`,
      );
    }
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
    if (/[\x00-\x1f\\]/.test(entry.name)) {
      throw new DatasetError(
        `${fileName}: refusing the entry ${JSON.stringify(entry.name)} (bad name).`,
      );
    }
    const target = join(destination, ...parts);
    try {
      if (entry.type === 'directory') {
        await mkdir(target, { recursive: true });
      } else if (entry.type === 'file' && parts.length > 0) {
        await mkdir(dirname(target), { recursive: true });
        const file = await open(target, 'w');
        try {
          for await (const chunk of content) await file.write(chunk);
        } finally {
          await file.close();
        }
        written.push(parts.join('/'));
      }
    } catch (error) {
      if (error instanceof DatasetError) throw error;
      throw new DatasetError(
        `${fileName}: cannot extract "${entry.name}" (${readErrorCode(error)}).`,
      );
    }
  });
  return written;
}

/** Extracts a gzipped tar archive from disk into `destination` (Node.js). */
export async function extractTarGz(archive: string, destination: string): Promise<string[]> {
  const [{ createReadStream }, { createGunzip }] = await Promise.all([
    import('node:fs'),
    import('node:zlib'),
  ]);
  const input = createReadStream(archive);
  const stream = createGunzip();
  // pipe() does not pass on read errors: without this a missing file would never end.
  input.on('error', (error) => stream.destroy(error));
  input.pipe(stream);
  try {
    return await extractTar(gzipErrorsAsDatasetErrors(stream, archive), archive, destination);
  } finally {
    input.destroy();
    stream.destroy();
  }
}

async function* gzipErrorsAsDatasetErrors(
  stream: AsyncIterable<Uint8Array>,
  archive: string,
): AsyncGenerator<Uint8Array> {
  try {
    yield* stream;
  } catch (error) {
    if (error instanceof DatasetError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== undefined && !code.startsWith('Z_')) {
      throw new DatasetError(`${archive}: cannot read the file (${code}).`);
    }
    throw new DatasetError(`${archive}: corrupt gzip data (${(error as Error).message}).`);
  }
}

function checkHeader(header: Uint8Array, fileName: string, offset: number): void {
  const stored = parseOctal(header.subarray(148, 156));
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : header[i];
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  // Old tar programs summed signed bytes; both sums are accepted, as GNU tar does.
  if (stored === undefined || (stored !== unsigned && stored !== signed)) {
    throw new DatasetError(
      `${fileName}: corrupt tar header at byte ${offset} (checksum mismatch): not a tar archive, or damaged.`,
    );
  }
}

function readSize(header: Uint8Array, fileName: string, offset: number): number {
  const field = header.subarray(124, 136);
  if (field[0] & 0x80) {
    // GNU base-256 encoding for sizes of 8 GiB and more.
    let size = 0;
    for (let i = 1; i < field.length; i++) size = size * 256 + field[i];
    if (Number.isSafeInteger(size)) return size;
  } else {
    const size = parseOctal(field);
    if (size !== undefined) return size;
  }
  throw new DatasetError(`${fileName}: corrupt tar header at byte ${offset} (bad size field).`);
}

function parseOctal(field: Uint8Array): number | undefined {
  const text = new TextDecoder().decode(field).replace(/\0.*$/s, '').trim();
  return /^[0-7]+$/.test(text) ? Number.parseInt(text, 8) : text === '' ? 0 : undefined;
}

function headerName(header: Uint8Array): string {
  const text = (from: number, to: number) =>
    new TextDecoder().decode(header.subarray(from, to)).replace(/\0.*$/s, '');
  const name = text(0, 100);
  const ustar = text(257, 262) === 'ustar';
  const prefix = ustar ? text(345, 500) : '';
  return prefix === '' ? name : `${prefix}/${name}`;
}

/** The `path` record of a pax extended header ("<length> path=<value>\n" records). */
function paxPath(text: string): string | undefined {
  for (const record of text.split('\n')) {
    const match = /^\d+ path=(.*)$/s.exec(record);
    if (match) return match[1];
  }
  return undefined;
}

/** Reads exact byte counts from a stream of chunks of any size. */
class ChunkReader {
  private pending: Uint8Array = new Uint8Array(0);
  /** Bytes consumed so far. */
  offset = 0;

  constructor(
    private readonly source: AsyncIterator<Uint8Array>,
    private readonly fileName: string,
  ) {}

  /** The next `n` bytes; undefined at the end of the stream; a shorter array if it ends early. */
  async read(n: number): Promise<Uint8Array | undefined> {
    const parts: Uint8Array[] = [];
    let have = 0;
    for await (const chunk of this.take(n, false)) {
      parts.push(chunk);
      have += chunk.length;
    }
    if (have === 0 && n > 0) return undefined;
    if (parts.length === 1) return parts[0];
    const out = new Uint8Array(have);
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  async skip(n: number): Promise<void> {
    for await (const _ of this.take(n)) {
      // Discards padding.
    }
  }

  /** Yields the next `n` bytes in chunks; throws when the stream ends first (if `strict`). */
  async *take(n: number, strict = true): AsyncGenerator<Uint8Array> {
    let left = n;
    while (left > 0) {
      if (this.pending.length === 0) {
        const next = await this.source.next();
        if (next.done) {
          if (strict) throw new DatasetError(`${this.fileName}: truncated tar archive.`);
          return;
        }
        this.pending = next.value;
        continue;
      }
      const chunk = this.pending.subarray(0, Math.min(left, this.pending.length));
      this.pending = this.pending.subarray(chunk.length);
      this.offset += chunk.length;
      left -= chunk.length;
      yield chunk;
    }
  }
}
