import { InteropError } from './interop-error.js';
import { isZip, readPth } from './read-pth.js';
import { readSafetensors } from './read-safetensors.js';
import type { StateDict } from './source-tensor.js';

/**
 * Reads a PyTorch weights file by its contents: a zip (or legacy pickle) is a `torch.save`
 * file, anything else whose name ends in `.safetensors`, or whose first bytes look like a
 * safetensors header length followed by "{", is safetensors.
 */
export function readWeightsFile(bytes: Uint8Array, fileName: string): StateDict {
  if (isZip(bytes) || bytes[0] === 0x80) return readPth(bytes, fileName);
  if (fileName.toLowerCase().endsWith('.safetensors') || bytes[8] === 0x7b) {
    return readSafetensors(bytes, fileName);
  }
  throw new InteropError(
    `${fileName}: not a weights file this reader knows; expected .safetensors or a PyTorch .pth/.pt/.bin written by torch.save`,
  );
}
