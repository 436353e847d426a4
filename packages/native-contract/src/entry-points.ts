// The native entry points at run time: their names and how many arguments each requires. The
// addon registers exactly these (csrc/contract.h is generated from this table), and the
// compiler checks the table against the interface, key for key and count for count.
import type { NativeKernels } from './native-kernels.js';

/** How many leading parameters of `P` are required (the optional ones come last). */
type RequiredCount<
  P extends readonly unknown[],
  Counted extends unknown[] = [],
> = P extends readonly [unknown, ...infer Rest]
  ? RequiredCount<Rest, [...Counted, unknown]>
  : Counted['length'];

/** Every method of {@link NativeKernels} with the number of arguments it requires. */
export const ENTRY_POINTS = {
  conv2d: 4,
  conv2dBackpropInput: 4,
  conv2dBackpropFilter: 4,
  binary: 10,
  relu: 2,
  reluBackward: 3,
  batchNorm: 8,
  batchNormBackward: 9,
  batchNormMoments: 4,
  batchNormTrainingBackward: 9,
  layerNorm: 8,
  layerNormBackward: 9,
  causalSoftmax: 4,
  causalSoftmaxBackward: 5,
  exp: 2,
  gelu: 2,
  geluBackward: 3,
  adamwUpdate: 8,
  sgdMomentumUpdate: 6,
  sumMiddleAxis: 6,
  pad: 4,
  stridedCopy: 3,
  maxPoolBackward: 4,
  resizeNearestBackward: 3,
  matMul: 4,
  threads: 0,
  setThreads: 1,
  isa: 0,
  setIsa: 1,
} as const satisfies {
  readonly [K in keyof NativeKernels]: RequiredCount<Parameters<NativeKernels[K]>>;
};

export type EntryPointName = keyof typeof ENTRY_POINTS;
