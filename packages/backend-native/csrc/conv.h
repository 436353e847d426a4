// NHWC float32 2-D convolution (forward and both gradients) on the CPU.
//
// Layouts (TensorFlow.js):
//   x  [batch, in_h, in_w, in_c]
//   w  [k_h, k_w, in_c / groups, out_c]
//   y  [batch, out_h, out_w, out_c]
// Output pixel (oy, ox), tap (ky, kx) reads input pixel
//   (oy * stride_h - pad_top + ky * dil_h, ox * stride_w - pad_left + kx * dil_w)
// and out-of-range pixels are zero. Output channel co belongs to group
// co / (out_c / groups). All three functions overwrite their output.
#pragma once
#include <string>

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

// Returns an empty string when the shape is valid, else a message.
std::string validate(const ConvShape& s);

void conv2d_forward(const ConvShape& s, const float* x, const float* w,
                    float* y);
void conv2d_backprop_input(const ConvShape& s, const float* dy, const float* w,
                           float* dx);
void conv2d_backprop_filter(const ConvShape& s, const float* x,
                            const float* dy, float* dw);

// Kernel selection (mostly for benchmarking). isa: "auto", "avx512",
// "avx2" or "generic"; returns false if unavailable on this build/CPU.
bool set_isa(const std::string& isa);
std::string current_isa();
// Forces a micro-kernel by name ("" = automatic choice). False if unknown.
bool force_igemm_kernel(const std::string& name);
bool force_gemm_kernel(const std::string& name);
// Comma-separated list of the kernels available on this CPU.
std::string available_kernels();

}  // namespace residual
