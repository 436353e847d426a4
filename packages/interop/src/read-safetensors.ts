import { InteropError } from './interop-error.js';
import { SAFETENSORS_DTYPES } from './safetensors-dtypes.js';
import { dtypeBytes, elementCount, type StateDict } from './source-tensor.js';
import { decodeTensorBytes } from './tensor-bytes.js';

/** The reference reader's limit: a larger header is refused before it is parsed. */
const MAX_HEADER_BYTES = 100_000_000;

interface Entry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

/**
 * Reads a `.safetensors` file (8-byte header length, JSON header, raw little-endian data).
 * Every size, offset, dtype and shape is checked against the file before any data is read:
 * the tensors must tile the data section exactly, without gaps or overlaps, as the reference
 * implementation demands. float16 and bfloat16 are widened to float32.
 */
export function readSafetensors(bytes: Uint8Array, fileName: string): StateDict {
  const fail = (problem: string): never => {
    throw new InteropError(`${fileName}: ${problem}`);
  };
  if (bytes.length < 8)
    fail(`not a safetensors file: ${bytes.length} bytes, shorter than its 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > MAX_HEADER_BYTES)
    fail(`header length ${headerLength} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  if (8 + headerLength > bytes.length) {
    fail(
      `header length ${headerLength} runs past the end of the file (${bytes.length} bytes): truncated or not safetensors`,
    );
  }
  const headerBytes = bytes.subarray(8, 8 + headerLength);
  if (headerBytes[0] !== 0x7b) fail('header is not a JSON object (it must start with "{")');
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBytes));
  } catch (error) {
    fail(`header is not valid UTF-8 JSON (${(error as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    fail('header is not a JSON object');
  }
  const data = bytes.subarray(8 + headerLength);
  const entries = checkEntries(header as Record<string, unknown>, data.length, fail);

  const stateDict: StateDict = new Map();
  for (const entry of entries) {
    const dtype = SAFETENSORS_DTYPES[entry.dtype]!;
    stateDict.set(entry.name, {
      shape: entry.shape,
      dtype,
      data: decodeTensorBytes(
        data.subarray(entry.begin, entry.end),
        dtype,
        elementCount(entry.shape),
      ),
    });
  }
  return stateDict;
}

function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** The header's tensors in file order, each checked; `fail` throws. */
function checkEntries(
  header: Record<string, unknown>,
  dataLength: number,
  fail: (problem: string) => never,
): Entry[] {
  const entries: Entry[] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') {
      const ok =
        typeof value === 'object' &&
        !Array.isArray(value) &&
        value !== null &&
        Object.values(value).every((v) => typeof v === 'string');
      if (!ok) fail('__metadata__ must map strings to strings');
      continue;
    }
    const info = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
    if (typeof info !== 'object' || info === null)
      fail(`tensor "${name}" has no dtype/shape/data_offsets`);
    const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
    if (typeof dtype !== 'string' || !(dtype in SAFETENSORS_DTYPES)) {
      fail(
        `tensor "${name}" has unknown dtype ${JSON.stringify(dtype)}; known: ${Object.keys(SAFETENSORS_DTYPES).join(', ')}`,
      );
    }
    if (!Array.isArray(shape) || !shape.every(isIndex)) {
      fail(
        `tensor "${name}" has shape ${JSON.stringify(shape)}; expected an array of non-negative integers`,
      );
    }
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every(isIndex) ||
      offsets[0] > offsets[1]
    ) {
      fail(
        `tensor "${name}" has data_offsets ${JSON.stringify(offsets)}; expected [begin, end] with begin <= end`,
      );
    }
    const [begin, end] = offsets as [number, number];
    const count = elementCount(shape as number[]);
    const expected = count * dtypeBytes(SAFETENSORS_DTYPES[dtype as string]!);
    if (!Number.isSafeInteger(expected) || end - begin !== expected) {
      fail(
        `tensor "${name}" (${dtype} [${(shape as number[]).join(', ')}]) needs ${expected} bytes but its data_offsets span ${end - begin}`,
      );
    }
    if (end > dataLength) {
      fail(
        `tensor "${name}" ends at byte ${end} of a ${dataLength}-byte data section: truncated or lying header`,
      );
    }
    entries.push({ name, dtype: dtype as string, shape: shape as number[], begin, end });
  }
  // The tensors must tile the data section: no overlap (aliasing) and no unexplained bytes.
  const byOffset = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let position = 0;
  for (const entry of byOffset) {
    if (entry.begin !== position) {
      fail(
        entry.begin < position
          ? `tensor "${entry.name}" overlaps the tensor before it (starts at ${entry.begin}, previous ends at ${position})`
          : `bytes ${position}..${entry.begin} of the data section belong to no tensor`,
      );
    }
    position = entry.end;
  }
  if (position !== dataLength)
    fail(`the data section has ${dataLength - position} bytes past its last tensor`);
  return entries;
}
