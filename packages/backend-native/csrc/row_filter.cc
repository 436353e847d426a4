// Filter gradient of a stride-1 convolution by the row kernels of the active instruction set
// (RowFilterKernel in kernels.h), cut into chunks of pixels as filter_chunks.h says.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "dispatch.h"
#include "filter_chunks.h"
#include "igemm.h"
#include "row_conv.h"
#include "thread_pool.h"

namespace residual {
namespace {

constexpr int kRowBlock = 16;  // output rows whose gradient is packed at a time

// The narrowest row kernel as wide as the output channels whose rows divide the input
// channels (no partial channel panel: the kernel reads MR channels of every pixel), or null.
const RowFilterKernel* row_filter_for(const ConvShape& s) {
  const KernelTable& t = active_kernels();
  if (s.stride_h != 1 || s.stride_w != 1 || s.dil_h != 1 || s.dil_w != 1 || s.groups != 1)
    return nullptr;
  for (int i = 0; i < t.n_row_filter; ++i) {
    const RowFilterKernel& k = t.row_filter[i];
    if (s.k_w == k.kw && s.out_c <= k.nr && s.in_c % k.mr == 0) return &k;
  }
  return nullptr;
}

}  // namespace

bool conv2d_backprop_filter_rows(const ConvShape& s, const float* x, const float* dy, float* dw) {
  const RowFilterKernel* kern = row_filter_for(s);
  if (kern == nullptr) return false;
  const int MR = kern->mr, NR = kern->nr, KW = kern->kw;
  const size_t dw_size = w_size(s);
  std::memset(dw, 0, sizeof(float) * dw_size);
  const int64_t rows = static_cast<int64_t>(s.batch) * s.out_h;  // output rows (n, oy)
  const int64_t P = rows * s.out_w;
  if (P == 0 || dw_size == 0) return true;

  // Input pixels of a row, in coordinates where output pixel ox with tap kx reads j = ox + kx:
  // j0..j1 are those inside the image (the rest are zero padding and add nothing).
  const int j0 = std::max(0, s.pad_left);
  const int j1 = std::min(s.out_w + KW - 1, s.pad_left + s.in_w);
  const int npix = j1 - j0;
  if (npix <= 0) return true;
  // A packed gradient row: KW - 1 zero pixels, the out_w pixels, KW - 1 zero pixels.
  const int packed_w = s.out_w + 2 * (KW - 1);

  const int nchunks = filter_gradient_chunks(P, dw_size);
  const int mpanels = s.in_c / MR;
  // Chunks first, then filter rows, then input-channel panels, until there are ~8 tasks.
  const int ky_groups = std::min(s.k_h, std::max(1, ceil_div(8, nchunks)));
  const int mgroups = std::min(mpanels, std::max(1, ceil_div(8, nchunks * ky_groups)));
  float* partial = thread_scratch(ScratchSlot::kPartialSums, (nchunks - 1) * dw_size);
  std::fill(partial, partial + (nchunks - 1) * dw_size, 0.f);

  ThreadPool& pool = ThreadPool::instance();
  pool.parallel_for(nchunks * ky_groups * mgroups, [&](int task, int) {
    const int chunk = task / (ky_groups * mgroups);
    const int kg = task / mgroups % ky_groups;
    const int mg = task % mgroups;
    float* acc = chunk == 0 ? dw : partial + (chunk - 1) * dw_size;
    const int64_t r0 = rows * chunk / nchunks, r1 = rows * (chunk + 1) / nchunks;
    const int ky0 = s.k_h * kg / ky_groups, ky1 = s.k_h * (kg + 1) / ky_groups;
    const int i0 = mpanels * mg / mgroups, i1 = mpanels * (mg + 1) / mgroups;
    // Allocated by the thread that uses it (see run_igemm).
    std::vector<float> packed(static_cast<size_t>(kRowBlock) * packed_w * NR, 0.f);
    std::vector<const float*> xrows(kRowBlock), dyrows(kRowBlock);
    for (int64_t rb = r0; rb < r1; rb += kRowBlock) {
      const int nb = static_cast<int>(std::min<int64_t>(kRowBlock, r1 - rb));
      for (int q = 0; q < nb; ++q) {
        float* out = packed.data() + (static_cast<size_t>(q) * packed_w + (KW - 1)) * NR;
        const float* row = dy + (rb + q) * s.out_w * s.out_c;
        for (int ox = 0; ox < s.out_w; ++ox, out += NR, row += s.out_c) {
          std::copy(row, row + s.out_c, out);  // columns past out_c stay zero
        }
      }
      for (int ky = ky0; ky < ky1; ++ky) {
        int nrows = 0;
        for (int q = 0; q < nb; ++q) {
          const int64_t r = rb + q;
          const int n = static_cast<int>(r / s.out_h), oy = static_cast<int>(r % s.out_h);
          const int iy = oy - s.pad_top + ky;
          if (iy < 0 || iy >= s.in_h) continue;  // a padding row adds nothing
          xrows[nrows] =
              x + ((static_cast<int64_t>(n) * s.in_h + iy) * s.in_w + (j0 - s.pad_left)) * s.in_c;
          dyrows[nrows] = packed.data() + (static_cast<size_t>(q) * packed_w + j0) * NR;
          ++nrows;
        }
        if (nrows == 0) continue;
        for (int i = i0; i < i1; ++i) {
          float* c = acc + (static_cast<size_t>(ky) * KW * s.in_c + i * MR) * s.out_c;
          kern->fn(nrows, xrows.data(), dyrows.data(), i * MR, npix, s.in_c, c, s.out_c,
                   static_cast<std::ptrdiff_t>(s.in_c) * s.out_c, MR, s.out_c);
        }
      }
    }
  });

  add_chunk_partials(dw, partial, dw_size, nchunks);
  return true;
}

}  // namespace residual
