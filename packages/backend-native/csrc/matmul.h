// Batched matrix products C[i] = op(A[i]) · op(B[i]) (op: the matrix or its transpose) over
// row-major float32 tensors, with the bias and activation of tfjs's _FusedMatMul.
#pragma once
#include <cstdint>
#include <string>

#include "conv.h"

namespace residual {

struct MatMulShape {
  int batch = 0;    // products
  int batch_a = 0;  // matrices in A: batch, or 1 (shared by every product)
  int batch_b = 0;  // matrices in B: batch, or 1
  int m = 0, k = 0, n = 0;
  // A is [m, k], or [k, m] when trans_a; B is [k, n], or [n, k] when trans_b.
  bool trans_a = false, trans_b = false;
};

// Empty when the shape is valid, else what is wrong.
std::string validate(const MatMulShape& s);

// Writes c ([batch, m, n]). bias (bias_size values: n, or 1 for a scalar) may be null; the
// activation is applied after the bias. Every output value is summed by one task over k in a
// fixed order: the bits do not depend on the number of threads.
void batch_matmul(const MatMulShape& s, const float* a, const float* b, float* c,
                  const float* bias, int bias_size, Activation activation);

}  // namespace residual
