// The operation codes the native kernels take, by name. csrc/contract.h of
// @residual/backend-native is generated from these tables (its test fails when it is stale), so
// the C++ enums and these numbers cannot drift apart.

/** The `activation` codes of {@link NativeKernels.conv2d} and {@link NativeKernels.matMul}. */
export const ACTIVATIONS = { linear: 0, relu: 1, relu6: 2 } as const;

/** An activation the native kernels fuse into a convolution or matrix product. */
export type ActivationName = keyof typeof ACTIVATIONS;
export type ActivationCode = (typeof ACTIVATIONS)[ActivationName];

/** The `op` codes of {@link NativeKernels.binary}. */
export const BINARY_OPS = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  squaredDifference: 4,
  maximum: 5,
  minimum: 6,
} as const;

/** A broadcasting element-wise operation of {@link NativeKernels.binary}. */
export type BinaryOpName = keyof typeof BINARY_OPS;
export type BinaryOpCode = (typeof BINARY_OPS)[BinaryOpName];
