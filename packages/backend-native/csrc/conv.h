// NHWC float32 2-D convolution (forward and both gradients) on the CPU.
//
// Layouts (TensorFlow.js):
//   x  [batch, in_h, in_w, in_c]
//   w  [k_h, k_w, in_c / groups, out_c]
//   y  [batch, out_h, out_w, out_c]
// Output pixel (oy, ox), tap (ky, kx) reads input pixel
//   (oy * stride_h - pad_top + ky * dil_h, ox * stride_w - pad_left + kx * dil_w)
// and out-of-range pixels are zero. Output channel co belongs to group co / (out_c / groups).
// All functions overwrite their output, and give the same bits whatever the thread count.
#pragma once
#include <cstdint>
#include <string>

#include "contract.h"

namespace residual {

struct ConvShape {
  int batch, in_h, in_w, in_c;
  int k_h, k_w, out_c;
  int out_h, out_w;
  int stride_h, stride_w;
  int pad_top, pad_left;
  int dil_h, dil_w;
  int groups;
};

// Activation (the fused epilogues) comes from contract.h.

// An empty string when the shape is valid, else what is wrong.
std::string validate(const ConvShape& s);

inline uint64_t x_size(const ConvShape& s) {
  return uint64_t(s.batch) * s.in_h * s.in_w * s.in_c;
}
inline uint64_t y_size(const ConvShape& s) {
  return uint64_t(s.batch) * s.out_h * s.out_w * s.out_c;
}
inline uint64_t w_size(const ConvShape& s) {
  return uint64_t(s.k_h) * s.k_w * (s.in_c / s.groups) * s.out_c;
}

// y = activation(conv(x, w) + bias); bias (out_c values, or 1 broadcast) may be null.
void conv2d_forward(const ConvShape& s, const float* x, const float* w, const float* bias,
                    int bias_size, Activation activation, float* y);
void conv2d_backprop_input(const ConvShape& s, const float* dy, const float* w, float* dx);
void conv2d_backprop_filter(const ConvShape& s, const float* x, const float* dy, float* dw);

}  // namespace residual
