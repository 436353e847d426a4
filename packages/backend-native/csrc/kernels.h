// Micro-kernel interface. Each instruction-set-specific translation unit
// (kernels_avx2.cc, kernels_avx512.cc, kernels_generic.cc) exports a table of
// kernels; the drivers in conv.cc pick one at run time. Kernel translation
// units must not use any C++ standard library templates: they are compiled
// with ISA-specific flags and any shared inline/template code could be merged
// by the linker into the baseline code path (ODR/COMDAT hazard).
#pragma once
#include <cstddef>

namespace residual {

// Indirect GEMM tile ("igemm", as in XNNPACK):
//   C[r][n] (+)= sum_t sum_k A_t[r][aoff + k] * B[t][k][n],  r < mr, n < nr
// `a` holds ntaps*MR row pointers (row r of tap t at a[t*MR + r]); rows that
// fall into padding point at a zero buffer. `b` is packed as
// [ntaps][kc][NR] (zero-padded columns). `c` holds MR row pointers; coff is
// added to each. accumulate != 0 adds to the existing C values.
typedef void (*IGemmFn)(int ntaps, int kc, const float* const* a,
                        std::ptrdiff_t aoff, const float* b, float* const* c,
                        std::ptrdiff_t coff, int mr, int nr, int accumulate);

// GEMM tile with indirect A rows along K:
//   C[r*ldc + n] (+)= sum_k a[k][aoff + r] * B[k*NR + n],  r < mr, n < nr
// Each a[k] points at MR consecutive floats (for the filter gradient: the
// input pixel feeding output pixel k, or a zero buffer for padding). `b` is
// packed as [kc][NR].
typedef void (*GemmFn)(int kc, const float* const* a, std::ptrdiff_t aoff,
                       const float* b, float* c, std::ptrdiff_t ldc, int mr,
                       int nr, int accumulate);

struct IGemmKernel {
  const char* name;
  int mr, nr;
  IGemmFn fn;
};
struct GemmKernel {
  const char* name;
  int mr, nr;
  GemmFn fn;
};

struct KernelTable {
  const char* isa;
  int n_igemm;
  const IGemmKernel* igemm;
  int n_gemm;
  const GemmKernel* gemm;
};

// Defined in the ISA-specific translation units (null when not compiled in).
const KernelTable* kernels_generic();
const KernelTable* kernels_avx2();
const KernelTable* kernels_avx512();

}  // namespace residual
