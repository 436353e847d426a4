// Portable fallback micro-kernels using GCC/Clang vector extensions
// (compiles to SSE2 on x86-64, NEON on arm64).
#include "kernels.h"

namespace residual {
namespace {

struct Generic {
  typedef float V __attribute__((vector_size(16)));
  static constexpr int W = 4;
  static inline V zero() { return V{0, 0, 0, 0}; }
  static inline V load(const float* p) {
    V v;
    __builtin_memcpy(&v, p, sizeof(v));
    return v;
  }
  static inline void store(float* p, V v) { __builtin_memcpy(p, &v, sizeof(v)); }
  static inline V bcast(const float* p) { return V{*p, *p, *p, *p}; }
  static inline V fma(V a, V b, V c) { return a * b + c; }
  static inline V add(V a, V b) { return a + b; }
};

#include "kernel_impl.h"

const IGemmKernel kIGemm[] = {
    {"generic_4x8", 4, 8, igemm_kernel<Generic, 4, 2>},
};
const GemmKernel kGemm[] = {
    {"generic_4x8", 4, 8, gemm_kernel<Generic, 4, 2>},
};
const KernelTable kTable = {"generic", 1, kIGemm, 1, kGemm, nullptr, 0, nullptr};

}  // namespace

const KernelTable* kernels_generic() { return &kTable; }

}  // namespace residual
