// Forward convolution by the row kernel of the active instruction set (see RowConvKernel in
// kernels.h), for the shapes where it beats the igemm tiles: stride 1, no dilation, the
// kernel's filter width, and at most one vector of output channels per group (16 on AVX-512,
// the first stage of a CIFAR ResNet).
#pragma once

#include "conv.h"

namespace residual {

// Whether the active instruction set has a row kernel for this shape.
bool row_conv_suits(const ConvShape& s);

// Computes y as conv2d_forward does and returns true, or returns false without writing
// anything when the shape or the instruction set does not suit the row kernel.
bool conv2d_forward_rows(const ConvShape& s, const float* x, const float* w, const float* bias,
                         int bias_size, Activation activation, float* y);

// Computes dw as conv2d_backprop_filter does (row_filter.cc) and returns true, or returns false
// without writing anything when the instruction set has no row kernel for the shape (stride 1,
// undilated, ungrouped, the kernel's filter width, output channels within its width, input
// channels a multiple of its rows).
bool conv2d_backprop_filter_rows(const ConvShape& s, const float* x, const float* dy, float* dw);

}  // namespace residual
