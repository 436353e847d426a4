import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DatasetError } from './dataset-error.js';
import { loadDigits } from './digits.js';
import type { ImageDataset } from './image-dataset.js';
import { fetchImageDataset, packImageDataset, unpackImageDataset } from './packed-dataset.js';

function tinyDataset(): ImageDataset {
  return {
    name: 'tiny',
    train: {
      images: Uint8Array.from({ length: 3 * 2 * 2 * 3 }, (_, i) => i),
      labels: Uint8Array.from([0, 2, 1]),
      count: 3,
      imageShape: [2, 2, 3],
    },
    test: {
      images: Uint8Array.from({ length: 2 * 12 }, (_, i) => 255 - i),
      labels: Uint8Array.from([2, 0]),
      count: 2,
      imageShape: [2, 2, 3],
    },
    numClasses: 3,
    classNames: ['a', 'b', 'c'],
    normalization: { mean: [0.5, 0.4, 0.3], std: [0.2, 0.2, 0.25] },
  };
}

describe('packImageDataset / unpackImageDataset', () => {
  it('round-trips every field, raw and gzipped', async () => {
    for (const gzip of [false, true]) {
      const bytes = await packImageDataset(tinyDataset(), { gzip });
      expect(bytes[0]).toBe(gzip ? 0x1f : 0x52);
      expect(await unpackImageDataset(bytes)).toEqual(tinyDataset());
    }
  });

  it('gives the browser exactly the digits split that loadDigits builds in Node.js', async () => {
    const digits = await loadDigits();
    const packed = await packImageDataset(digits, { gzip: true });
    // The whole 8,000 / 2,000 split compresses to under 2 MB.
    expect(packed.length).toBeLessThan(2_000_000);
    const unpacked = await unpackImageDataset(packed);
    expect(Buffer.from(unpacked.train.images).equals(Buffer.from(digits.train.images))).toBe(true);
    expect(Buffer.from(unpacked.test.labels).equals(Buffer.from(digits.test.labels))).toBe(true);
    expect(unpacked.normalization).toEqual(digits.normalization);
  });

  it('refuses a file that is not a packed data set, naming the source', async () => {
    await expect(unpackImageDataset(new Uint8Array([1, 2, 3]), 'x.rds')).rejects.toThrow(
      /^x\.rds: not a packed data set/,
    );
    await expect(unpackImageDataset(new Uint8Array([0x1f, 0x8b, 9, 9]), 'x.rds')).rejects.toThrow(
      /^x\.rds: corrupt gzip data/,
    );
  });

  it('refuses truncated files and labels outside the classes', async () => {
    const bytes = await packImageDataset(tinyDataset());
    await expect(unpackImageDataset(bytes.subarray(0, bytes.length - 1), 'd.rds')).rejects.toThrow(
      /d\.rds: expected \d+ bytes for the splits its header declares, found \d+/,
    );
    await expect(unpackImageDataset(bytes.subarray(0, 12), 'd.rds')).rejects.toThrow(
      /d\.rds: truncated: the header needs/,
    );
    const badLabel = bytes.slice();
    badLabel[badLabel.length - 1] = 7;
    await expect(unpackImageDataset(badLabel, 'd.rds')).rejects.toThrow(
      'd.rds: test label 7 at 1 is outside the 3 classes.',
    );
  });

  it('refuses a header that does not describe a data set', async () => {
    const header = new TextEncoder().encode('{"name":"x","numClasses":0}');
    const bytes = new Uint8Array(8 + header.length);
    bytes.set([0x52, 0x44, 0x53, 0x31]);
    new DataView(bytes.buffer).setUint32(4, header.length, true);
    bytes.set(header, 8);
    const error = await unpackImageDataset(bytes, 'h.rds').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as Error).message).toMatch(/^h\.rds: the header must give name, numClasses/);
  });
});

describe('fetchImageDataset', () => {
  it('downloads a packed data set, and names the URL when the server refuses', async () => {
    const packed = await packImageDataset(tinyDataset(), { gzip: true });
    const server = createServer((request, response) => {
      if (request.url === '/tiny.rds') response.end(packed);
      else response.writeHead(404, 'Not Found').end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect(await fetchImageDataset(`${base}/tiny.rds`)).toEqual(tinyDataset());
      await expect(fetchImageDataset(`${base}/missing.rds`)).rejects.toThrow(
        `${base}/missing.rds: HTTP 404 Not Found`,
      );
    } finally {
      server.close();
    }
  });
});
