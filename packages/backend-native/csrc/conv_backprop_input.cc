// Input gradient: the transposed convolution, split into stride_h x stride_w phases so that no
// multiply touches one of the zeros a strided transposed convolution inserts; each phase is an
// indirect GEMM over dy with the taps that reach it.
#include <cstddef>
#include <vector>

#include "conv.h"
#include "dispatch.h"
#include "igemm.h"
#include "row_conv.h"

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

// A stride-1, undilated input gradient is a forward convolution of dy with the filter turned by
// 180 degrees and its channel axes swapped, padded by k - 1 - pad: run it by the row kernel
// when that suits the shape (few input channels). Returns false, writing nothing, otherwise.
bool backprop_input_as_forward(const ConvShape& s, const float* dy, const float* w, float* dx) {
  if (s.stride_h != 1 || s.stride_w != 1 || s.dil_h != 1 || s.dil_w != 1) return false;
  if (s.pad_top > s.k_h - 1 || s.pad_left > s.k_w - 1) return false;
  const int cig = s.in_c / s.groups, cog = s.out_c / s.groups;
  ConvShape t = s;
  t.in_h = s.out_h;
  t.in_w = s.out_w;
  t.in_c = s.out_c;
  t.out_h = s.in_h;
  t.out_w = s.in_w;
  t.out_c = s.in_c;
  t.pad_top = s.k_h - 1 - s.pad_top;
  t.pad_left = s.k_w - 1 - s.pad_left;
  if (!row_conv_suits(t)) return false;
  // turned[ky][kx][co][g * cig + ci] = w[k_h - 1 - ky][k_w - 1 - kx][ci][g * cog + co]
  std::vector<float> turned(w_size(s));
  for (int ky = 0; ky < s.k_h; ++ky)
    for (int kx = 0; kx < s.k_w; ++kx)
      for (int g = 0; g < s.groups; ++g)
        for (int co = 0; co < cog; ++co)
          for (int ci = 0; ci < cig; ++ci)
            turned[((static_cast<size_t>(ky) * s.k_w + kx) * cog + co) * s.in_c + g * cig + ci] =
                w[((static_cast<size_t>(s.k_h - 1 - ky) * s.k_w + (s.k_w - 1 - kx)) * cig + ci) *
                      s.out_c +
                  g * cog + co];
  return conv2d_forward_rows(t, dy, turned.data(), nullptr, 0, Activation::kLinear, dx);
}

}  // namespace

void conv2d_backprop_input(const ConvShape& s, const float* dy, const float* w, float* dx) {
  if (backprop_input_as_forward(s, dy, w, dx)) return;
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
