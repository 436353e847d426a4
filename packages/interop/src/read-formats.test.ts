import { describe, expect, it } from 'vitest';
import { type Expected, expectedValues, fixture } from './fixture-files.js';
import { InteropError } from './interop-error.js';
import { readPth } from './read-pth.js';
import { readSafetensors } from './read-safetensors.js';
import { readWeightsFile } from './read-weights-file.js';
import type { StateDict } from './source-tensor.js';
import { toFloat32 } from './source-tensor.js';
import { writePth } from './write-pth.js';
import { writeSafetensors } from './write-safetensors.js';

/** Every tensor as PyTorch reported it, bit for bit in float32 (int64 as numbers). */
function expectMatches(stateDict: StateDict, expected: Expected): void {
  // safetensors orders its header by name; compare the key sets.
  expect([...stateDict.keys()].sort()).toEqual(Object.keys(expected).sort());
  for (const [key, want] of Object.entries(expected)) {
    const tensor = stateDict.get(key)!;
    expect({ key, shape: tensor.shape, dtype: tensor.dtype }).toEqual({
      key,
      shape: want.shape,
      dtype: want.dtype,
    });
    expect(Array.from(toFloat32(tensor))).toEqual(Array.from(Float32Array.from(want.values)));
  }
}

function problem(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(InteropError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected an InteropError');
}

describe('readPth', () => {
  it('reads a torch.save state dict: views, shared storages, int64, float16, bfloat16, float64', () => {
    expectMatches(readPth(fixture('tiny.pth'), 'tiny.pth'), expectedValues('tiny.json'));
  });

  it('unwraps a training checkpoint under "model" and drops the module. prefix', () => {
    expectMatches(
      readPth(fixture('checkpoint-module.pth'), 'checkpoint-module.pth'),
      expectedValues('tiny.json'),
    );
  });

  it('refuses a pickle that names os.system, without running it', () => {
    expect(problem(() => readPth(fixture('os-system.pth'), 'evil.pth'))).toBe(
      'evil.pth: the pickle names the Python global os.system, which is not allowed in a weights file (refused, nothing was executed)',
    );
  });

  it('refuses a whole pickled nn.Module, naming its class', () => {
    expect(problem(() => readPth(fixture('whole-module.pth'), 'm.pth'))).toMatch(
      /^m\.pth: the pickle names the Python global torch\.nn\.modules\.linear\.Linear, /,
    );
  });

  it('refuses the legacy pre-1.6 format and TorchScript archives with what to do instead', () => {
    expect(problem(() => readPth(fixture('legacy.pth'), 'old.pth'))).toMatch(
      /^old\.pth: PyTorch legacy \(pre-1\.6, non-zip\) format is not supported; re-save it/,
    );
    expect(problem(() => readPth(fixture('torchscript.pt'), 'ts.pt'))).toMatch(
      /^ts\.pt: this is a TorchScript archive \(torch\.jit\.save\), not a state dict/,
    );
  });

  it('refuses files that are not PyTorch files at all', () => {
    expect(problem(() => readPth(new TextEncoder().encode('hello'), 'x.pth'))).toBe(
      'x.pth: not a PyTorch file: a .pth written by torch.save is a zip archive',
    );
  });
});

describe('Node Buffers', () => {
  it('read the same values as plain Uint8Arrays (a Buffer may be a view into a shared pool)', () => {
    for (const name of ['tiny.pth', 'tiny-f32.safetensors', 'tiny-bf16.safetensors']) {
      // A Buffer at an offset of a larger ArrayBuffer with other bytes around it, as readFile's
      // small results and Buffer.from(string) are.
      const bytes = fixture(name);
      const backing = new Uint8Array(bytes.length + 29).fill(0xee);
      backing.set(bytes, 13);
      const pooled = Buffer.from(backing.buffer, 13, bytes.length);
      const plain = readWeightsFile(fixture(name), name);
      const fromBuffer = readWeightsFile(pooled, name);
      expect([...fromBuffer.keys()]).toEqual([...plain.keys()]);
      for (const [key, tensor] of plain) {
        expect(fromBuffer.get(key)?.data, `${name}: ${key}`).toEqual(tensor.data);
      }
    }
  });
});

describe('readSafetensors', () => {
  for (const suffix of ['f32', 'f16', 'bf16']) {
    it(`reads ${suffix.toUpperCase()} files written by the safetensors library, widening to float32`, () => {
      const name = `tiny-${suffix}.safetensors`;
      expectMatches(readSafetensors(fixture(name), name), expectedValues(`tiny-${suffix}.json`));
    });
  }

  const file = (header: unknown, dataBytes: number, headerLength?: number) => {
    const json = new TextEncoder().encode(JSON.stringify(header));
    const bytes = new Uint8Array(8 + json.length + dataBytes);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(headerLength ?? json.length), true);
    bytes.set(json, 8);
    return bytes;
  };
  const cases: [string, Uint8Array, string][] = [
    ['too short', new Uint8Array(5), 'not a safetensors file: 5 bytes'],
    ['a header length past the end', file({}, 0, 1000), 'header length 1000 runs past the end'],
    [
      'an unknown dtype',
      file({ a: { dtype: 'F8_E4M3', shape: [1], data_offsets: [0, 1] } }, 1),
      'unknown dtype "F8_E4M3"',
    ],
    [
      'a size that does not match the shape',
      file({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }, 4),
      'needs 8 bytes but its data_offsets span 4',
    ],
    [
      'offsets past the data',
      file({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, 4),
      'ends at byte 8 of a 4-byte data section',
    ],
    [
      'overlapping tensors',
      file(
        {
          a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
          b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
        },
        8,
      ),
      'tensor "b" overlaps',
    ],
    [
      'a gap',
      file({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, 8),
      'bytes 0..4 of the data section belong to no tensor',
    ],
    [
      'a negative dimension',
      file({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 0] } }, 0),
      'has shape [-1]',
    ],
  ];
  for (const [what, bytes, message] of cases) {
    it(`refuses ${what}, in one line naming the file`, () => {
      const text = problem(() => readSafetensors(bytes, 'w.safetensors'));
      expect(text.startsWith('w.safetensors: ')).toBe(true);
      expect(text).toContain(message);
    });
  }
});

