import * as tf from '@tensorflow/tfjs';

/** What tfjs passes a kernel function: its inputs, the backend and the op's attributes. */
export type KernelArgs = {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs?: tf.NamedAttrMap;
};

/**
 * The kernels tfjs registered before we replaced them, by `backend/kernel`. Kept on globalThis:
 * tfjs's kernel registry is global, so every copy of this module (the package's entry and its
 * `testing` entry are bundled separately) must see the same stock kernels.
 */
const ORIGINALS_KEY = Symbol.for('@residual/backend/original-kernels');
const registry = globalThis as { [ORIGINALS_KEY]?: Map<string, tf.KernelConfig | undefined> };
registry[ORIGINALS_KEY] ??= new Map();
const originals = registry[ORIGINALS_KEY];

function key(kernelName: string, backendName: string): string {
  return `${backendName}/${kernelName}`;
}

/**
 * Registers `config`, replacing whatever kernel of that name the backend has (the stock one is
 * kept for {@link originalKernel}). Idempotent: registering the same config again does nothing.
 */
export function overrideKernel(config: tf.KernelConfig): void {
  const current = tf.getKernel(config.kernelName, config.backendName);
  if (current?.kernelFunc === config.kernelFunc) return;
  const id = key(config.kernelName, config.backendName);
  if (!originals.has(id)) originals.set(id, current);
  if (current !== undefined) tf.unregisterKernel(config.kernelName, config.backendName);
  tf.registerKernel(config);
}

/** Puts back the kernel tfjs had before {@link overrideKernel} (or none, if it had none). */
export function restoreKernel(kernelName: string, backendName: string): void {
  const id = key(kernelName, backendName);
  if (!originals.has(id)) return;
  const original = originals.get(id);
  if (tf.getKernel(kernelName, backendName) !== undefined) {
    tf.unregisterKernel(kernelName, backendName);
  }
  if (original !== undefined) tf.registerKernel(original);
  originals.delete(id);
}

/** The stock kernel that {@link overrideKernel} replaced, for the cases ours hands back to it. */
export function originalKernel(kernelName: string, backendName: string): tf.KernelFunc | undefined {
  const id = key(kernelName, backendName);
  return originals.has(id)
    ? originals.get(id)?.kernelFunc
    : tf.getKernel(kernelName, backendName)?.kernelFunc;
}

/** The kernels of `backendName` that {@link overrideKernel} replaced or added. */
export function overriddenKernels(backendName: string): string[] {
  const prefix = `${backendName}/`;
  return [...originals.keys()]
    .filter((id) => id.startsWith(prefix))
    .map((id) => id.slice(prefix.length));
}

/**
 * Runs the stock kernel of `kernelName` on `backendName`, for the cases (layouts, dtypes, sizes)
 * ours hand back to it.
 */
export function runStockKernel(
  kernelName: string,
  backendName: string,
  args: KernelArgs,
): tf.TensorInfo | tf.TensorInfo[] {
  const kernel = originalKernel(kernelName, backendName);
  if (kernel === undefined) {
    throw new Error(
      `${kernelName} on ${backendName}: this case needs the stock kernel, which is missing.`,
    );
  }
  return kernel(args as Parameters<tf.KernelFunc>[0]);
}
