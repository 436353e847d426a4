#include "row_conv.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "dispatch.h"
#include "igemm.h"
#include "thread_pool.h"

namespace residual {

bool row_conv_suits(const ConvShape& s) {
  const RowConvKernel* kern = active_kernels().row_conv;
  const int cig = s.in_c / s.groups, cog = s.out_c / s.groups;
  return kern != nullptr && s.stride_h == 1 && s.stride_w == 1 && s.dil_h == 1 && s.dil_w == 1 &&
         s.k_w == kern->kw && cog <= kern->nr && cog > 0 && cig > 0;
}

bool conv2d_forward_rows(const ConvShape& s, const float* x, const float* w, const float* bias,
                         int bias_size, Activation activation, float* y) {
  if (!row_conv_suits(s)) return false;
  const RowConvKernel* kern = active_kernels().row_conv;
  const int cig = s.in_c / s.groups, cog = s.out_c / s.groups;
  const int MR = kern->mr, NR = kern->nr, KW = kern->kw;

  // B per group and filter row: [c][kx][NR], zero-padded past cog. w is [ky][kx][c][out_c].
  const size_t per_row = static_cast<size_t>(cig) * KW * NR;
  float* packed = thread_scratch(ScratchSlot::kPackedB, per_row * s.k_h * s.groups);
  for (int g = 0; g < s.groups; ++g)
    for (int ky = 0; ky < s.k_h; ++ky) {
      float* out = packed + (static_cast<size_t>(g) * s.k_h + ky) * per_row;
      for (int c = 0; c < cig; ++c)
        for (int kx = 0; kx < KW; ++kx, out += NR) {
          const float* src = w + ((static_cast<size_t>(ky) * KW + kx) * cig + c) * s.out_c + g * cog;
          std::copy(src, src + cog, out);
          std::fill(out + cog, out + NR, 0.f);
        }
    }

  const int tiles_per_row = ceil_div(s.out_w, MR);
  const int64_t ntiles = static_cast<int64_t>(s.batch) * s.out_h * tiles_per_row;
  // Large tasks (up to 128 tiles) measured fastest on two threads; at least ~16 of them so that
  // small batches still spread over the threads.
  const int64_t tiles_per_task = std::max<int64_t>(1, std::min<int64_t>(128, ntiles / 16));
  const int64_t ntasks = (ntiles + tiles_per_task - 1) / tiles_per_task;
  std::vector<float> sink(NR);  // target of tile rows past the output row (never written)
  // A tile reads MR + KW - 1 pixels of a row from ox0 - pad_left on: a padded row holds
  // pad_left zero pixels, the row's pixels (this group's channels only), then zeros up to the
  // last tile's reach.
  const int right_zeros = std::max(0, tiles_per_row * MR + KW - 1 - s.pad_left - s.in_w);
  const size_t padded_row = static_cast<size_t>(s.pad_left + s.in_w + right_zeros) * cig;

  ThreadPool::instance().parallel_for(static_cast<int>(ntasks * s.groups), [&](int task, int) {
    const int g = task % s.groups;
    const int64_t tile0 = task / s.groups * tiles_per_task;
    const int64_t tile1 = std::min(ntiles, tile0 + tiles_per_task);
    // Allocated by the thread that uses it: per-thread buffers from one allocation would share
    // cache lines between cores.
    struct {
      // The k_h input rows the current output row reads, padded, in slots iy % k_h: each row
      // is copied once per task, where copying a tile's rows at every tile copied each input
      // pixel six times (3x3, two tiles across a 32-pixel row) and cost a fifth of the time.
      std::vector<float> padded;
      std::vector<int64_t> held;  // n * in_h + iy of the row in each slot, -1: none yet
      std::vector<const float*> rows, b;
      std::vector<float*> c;
    } sc;
    sc.padded.assign(padded_row * s.k_h, 0.f);  // the zeros at both ends are never overwritten
    sc.held.assign(s.k_h, -1);
    sc.rows.resize(s.k_h);
    sc.b.resize(s.k_h);
    sc.c.resize(MR);
    for (int64_t tile = tile0; tile < tile1; ++tile) {
      const int tx = static_cast<int>(tile % tiles_per_row);
      const int64_t image_row = tile / tiles_per_row;
      const int oy = static_cast<int>(image_row % s.out_h);
      const int n = static_cast<int>(image_row / s.out_h);
      const int ox0 = tx * MR, mr = std::min(MR, s.out_w - ox0);
      int nky = 0;
      for (int ky = 0; ky < s.k_h; ++ky) {
        const int iy = oy - s.pad_top + ky;
        if (iy < 0 || iy >= s.in_h) continue;  // padding rows add nothing
        const int slot = iy % s.k_h;
        float* padded = sc.padded.data() + slot * padded_row;
        const int64_t key = static_cast<int64_t>(n) * s.in_h + iy;
        if (sc.held[slot] != key) {
          const float* src = x + key * s.in_w * s.in_c + g * cig;
          float* dst = padded + static_cast<size_t>(s.pad_left) * cig;
          if (cig == s.in_c) {  // one group: the row is contiguous
            std::copy(src, src + static_cast<int64_t>(s.in_w) * s.in_c, dst);
          } else {
            for (int ix = 0; ix < s.in_w; ++ix, src += s.in_c, dst += cig)
              std::copy(src, src + cig, dst);
          }
          sc.held[slot] = key;
        }
        sc.rows[nky] = padded + static_cast<size_t>(ox0) * cig;
        sc.b[nky] = packed + (static_cast<size_t>(g) * s.k_h + ky) * per_row;
        ++nky;
      }
      float* out = y + ((static_cast<int64_t>(n) * s.out_h + oy) * s.out_w + ox0) * s.out_c + g * cog;
      for (int r = 0; r < MR; ++r) sc.c[r] = r < mr ? out + static_cast<int64_t>(r) * s.out_c : sink.data();
      kern->fn(nky, sc.rows.data(), sc.b.data(), cig, cig, sc.c.data(), mr, cog, 0);
      if (bias != nullptr || activation != Activation::kLinear) {
        for (int r = 0; r < mr; ++r)
          bias_activation_row(sc.c[r], cog, bias, bias_size, g * cog, activation);
      }
    }
  });
  return true;
}

}  // namespace residual
