import { InteropError } from './interop-error.js';
import { isZip, readPth } from './read-pth.js';
import { readSafetensors } from './read-safetensors.js';
import type { StateDict } from './source-tensor.js';

/**
 * Reads a PyTorch weights file by its contents: a zip is a `torch.save` file; a name ending in
 * `.safetensors`, or a "{" right after the 8-byte header length, is safetensors; a pickle is
 * the legacy `torch.save` format (refused by `readPth` with what to do).
 */
export function readWeightsFile(bytes: Uint8Array, fileName: string): StateDict {
  if (isZip(bytes)) return readPth(bytes, fileName);
  if (fileName.toLowerCase().endsWith('.safetensors') || bytes[8] === 0x7b) {
    return readSafetensors(bytes, fileName);
  }
  if (bytes[0] === 0x80) return readPth(bytes, fileName);
  throw new InteropError(
    `${fileName}: not a weights file this reader knows; expected .safetensors or a PyTorch .pth/.pt/.bin written by torch.save`,
  );
}
