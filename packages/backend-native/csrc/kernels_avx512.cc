// AVX-512F micro-kernels (512-bit, 32 zmm registers).
#include "kernels.h"

#if defined(__AVX512F__)
#include <immintrin.h>

namespace residual {
namespace {

struct Avx512 {
  typedef __m512 V;
  static constexpr int W = 16;
  static inline V zero() { return _mm512_setzero_ps(); }
  static inline V load(const float* p) { return _mm512_loadu_ps(p); }
  static inline void store(float* p, V v) { _mm512_storeu_ps(p, v); }
  static inline V bcast(const float* p) { return _mm512_set1_ps(*p); }
  static inline V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  static inline V add(V a, V b) { return _mm512_add_ps(a, b); }
};

#include "kernel_impl.h"

const IGemmKernel kIGemm[] = {
    {"avx512_8x32", 8, 32, igemm_kernel<Avx512, 8, 2>},  // default
    {"avx512_12x32", 12, 32, igemm_kernel<Avx512, 12, 2>},
    {"avx512_6x32", 6, 32, igemm_kernel<Avx512, 6, 2>},
    {"avx512_14x16", 14, 16, igemm_kernel<Avx512, 14, 1>},
    {"avx512_8x16", 8, 16, igemm_kernel<Avx512, 8, 1>},
    {"avx512_4x64", 4, 64, igemm_kernel<Avx512, 4, 4>},
};
const GemmKernel kGemm[] = {
    {"avx512_8x32", 8, 32, gemm_kernel<Avx512, 8, 2>},  // default
    {"avx512_12x32", 12, 32, gemm_kernel<Avx512, 12, 2>},
    {"avx512_16x16", 16, 16, gemm_kernel<Avx512, 16, 1>},
    {"avx512_14x16", 14, 16, gemm_kernel<Avx512, 14, 1>},
};
const RowConvKernel kRowConv = {"avx512_row16x16_k3", 16, 16, 3, row_conv_kernel<Avx512, 16, 3>};
// 3 taps x MR channels x NV vectors = 24 accumulators, + 3 * NV gradient vectors + 1 broadcast.
const RowFilterKernel kRowFilter[] = {
    {"avx512_rowfilter8x16_k3", 8, 16, 3, row_filter_kernel<Avx512, 8, 1, 3>},
    {"avx512_rowfilter4x32_k3", 4, 32, 3, row_filter_kernel<Avx512, 4, 2, 3>},
};
const KernelTable kTable = {"avx512",
                            sizeof(kIGemm) / sizeof(kIGemm[0]),
                            kIGemm,
                            sizeof(kGemm) / sizeof(kGemm[0]),
                            kGemm,
                            &kRowConv,
                            sizeof(kRowFilter) / sizeof(kRowFilter[0]),
                            kRowFilter};

}  // namespace

const KernelTable* kernels_avx512() { return &kTable; }

}  // namespace residual

#else
namespace residual {
const KernelTable* kernels_avx512() { return nullptr; }
}  // namespace residual
#endif
