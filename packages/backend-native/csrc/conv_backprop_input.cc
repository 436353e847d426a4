// Input gradient: the transposed convolution, split into stride_h x stride_w phases so that no
// multiply touches one of the zeros a strided transposed convolution inserts; each phase is an
// indirect GEMM over dy with the taps that reach it.
#include <cstddef>
#include <vector>

#include "conv.h"
#include "dispatch.h"
#include "igemm.h"

namespace residual {
namespace {

// dx[y] sums dy[oy] * w[ky]^T over (oy, ky) with oy * stride - pad + ky * dil == y. For
// y = r + stride * q, only taps with (r + pad - ky * dil) divisible by the stride contribute,
// at oy = q + (r + pad - ky * dil) / stride.
void phase_taps(int r, int pad, int k, int dil, int stride, std::vector<int>* taps,
                std::vector<int>* offsets) {
  for (int kk = 0; kk < k; ++kk) {
    const int num = r + pad - kk * dil;
    if (((num % stride) + stride) % stride == 0) {
      taps->push_back(kk);
      offsets->push_back(num / stride);  // exact
    }
  }
}

}  // namespace

void conv2d_backprop_input(const ConvShape& s, const float* dy, const float* w, float* dx) {
  const int cig = s.in_c / s.groups, cog = s.out_c / s.groups;
  const IGemmKernel& kern = pick_igemm(cig);
  for (int g = 0; g < s.groups; ++g)
    for (int ry = 0; ry < s.stride_h; ++ry)
      for (int rx = 0; rx < s.stride_w; ++rx) {
        IGemmProblem p;
        p.batch = s.batch;
        p.rows_h = ry < s.in_h ? ceil_div(s.in_h - ry, s.stride_h) : 0;
        p.rows_w = rx < s.in_w ? ceil_div(s.in_w - rx, s.stride_w) : 0;
        if (p.rows_h == 0 || p.rows_w == 0) continue;
        std::vector<int> kys, offy, kxs, offx;
        phase_taps(ry, s.pad_top, s.k_h, s.dil_h, s.stride_h, &kys, &offy);
        phase_taps(rx, s.pad_left, s.k_w, s.dil_w, s.stride_w, &kxs, &offx);
        std::vector<int> tap_index;  // the filter tap ky * k_w + kx
        for (size_t i = 0; i < kys.size(); ++i)
          for (size_t j = 0; j < kxs.size(); ++j) {
            p.tap_dy.push_back(offy[i]);
            p.tap_dx.push_back(offx[j]);
            tap_index.push_back(kys[i] * s.k_w + kxs[j]);
          }
        p.src = dy;
        p.src_h = s.out_h;
        p.src_w = s.out_w;
        p.src_pix = s.out_c;
        p.src_c0 = g * cog;
        p.cs = cog;
        p.dst = dx;
        p.dst_h = s.in_h;
        p.dst_w = s.in_w;
        p.dst_pix = s.in_c;
        p.dst_c0 = g * cig;
        p.dst_y0 = ry;
        p.dst_x0 = rx;
        p.dst_sy = s.stride_h;
        p.dst_sx = s.stride_w;
        p.nc = cig;
        const int ntaps = static_cast<int>(tap_index.size());
        if (ntaps == 0 || cog == 0) {
          zero_fill_rows(p);
          continue;
        }
        const int kc = igemm_channel_block(ntaps, cog);
        // B(t, co, ci) = w[tap][ci][co]
        const float* b =
            pack_igemm_b(ntaps, cog, cig, kern.nr, kc, [&](int t, int co, int ci) {
              return w[(static_cast<size_t>(tap_index[t]) * cig + ci) * s.out_c + g * cog + co];
            });
        run_igemm(p, kern, b, kc);
      }
}

}  // namespace residual
