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

// Direct convolution tile along an output row (stride 1, filter width KW, no dilation):
//   C[o][n] (+)= sum_ky sum_k sum_kx rows[ky][(o + kx) * pix + k] * b[ky][k][kx][n],
//   o < MR, n < NR = one vector.
// rows[ky] points at channel 0 of the input pixel under output pixel 0 and tap (ky, 0), and
// must be readable for MR + KW - 1 pixels; b[ky] is packed as [kc][KW][NR]. Each input value
// is broadcast once and feeds KW products, where an igemm tile broadcasts it once per product:
// with a single output vector (16 channels on AVX-512) the broadcasts, not the products, bound
// the igemm tile. c holds MR row pointers; accumulate != 0 adds to the existing C values.
typedef void (*RowConvFn)(int nky, const float* const* rows, const float* const* b, int kc,
                          std::ptrdiff_t pix, float* const* c, int mr, int nr,
                          int accumulate);

// Filter gradient of a stride-1 convolution along input rows (see row_filter_kernel in
// kernel_impl.h): for nrows rows q, input pixels i < npix (MR channels each, xpix floats apart,
// from xrows[q] + xoff) times the packed output-gradient rows dyrows[q] (NR floats per pixel,
// KW - 1 zero pixels of padding on each side), added into C: tap kx, input channel r, output
// channel n at c[kx * ldtap + r * ldc + n], first mr rows and nr columns.
typedef void (*RowFilterFn)(int nrows, const float* const* xrows, const float* const* dyrows,
                            std::ptrdiff_t xoff, int npix, std::ptrdiff_t xpix, float* c,
                            std::ptrdiff_t ldc, std::ptrdiff_t ldtap, int mr, int nr);

struct RowFilterKernel {
  const char* name;
  int mr, nr, kw;
  RowFilterFn fn;
};

struct RowConvKernel {
  const char* name;
  int mr, nr, kw;
  RowConvFn fn;
};

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
  // Null where the igemm tiles already feed several products per broadcast at every width.
  const RowConvKernel* row_conv;
  // Filter-gradient row kernels, narrowest first (none where the GEMM tiles suffice).
  int n_row_filter;
  const RowFilterKernel* row_filter;
};

// Defined in the ISA-specific translation units (null when not compiled in).
const KernelTable* kernels_generic();
const KernelTable* kernels_avx2();
const KernelTable* kernels_avx512();

}  // namespace residual
