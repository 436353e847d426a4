// AVX2 + FMA micro-kernels (256-bit, 16 ymm registers).
#include "kernels.h"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

namespace residual {
namespace {

struct Avx2 {
  typedef __m256 V;
  static constexpr int W = 8;
  static inline V zero() { return _mm256_setzero_ps(); }
  static inline V load(const float* p) { return _mm256_loadu_ps(p); }
  static inline void store(float* p, V v) { _mm256_storeu_ps(p, v); }
  static inline V bcast(const float* p) { return _mm256_broadcast_ss(p); }
  static inline V fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  static inline V add(V a, V b) { return _mm256_add_ps(a, b); }
};

#include "kernel_impl.h"

// 6x16: 12 accumulators + 2 B vectors + 1 broadcast = 15 of 16 registers.
const IGemmKernel kIGemm[] = {
    {"avx2_6x16", 6, 16, igemm_kernel<Avx2, 6, 2>},
    {"avx2_4x24", 4, 24, igemm_kernel<Avx2, 4, 3>},
    {"avx2_12x8", 12, 8, igemm_kernel<Avx2, 12, 1>},
};
const GemmKernel kGemm[] = {
    {"avx2_6x16", 6, 16, gemm_kernel<Avx2, 6, 2>},
    {"avx2_4x24", 4, 24, gemm_kernel<Avx2, 4, 3>},
    {"avx2_8x8", 8, 8, gemm_kernel<Avx2, 8, 1>},
};
const KernelTable kTable = {"avx2", sizeof(kIGemm) / sizeof(kIGemm[0]), kIGemm,
                            sizeof(kGemm) / sizeof(kGemm[0]), kGemm, nullptr, 0, nullptr};

}  // namespace

const KernelTable* kernels_avx2() { return &kTable; }

}  // namespace residual

#else
namespace residual {
const KernelTable* kernels_avx2() { return nullptr; }
}  // namespace residual
#endif
