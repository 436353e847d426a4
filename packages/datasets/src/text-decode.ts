import { DatasetError } from './dataset-error.js';

/**
 * The text of a file's bytes: UTF-8, without a byte-order mark, with Windows line ends made
 * `\n` (so `\r` never enters a character vocabulary). Files from elsewhere are untrusted:
 * an empty file, a NUL byte (the mark of a binary file) or bytes that are not UTF-8 are one
 * DatasetError naming `file` and the offset.
 */
export function decodeText(bytes: Uint8Array, file: string): string {
  if (bytes.length === 0)
    throw new DatasetError(`${file}: the file is empty; expected UTF-8 text.`);
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    throw new DatasetError(
      `${file}: a binary file (a NUL byte at offset ${nul}); expected UTF-8 text.`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DatasetError(
      `${file}: not UTF-8 text (an invalid byte sequence at offset ${firstInvalidUtf8(bytes)}).`,
    );
  }
  text = text.replace(/\r\n/g, '\n');
  if (text.length === 0) throw new DatasetError(`${file}: the file is empty; expected UTF-8 text.`);
  return text;
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i];
    let length: number;
    let min: number;
    if (lead < 0x80) {
      i++;
      continue;
    } else if (lead >= 0xc2 && lead <= 0xdf) {
      length = 2;
      min = 0x80;
    } else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      min = 0x800;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      min = 0x10000;
    } else {
      return i;
    }
    if (i + length > bytes.length) return i;
    let codePoint = lead & (0xff >> (length + 1));
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k];
      if ((next & 0xc0) !== 0x80) return i;
      codePoint = (codePoint << 6) | (next & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8.
    if (codePoint < min || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) {
      return i;
    }
    i += length;
  }
  return -1;
}
