import { isNode } from '../../backend-names.js';

/**
 * The part of `@residual/backend-native` the kernels use. Declared here rather than imported so
 * that this package's types do not depend on an optional package.
 */
export interface NativeKernels {
  conv2d(
    x: Float32Array,
    filter: Float32Array,
    y: Float32Array,
    geometry: Int32Array,
    bias?: Float32Array | null,
    activation?: number,
  ): void;
  conv2dBackpropInput(
    dy: Float32Array,
    filter: Float32Array,
    dx: Float32Array,
    geometry: Int32Array,
  ): void;
  conv2dBackpropFilter(
    x: Float32Array,
    dy: Float32Array,
    dFilter: Float32Array,
    geometry: Int32Array,
  ): void;
  binary(
    op: number,
    a: Float32Array,
    aRowStride: number,
    aColStride: number,
    b: Float32Array,
    bRowStride: number,
    bColStride: number,
    out: Float32Array,
    rows: number,
    cols: number,
  ): void;
  relu(x: Float32Array, out: Float32Array): void;
  reluBackward(x: Float32Array, dy: Float32Array, dx: Float32Array): void;
  batchNorm(
    x: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    scale: Float32Array | null,
    offset: Float32Array | null,
    epsilon: number,
    y: Float32Array,
    channels: number,
  ): void;
  batchNormBackward(
    x: Float32Array,
    dy: Float32Array,
    mean: Float32Array,
    invStd: Float32Array,
    scale: Float32Array | null,
    dx: Float32Array,
    sumDy: Float32Array,
    sumDyCentered: Float32Array,
    channels: number,
  ): void;
  batchNormMoments(
    x: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    channels: number,
  ): void;
  batchNormTrainingBackward(
    x: Float32Array,
    dy: Float32Array,
    mean: Float32Array,
    invStd: Float32Array,
    scale: Float32Array | null,
    dx: Float32Array,
    dScale: Float32Array,
    dOffset: Float32Array,
    channels: number,
  ): void;
  sumMiddleAxis(
    x: Float32Array,
    outer: number,
    reduce: number,
    inner: number,
    scale: number,
    out: Float32Array,
  ): void;
  pad(x: Float32Array, layout: Int32Array, value: number, out: Float32Array): void;
  stridedCopy(x: Float32Array, layout: Int32Array, out: Float32Array): void;
  matMul(
    a: Float32Array,
    b: Float32Array,
    c: Float32Array,
    shape: Int32Array,
    bias?: Float32Array | null,
    activation?: number,
  ): void;
  threads(): number;
  setThreads(count: number): void;
  isa(): string;
}

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