describe('writers', () => {
  const stateDict = readPth(fixture('tiny.pth'), 'tiny.pth');
  it('writeSafetensors and writePth read back to the same tensors', () => {
    const want = expectedValues('tiny.json');
    expectMatches(readSafetensors(writeSafetensors(stateDict), 'w.safetensors'), want);
    expectMatches(readPth(writePth(stateDict), 'w.pth'), want);
  });

  it('readWeightsFile tells the formats apart by their bytes', () => {
    expect(readWeightsFile(writePth(stateDict), 'weights.bin').size).toBe(stateDict.size);
    expect(readWeightsFile(writeSafetensors(stateDict), 'weights.bin').size).toBe(stateDict.size);
    // A header length whose low byte is 0x80 (a pickle's first byte) is still safetensors.
    const padded = writeSafetensors(stateDict, { note: 'x'.repeat(200) });
    const length = Number(new DataView(padded.buffer).getBigUint64(0, true));
    const shifted = writeSafetensors(stateDict, {
      note: 'x'.repeat(200 + ((0x80 - (length % 256) + 256) % 256)),
    });
    expect(shifted[0]).toBe(0x80);
    expect(readWeightsFile(shifted, 'weights.bin').size).toBe(stateDict.size);
    expect(problem(() => readWeightsFile(fixture('legacy.pth'), 'l.pt'))).toMatch(
      /^l\.pt: PyTorch legacy/,
    );
    expect(problem(() => readWeightsFile(new Uint8Array(20), 'z.ckpt'))).toMatch(
      /^z\.ckpt: not a weights file/,
    );
  });
});
