// Indirect GEMM (as in XNNPACK): a convolution-like product where each output row is one pixel
// of a (sub)grid and the reduction runs over filter taps x channels, reading the input through
// row pointers instead of an im2col buffer. The forward convolution and every phase of the
// input gradient are such products.
#pragma once
#include <algorithm>
#include <cstddef>
#include <vector>

#include "conv.h"
#include "kernels.h"
#include "thread_pool.h"

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

  // Applied to each output value once its sum is complete, while it is still in cache:
  // y = activation(y + bias[dst_c0 + n]), bias holding bias_size values (1: broadcast) or null.
  const float* bias = nullptr;
  int bias_size = 0;
  Activation activation = Activation::kLinear;
};

inline int ceil_div(int a, int b) { return (a + b - 1) / b; }

// Channels per K block: bounds the packed-B panel streamed for each tile.
inline int igemm_channel_block(int ntaps, int cs) {
  const int kmax = 1024;
  const int nblocks = std::max(1, ceil_div(ntaps * cs, kmax));
  return ceil_div(cs, nblocks);
}

// A buffer of `size` floats kept by the calling thread for its next call (contents undefined).
// Kernels reuse it for per-call work space instead of allocating: glibc hands large freed blocks
// back to the kernel, and faulting them in again on every call cost ~5% of a ResNet's
// inference on a virtual machine. `slot` tells apart buffers used at the same time.
enum class ScratchSlot { kPackedB = 0, kPartialSums = 1, kColumns = 2, kCount = 3 };
float* thread_scratch(ScratchSlot slot, size_t size);

// Packs B(t, c, n) as [panel][channel block][tap][c][NR], zero-padded to whole panels, into the
// calling thread's kPackedB scratch buffer, and returns it. Panels are packed in parallel: a
// 3x3 convolution over 512 channels packs 2.4 million weights on every call, and packing them on
// one thread held back the second thread of a U-Net's deep layers (a copy: the same values for
// any thread count).
template <class Get>
const float* pack_igemm_b(int ntaps, int cs, int nc, int nr, int kc, const Get& get) {
  const int npanels = ceil_div(nc, nr);
  const size_t panel_size = static_cast<size_t>(ntaps) * cs * nr;
  float* b = thread_scratch(ScratchSlot::kPackedB, npanels * panel_size);
  ThreadPool::instance().parallel_for(npanels, [&](int p, int) {
    const int n0 = p * nr, nn = std::min(nr, nc - n0);
    float* out = b + p * panel_size;
    if (nn < nr) std::fill(out, out + panel_size, 0.f);
    for (int c0 = 0; c0 < cs; c0 += kc) {
      const int kcb = std::min(kc, cs - c0);
      for (int t = 0; t < ntaps; ++t)
        for (int c = c0; c < c0 + kcb; ++c, out += nr)
          for (int n = 0; n < nn; ++n) out[n] = get(t, c, n0 + n);
    }
  });
  return b;
}

// y[n] = activation(y[n] + bias[first_channel + n]) for n < count; bias (bias_size values, 1:
// broadcast) may be null.
void bias_activation_row(float* y, int count, const float* bias, int bias_size,
                         int first_channel, Activation activation);

// Writes zeros to every destination row of the problem (a phase with no taps).
void zero_fill_rows(const IGemmProblem& p);

// Runs the product with `kern` over B packed by pack_igemm_b with the same kc, on the pool.
// Every output value is computed by one task in a fixed order: results do not depend on the
// number of threads.
void run_igemm(const IGemmProblem& p, const IGemmKernel& kern, const float* packed_b, int kc);

}  // namespace residual
