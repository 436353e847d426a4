// GENERATED from @residual/native-contract by src/contract-header.test.ts; do not edit.
// Regenerate with `pnpm --filter @residual/backend-native generate:contract`.
#pragma once
#include <cstdint>

namespace residual {

enum class BinaryOp : int32_t {
  kAdd = 0,
  kSub = 1,
  kMul = 2,
  kDiv = 3,
  kSquaredDifference = 4,
  kMaximum = 5,
  kMinimum = 6,
};
constexpr int64_t kBinaryOpCount = 7;

enum class Activation : int32_t {
  kLinear = 0,
  kRelu = 1,
  kRelu6 = 2,
};
constexpr int64_t kActivationCount = 3;
constexpr const char* kActivationChoices = "0 (linear), 1 (relu) or 2 (relu6)";

}  // namespace residual

// Every entry point of the addon: X(name in JavaScript, C++ function, required arguments).
#define RESIDUAL_ENTRY_POINTS(X) \
  X(conv2d,                    Conv2d, 4) \
  X(conv2dBackpropInput,       Conv2dBackpropInput, 4) \
  X(conv2dBackpropFilter,      Conv2dBackpropFilter, 4) \
  X(binary,                    Binary, 10) \
  X(relu,                      Relu, 2) \
  X(reluBackward,              ReluBackward, 3) \
  X(batchNorm,                 BatchNorm, 8) \
  X(batchNormBackward,         BatchNormBackward, 9) \
  X(batchNormMoments,          BatchNormMoments, 4) \
  X(batchNormTrainingBackward, BatchNormTrainingBackward, 9) \
  X(layerNorm,                 LayerNorm, 8) \
  X(layerNormBackward,         LayerNormBackward, 9) \
  X(causalSoftmax,             CausalSoftmax, 4) \
  X(causalSoftmaxBackward,     CausalSoftmaxBackward, 5) \
  X(exp,                       Exp, 2) \
  X(gelu,                      Gelu, 2) \
  X(geluBackward,              GeluBackward, 3) \
  X(adamwUpdate,               AdamwUpdate, 8) \
  X(sgdMomentumUpdate,         SgdMomentumUpdate, 6) \
  X(sumMiddleAxis,             SumMiddleAxis, 6) \
  X(pad,                       Pad, 4) \
  X(stridedCopy,               StridedCopy, 3) \
  X(maxPoolBackward,           MaxPoolBackward, 4) \
  X(resizeNearestBackward,     ResizeNearestBackward, 3) \
  X(matMul,                    MatMul, 4) \
  X(threads,                   Threads, 0) \
  X(setThreads,                SetThreads, 1) \
  X(isa,                       Isa, 0) \
  X(setIsa,                    SetIsa, 1) \

