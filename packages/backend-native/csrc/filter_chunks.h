// How the filter gradients (conv_backprop_filter.cc, row_filter.cc) sum over every output pixel:
// the pixels are cut into a number of chunks that depends on the shape only, each chunk sums
// into its own copy of dW, and the copies are added in order at the end, so the result has the
// same bits whatever the number of threads (deterministic training).
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "thread_pool.h"

namespace residual {

// Pixels summed into one partial dW. Small enough that a small image's pixels still split into
// chunks: with one chunk the tasks split the taps, and each packed the whole dy again (8192
// pixels per chunk ran a 3×3/2 32→16² filter gradient at 113 GFLOP/s on two threads; 2048, 190).
constexpr int64_t kPixelsPerChunk = 2048;
constexpr int kMaxChunks = 8;
constexpr uint64_t kMaxPartialFloats = 1 << 22;  // 16 MB of partial sums at most

// The number of chunks for `pixels` output pixels and a dW of `dw_size` floats.
inline int filter_gradient_chunks(int64_t pixels, size_t dw_size) {
  return static_cast<int>(std::max<int64_t>(
      1, std::min<int64_t>({(pixels + kPixelsPerChunk - 1) / kPixelsPerChunk, kMaxChunks,
                            static_cast<int64_t>(kMaxPartialFloats / dw_size)})));
}

// dw += the partial sums of chunks 1.. (chunk k at partial + (k - 1) * dw_size), in order.
inline void add_chunk_partials(float* dw, const float* partial, size_t dw_size, int nchunks) {
  if (nchunks <= 1) return;
  const size_t block = 16384;
  const int ntasks = static_cast<int>((dw_size + block - 1) / block);
  ThreadPool::instance().parallel_for(ntasks, [&](int task, int) {
    const size_t b = task * block;
    const size_t e = std::min(dw_size, b + block);
    for (int k = 1; k < nchunks; ++k) {
      const float* v = partial + (k - 1) * dw_size;
      for (size_t i = b; i < e; ++i) dw[i] += v[i];
    }
  });
}

}  // namespace residual
