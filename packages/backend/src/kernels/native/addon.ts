import type { NativeKernels } from '@residual/native-contract';
import { isNode } from '../../backend-names.js';

// The kernels' interface is declared once, in @residual/native-contract, which the addon's
// package implements; the kernels here import it from this module.
export type { NativeKernels };

/** Whether the native kernels are in use, and why not when they are not. */
export type NativeKernelStatus =
  | { available: true; isa: string; threads: number }
  | { available: false; reason: string };

interface NativeModule {
  loadNativeKernels(): NativeKernels | undefined;
  nativeStatus():
    | { available: true; isa: string; threads: number }
    | { available: false; reason: string };
}

let loading: Promise<{ kernels?: NativeKernels; status: NativeKernelStatus }> | undefined;

/**
 * Loads `@residual/backend-native` (an optional dependency that compiles itself at install
 * time), once. Resolves to no kernels, with the reason, when it is absent, failed to build, or
 * when `RESIDUAL_NATIVE=0` turns it off.
 */
export function loadNative(): Promise<{ kernels?: NativeKernels; status: NativeKernelStatus }> {
  loading ??= (async () => {
    if (!isNode()) {
      return { status: { available: false, reason: 'native kernels run in Node.js only' } };
    }
    if (process.env.RESIDUAL_NATIVE === '0') {
      return { status: { available: false, reason: 'turned off by RESIDUAL_NATIVE=0' } };
    }
    let module: NativeModule;
    try {
      const specifier = '@residual/backend-native';
      module = (await import(/* @vite-ignore */ specifier)) as NativeModule;
    } catch {
      return {
        status: { available: false, reason: '@residual/backend-native is not installed' },
      };
    }
    const status = module.nativeStatus();
    const kernels = module.loadNativeKernels();
    if (!status.available || kernels === undefined) {
      return { status: status.available ? { available: false, reason: 'did not load' } : status };
    }
    return { kernels, status: { available: true, isa: status.isa, threads: kernels.threads() } };
  })();
  return loading;
}
