import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { NativeKernels } from '@residual/native-contract';

export type NativeStatus =
  | { available: true; isa: string; threads: number; path: string }
  | { available: false; reason: string };

const ADDON_PATH = fileURLToPath(new URL('../build/Release/residual_native.node', import.meta.url));

let loaded: { kernels?: NativeKernels; status: NativeStatus } | undefined;

function load(): { kernels?: NativeKernels; status: NativeStatus } {
  if (loaded !== undefined) return loaded;
  if (!existsSync(ADDON_PATH)) {
    loaded = {
      status: {
        available: false,
        reason:
          `${ADDON_PATH} was not built (no C++ compiler, Python or Node.js headers when the ` +
          'package was installed; rebuild with `npm rebuild @residual/backend-native`)',
      },
    };
    return loaded;
  }
  try {
    // The addon's exports are what csrc/contract.h lists, generated from the same contract
    // (entry-points.test.ts checks the names against the built addon).
    const kernels: NativeKernels = createRequire(import.meta.url)(ADDON_PATH);
    const threads = Number(process.env.RESIDUAL_NATIVE_THREADS ?? '0');
    if (Number.isInteger(threads) && threads > 0) kernels.setThreads(threads);
    loaded = {
      kernels,
      status: { available: true, isa: kernels.isa(), threads: kernels.threads(), path: ADDON_PATH },
    };
  } catch (error) {
    loaded = {
      status: {
        available: false,
        reason: `${ADDON_PATH} did not load: ${(error as Error).message}`,
      },
    };
  }
  return loaded;
}

/** The native kernels, or undefined when the addon was not built or does not load here. */
export function loadNativeKernels(): NativeKernels | undefined {
  return load().kernels;
}

/** Whether the native kernels are available, with the instruction set and thread count, or why not. */
export function nativeStatus(): NativeStatus {
  const { status } = load();
  return status.available ? { ...status, threads: load().kernels!.threads() } : status;
}
