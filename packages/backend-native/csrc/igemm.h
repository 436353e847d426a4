// Indirect GEMM (as in XNNPACK): a convolution-like product where each output row is one pixel
// of a (sub)grid and the reduction runs over filter taps x channels, reading the input through
// row pointers instead of an im2col buffer. The forward convolution and every phase of the
// input gradient are such products.
#pragma once
#include <algorithm>
#include <cstddef>
#include <vector>

#include "kernels.h"

namespace residual {

struct IGemmProblem {
  int batch = 0, rows_h = 0, rows_w = 0;  // the output (sub)grid

  const float* src = nullptr;  // NHWC source tensor
  int src_h = 0, src_w = 0;
  int src_pix = 0;  // floats per source pixel
  int src_c0 = 0;   // first channel read
  int cs = 0;       // channels read per tap
  int step_y = 1, step_x = 1;
  // Source pixel of grid point (qy, qx) for tap t:
  //   (qy * step_y + tap_dy[t], qx * step_x + tap_dx[t]).
  std::vector<int> tap_dy, tap_dx;

  float* dst = nullptr;  // NHWC destination tensor
  int dst_h = 0, dst_w = 0;
  int dst_pix = 0, dst_c0 = 0;
  // Destination pixel of grid point (qy, qx): (dst_y0 + qy * dst_sy, dst_x0 + qx * dst_sx).
  int dst_y0 = 0, dst_x0 = 0, dst_sy = 1, dst_sx = 1;
  int nc = 0;  // output channels written
};

inline int ceil_div(int a, int b) { return (a + b - 1) / b; }

// Channels per K block: bounds the packed-B panel streamed for each tile.
inline int igemm_channel_block(int ntaps, int cs) {
  const int kmax = 1024;
  const int nblocks = std::max(1, ceil_div(ntaps * cs, kmax));
  return ceil_div(cs, nblocks);
}

// Packs B(t, c, n) as [panel][channel block][tap][c][NR], zero-padded to whole panels.
template <class Get>
std::vector<float> pack_igemm_b(int ntaps, int cs, int nc, int nr, int kc, const Get& get) {
  const int npanels = ceil_div(nc, nr);
  std::vector<float> b(static_cast<size_t>(npanels) * ntaps * cs * nr, 0.f);
  for (int p = 0; p < npanels; ++p) {
    const int n0 = p * nr, nn = std::min(nr, nc - n0);
    float* out = b.data() + static_cast<size_t>(p) * ntaps * cs * nr;
    for (int c0 = 0; c0 < cs; c0 += kc) {
      const int kcb = std::min(kc, cs - c0);
      for (int t = 0; t < ntaps; ++t)
        for (int c = c0; c < c0 + kcb; ++c, out += nr)
          for (int n = 0; n < nn; ++n) out[n] = get(t, c, n0 + n);
    }
  }
  return b;
}

// Writes zeros to every destination row of the problem (a phase with no taps).
void zero_fill_rows(const IGemmProblem& p);

// Runs the product with `kern` over B packed by pack_igemm_b with the same kc, on the pool.
// Every output value is computed by one task in a fixed order: results do not depend on the
// number of threads.
void run_igemm(const IGemmProblem& p, const IGemmKernel& kern, const float* packed_b, int kc);

}  // namespace residual
