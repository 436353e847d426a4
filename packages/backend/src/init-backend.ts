import * as tf from '@tensorflow/tfjs';
import {
  type BackendName,
  isBackendName,
  isNode,
  KNOWN_BACKENDS,
  preferredBackends,
} from './backend-names.js';
import { loadNative, type NativeKernelStatus } from './kernels/native/addon.js';
import { registerTrainingKernels } from './kernels/register-training-kernels.js';
import { BackendError } from './residual-error.js';

export interface InitBackendOptions {
  /**
   * Use this backend and no other. Default: the fastest backend that can train here
   * (Node: `tensorflow` → `wasm` → `cpu`; browser: `webgpu` → `webgl` → `wasm` → `cpu`).
   */
  backend?: string;
  /**
   * Where the browser loads the WASM binaries from: a URL prefix, or one URL per binary file
   * name. Default: next to the bundled script. Ignored in Node.js.
   */
  wasmPaths?: string | Record<string, string>;
  /**
   * Run the `wasm` backend's convolutions with `@residual/backend-native` (multi-threaded AVX2 /
   * AVX-512 kernels compiled at install time) when it is installed and built. Default: true,
   * unless the environment variable `RESIDUAL_NATIVE` is `0`. With false, or without the addon,
   * the WebAssembly kernels run them.
   */
  native?: boolean;
  /**
   * Threads the native kernels use, the calling thread included. Default: one per logical CPU,
   * or the environment variable `RESIDUAL_NATIVE_THREADS`. (The WebAssembly kernels use one.)
   */
  threads?: number;
}

/**
 * Chooses, initialises and activates the fastest TensorFlow.js backend that can train, registers
 * the training kernels it lacks, and returns its name.
 *
 * @throws BackendError when `options.backend` is unknown or cannot start here.
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendName> {
  if (options.wasmPaths !== undefined && !isNode()) {
    const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
    setWasmPaths(options.wasmPaths as string);
  }
  if (
    options.threads !== undefined &&
    (!Number.isInteger(options.threads) || options.threads < 1)
  ) {
    throw new BackendError(`threads must be a positive integer, got ${options.threads}.`);
  }
  const forced = options.backend;
  if (forced !== undefined) {
    if (!isBackendName(forced)) {
      throw new BackendError(`Unknown backend "${forced}". Known: ${KNOWN_BACKENDS.join(', ')}.`);
    }
    if (!(await activate(forced, options))) {
      const available = await availableBackends();
      throw new BackendError(
        `Backend "${forced}" is not available here${whyUnavailable(forced)}. ` +
          `Available: ${available.join(', ')}.`,
      );
    }
    return forced;
  }
  for (const name of preferredBackends()) {
    if (await activate(name, options)) return name;
  }
  throw new BackendError(
    `No TensorFlow.js backend could start. Tried: ${preferredBackends().join(', ')}.`,
  );
}

/** The backends of {@link preferredBackends} that load and initialise here, fastest first. */
export async function availableBackends(): Promise<BackendName[]> {
  const active = tf.getBackend() as BackendName | undefined;
  const available: BackendName[] = [];
  for (const name of preferredBackends()) {
    if (await canStart(name)) available.push(name);
  }
  if (active !== undefined && available.includes(active)) await tf.setBackend(active);
  return available;
}

async function activate(name: BackendName, options: InitBackendOptions): Promise<boolean> {
  if (!(await canStart(name))) return false;
  if (!(await tf.setBackend(name))) return false;
  await tf.ready();
  const native =
    name === 'wasm' && options.native !== false ? (await loadNative()).kernels : undefined;
  if (native !== undefined && options.threads !== undefined) native.setThreads(options.threads);
  registerTrainingKernels(name, { native });
  return true;
}

/**
 * Whether `@residual/backend-native` is installed, built and loads here (then `initBackend`
 * runs the `wasm` backend's convolutions, batch norm and reductions with it unless told
 * `native: false`), with its instruction set and thread count; or why not.
 */
export async function nativeKernelStatus(): Promise<NativeKernelStatus> {
  const { kernels, status } = await loadNative();
  return kernels !== undefined && status.available
    ? { ...status, threads: kernels.threads() }
    : status;
}

async function canStart(name: BackendName): Promise<boolean> {
  if (!isNode() && name === 'tensorflow') return false;
  if (isNode() && (name === 'webgl' || name === 'webgpu')) return false;
  if (!(await loadBackendModule(name))) return false;
  if (tf.findBackendFactory(name) === null) return false;
  try {
    // tfjs creates each backend once; this answers from its cache after the first call.
    if (!(await tf.setBackend(name)) || tf.findBackend(name) === null) return false;
  } catch {
    return false;
  }
  if (name === 'cpu') silenceTfjsNodeAdvice();
  return true;
}

/**
 * The cpu backend tells Node.js users, on its first write, to install @tensorflow/tfjs-node.
 * When we chose cpu, that install has already failed or was refused, and wasm is the advice.
 */
function silenceTfjsNodeAdvice(): void {
  const cpu = tf.findBackend('cpu') as { firstUse?: boolean } | null;
  if (cpu !== null && cpu.firstUse === true) cpu.firstUse = false;
}

/** Imports the package that registers `name` with tfjs; false when it is not installed. */
async function loadBackendModule(name: BackendName): Promise<boolean> {
  // Imported on demand: once registered, wasm outranks cpu, and tfjs then refuses synchronous
  // work until wasm's asynchronous start-up has run; code that never calls initBackend (a
  // user building a model on cpu) must keep working.
  if (name === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
    return true;
  }
  const optionalModule: Partial<Record<BackendName, string>> = {
    tensorflow: '@tensorflow/tfjs-node',
    webgpu: '@tensorflow/tfjs-backend-webgpu',
  };
  const specifier = optionalModule[name];
  if (specifier === undefined) return true; // cpu and webgl ship with @tensorflow/tfjs
  try {
    await import(/* @vite-ignore */ specifier);
    return true;
  } catch {
    return false;
  }
}

function whyUnavailable(name: BackendName): string {
  if (name === 'tensorflow') {
    return isNode()
      ? ' (install @tensorflow/tfjs-node, which downloads a native TensorFlow binary)'
      : ' (it runs in Node.js only)';
  }
  if (name === 'webgl' || name === 'webgpu') {
    return isNode() ? ' (it needs a browser)' : '';
  }
  return '';
}
