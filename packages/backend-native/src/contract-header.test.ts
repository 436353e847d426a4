import { ENTRY_POINTS } from '@residual/native-contract';
import { nativeSkipReason } from '@residual/vitest-config/peer';
import { describe, expect, it } from 'vitest';
import { contractHeader } from './contract-header.js';
import { loadNativeKernels, nativeStatus } from './load.js';

describe('the native contract', () => {
  // Fails when the contract changed and the header was not regenerated (`generate:contract`,
  // which runs this test with -u; under CI a missing header fails too).
  it('csrc/contract.h is generated from @residual/native-contract', async () => {
    await expect(contractHeader()).toMatchFileSnapshot(
      '../csrc/contract.h',
      'stale: run `pnpm --filter @residual/backend-native generate:contract`',
    );
  });

  const skipReason = nativeSkipReason(nativeStatus());
  it.skipIf(skipReason !== undefined)(
    `the built addon exports exactly the contract's entry points${skipReason === undefined ? '' : ` (${skipReason})`}`,
    () => {
      const native = loadNativeKernels() as unknown as Record<string, unknown>;
      expect(Object.keys(native).sort()).toEqual(Object.keys(ENTRY_POINTS).sort());
      for (const name of Object.keys(ENTRY_POINTS)) expect(typeof native[name]).toBe('function');
    },
  );

  it.skipIf(skipReason !== undefined)(
    "each entry point requires the contract's argument count",
    () => {
      const native = loadNativeKernels() as unknown as Record<string, () => unknown>;
      for (const [name, count] of Object.entries(ENTRY_POINTS)) {
        if (count === 0) expect(() => native[name]!()).not.toThrow();
        else expect(() => native[name]!(), name).toThrow(`expected ${count} arguments, got 0`);
      }
    },
  );
});
