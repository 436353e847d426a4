// The kernels, one folder per backend they are registered for, each listing its kernels in
// `<folder>/kernels.ts` for the table below:
//   wasm/    the portable WebAssembly/JavaScript kernels of the `wasm` backend (`wasmKernels`)
//   native/  the kernels of the `wasm` backend that call the optional native addon
//            (`nativeKernels(native)`), which replace portable ones of the same kernel name
//   cpu/     the kernels of the `cpu` backend (`cpuKernels`)
//   shared/  geometry and arithmetic that touch no backend, used by several folders
// In a folder a kernel's file is named by the operation it implements
// (`wasm/conv2d-backprop-filter.ts`, `native/conv.ts`, `cpu/tile-reduce.ts`) and a helper's by
// what it holds (`wasm/heap.ts`, `native/addon.ts`), never by the backend; a test sits beside
// what it tests. Here at the top: this table, the override registry, the lean gradients, and
// the tests that run every backend's kernels through the table.
import type * as tf from '@tensorflow/tfjs';
import { registerDilatedConvolutions } from '../dilated-convolutions.js';
import { installLeanBackprop } from '../lean-backprop.js';
import { cpuKernels } from './cpu/kernels.js';
import { overriddenKernels, overrideKernel, restoreKernel } from './kernel-overrides.js';
import { registerLeanGradients } from './lean-gradients.js';
import type { NativeKernels } from './native/addon.js';
import { nativeKernels } from './native/kernels.js';
import { wasmKernels } from './wasm/kernels.js';

export interface RegisterTrainingKernelsOptions {
  /**
   * Native kernels (from `@residual/backend-native`) to run the convolutions of the `wasm`
   * backend with. Default: none, the WebAssembly/JavaScript kernels.
   */
  native?: NativeKernels;
}

/** Our kernels for one backend. */
interface BackendKernels {
  /** The kernels for every machine the backend runs on. */
  portable: readonly tf.KernelConfig[];
  /** The kernels that call the native addon; they win over portable ones of the same name. */
  native?: (native: NativeKernels) => readonly tf.KernelConfig[];
}

/** Every kernel we register, by backend name. Backends not here keep tfjs's own. */
const KERNELS: Readonly<Record<string, BackendKernels>> = {
  wasm: { portable: wasmKernels, native: nativeKernels },
  cpu: { portable: cpuKernels },
};

/**
 * The native kernels made for each addon, by backend: registering the same functions again is
 * a no-op, so calling {@link registerTrainingKernels} twice with one addon stays idempotent.
 */
const nativeConfigs = new WeakMap<NativeKernels, Map<string, readonly tf.KernelConfig[]>>();

function nativeKernelConfigs(
  backendName: string,
  make: (native: NativeKernels) => readonly tf.KernelConfig[],
  native: NativeKernels,
): readonly tf.KernelConfig[] {
  const byBackend = nativeConfigs.get(native) ?? new Map<string, readonly tf.KernelConfig[]>();
  nativeConfigs.set(native, byBackend);
  let configs = byBackend.get(backendName);
  if (configs === undefined) {
    configs = make(native);
    byBackend.set(backendName, configs);
  }
  return configs;
}

/**
 * Registers the kernels `backendName` needs to train residual networks fast, replacing the stock
 * ones that are missing or slow. Idempotent; touches no other backend. Calling it again with
 * other options swaps the kernels (and puts back stock ones ours no longer replace).
 */
export function registerTrainingKernels(
  backendName: string,
  options: RegisterTrainingKernelsOptions = {},
): void {
  const kernels = Object.hasOwn(KERNELS, backendName) ? KERNELS[backendName] : undefined;
  const wanted = new Map<string, tf.KernelConfig>();
  for (const config of kernels?.portable ?? []) wanted.set(config.kernelName, config);
  if (kernels?.native !== undefined && options.native !== undefined) {
    for (const config of nativeKernelConfigs(backendName, kernels.native, options.native)) {
      wanted.set(config.kernelName, config);
    }
  }
  for (const kernelName of overriddenKernels(backendName)) {
    if (!wanted.has(kernelName)) restoreKernel(kernelName, backendName);
  }
  for (const config of wanted.values()) overrideKernel(config);
  // The lean gradients call kernels of ours (ReLU and batch-norm gradients) registered above.
  if (kernels !== undefined) registerLeanGradients(backendName);
  // On every backend, ours or not: tfjs refuses the gradients of dilated convolutions.
  registerDilatedConvolutions();
  // On every backend: tfjs frees nothing until a backward pass ends.
  installLeanBackprop();
}
