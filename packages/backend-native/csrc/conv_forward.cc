// Forward convolution: one indirect GEMM per group over the output pixels (no im2col buffer).
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "conv.h"
#include "dispatch.h"
#include "igemm.h"
#include "row_conv.h"
#include "thread_pool.h"

namespace residual {

std::string validate(const ConvShape& s) {
  const int dims[] = {s.batch, s.in_h,     s.in_w,     s.in_c,  s.k_h,  s.k_w, s.out_c,
                      s.out_h, s.out_w,    s.stride_h, s.stride_w, s.dil_h, s.dil_w, s.groups};
  for (int d : dims)
    if (d < 0) return "negative dimension";
  if (s.stride_h < 1 || s.stride_w < 1) return "strides must be >= 1";
  if (s.dil_h < 1 || s.dil_w < 1) return "dilations must be >= 1";
  if (s.groups < 1) return "groups must be >= 1";
  if (s.in_c % s.groups != 0 || s.out_c % s.groups != 0)
    return "channels must be divisible by groups";
  return "";
}

void conv2d_forward(const ConvShape& s, const float* x, const float* w, const float* bias,
                    int bias_size, Activation activation, float* y) {
  if (conv2d_forward_rows(s, x, w, bias, bias_size, activation, y)) return;
  const int cig = s.in_c / s.groups, cog = s.out_c / s.groups;
  const IGemmKernel& kern = pick_igemm(cog);
  for (int g = 0; g < s.groups; ++g) {
    IGemmProblem p;
    p.batch = s.batch;
    p.rows_h = s.out_h;
    p.rows_w = s.out_w;
    p.src = x;
    p.src_h = s.in_h;
    p.src_w = s.in_w;
    p.src_pix = s.in_c;
    p.src_c0 = g * cig;
    p.cs = cig;
    p.step_y = s.stride_h;
    p.step_x = s.stride_w;
    for (int ky = 0; ky < s.k_h; ++ky)
      for (int kx = 0; kx < s.k_w; ++kx) {
        p.tap_dy.push_back(ky * s.dil_h - s.pad_top);
        p.tap_dx.push_back(kx * s.dil_w - s.pad_left);
      }
    p.dst = y;
    p.dst_h = s.out_h;
    p.dst_w = s.out_w;
    p.dst_pix = s.out_c;
    p.dst_c0 = g * cog;
    p.nc = cog;
    p.bias = bias;
    p.bias_size = bias_size;
    p.activation = activation;
    const int ntaps = static_cast<int>(p.tap_dy.size());
    const int kc = igemm_channel_block(ntaps, cig);
    // w[t][c][co], t = ky * k_w + kx.
    const float* b = pack_igemm_b(ntaps, cig, cog, kern.nr, kc, [&](int t, int c, int n) {
      return w[(static_cast<size_t>(t) * cig + c) * s.out_c + g * cog + n];
    });
    run_igemm(p, kern, b, kc);
  }
}

}  // namespace residual
