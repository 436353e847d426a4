// Filter gradient: dW[tap] = im2col_tap(x)^T * dy, a GEMM whose reduction runs over every output
// pixel, cut into chunks as filter_chunks.h says.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "conv.h"
#include "dispatch.h"
#include "filter_chunks.h"
#include "igemm.h"
#include "row_conv.h"
#include "thread_pool.h"

namespace residual {
namespace {

constexpr int kPixelBlock = 256;  // pixels packed at a time

}  // namespace

void conv2d_backprop_filter(const ConvShape& s, const float* x, const float* dy, float* dw) {
  if (conv2d_backprop_filter_rows(s, x, dy, dw)) return;
  const int cig = s.in_c / s.groups, cog = s.out_c / s.groups;
  const int ntaps = s.k_h * s.k_w;
  const size_t dw_size = static_cast<size_t>(ntaps) * cig * s.out_c;
  std::memset(dw, 0, sizeof(float) * dw_size);
  const int64_t P = static_cast<int64_t>(s.batch) * s.out_h * s.out_w;
  if (P == 0 || dw_size == 0) return;

  const GemmKernel& kern = pick_gemm(cog);
  const int MR = kern.mr, NR = kern.nr;
  const int mpanels = ceil_div(cig, MR), npanels = ceil_div(cog, NR);
  const int full_panels = cig / MR, tail_rows = cig % MR;

  const int nchunks = filter_gradient_chunks(P, dw_size);
  // Chunks of pixels first; then taps, then input-channel panels, until there are ~8 tasks.
  // (A task packs its pixels' dy once for all its taps: with few channels, per-tap packing
  // and coordinates cost more than the products.)
  const int tap_groups = std::min(ntaps, std::max(1, ceil_div(8, nchunks)));
  // Splitting the input channels makes each task pack its pixels' dy again, which costs more
  // than it parallelises when a packed dy value feeds few products: a 1×1 filter of 64→256
  // channels ran 15–25% faster without the split. Either way each dW value is summed by one
  // task in the same order, so the bits do not change.
  const bool split_channels = static_cast<int64_t>(cig) * ntaps >= 512;
  // Few input channels (a stem's 3): panels of MR channels would be mostly padding (3 of 8
  // rows), so the rows are (tap, channel) pairs instead, read from an im2col copy of the block.
  // The 7×7/2 stem of ResNet-50 ran 2.5x faster. Used when padding wastes over 1/4 of the rows.
  const bool im2col = (mpanels * MR - cig) * 4 > mpanels * MR;
  const int mgroups =
      split_channels && !im2col ? std::min(mpanels, std::max(1, ceil_div(8, nchunks * tap_groups))) : 1;
  // Chunk k > 0 sums into partial + (k - 1) * dw_size.
  float* partial = thread_scratch(ScratchSlot::kPartialSums, (nchunks - 1) * dw_size);
  std::fill(partial, partial + (nchunks - 1) * dw_size, 0.f);

  ThreadPool& pool = ThreadPool::instance();
  struct Scratch {
    std::vector<float> b;         // packed dy block: [panel][k][NR]
    std::vector<const float*> a;  // x pixel (or zeros) per k, for one tap
    // The last, partial channel panel: the kernel reads MR floats per row, which could run
    // past the end of x, so those rows are copied and zero-padded.
    std::vector<float> tail;
    std::vector<const float*> tail_a;
    std::vector<int> pn, py, px;  // coordinates of the block's pixels
    std::vector<float> col;       // im2col rows of the block's pixels (few input channels)
  };
  std::vector<float> zeros(static_cast<size_t>(mpanels) * MR, 0.f);
  const int ohw = s.out_h * s.out_w;

  for (int g = 0; g < s.groups; ++g) {
    pool.parallel_for(nchunks * tap_groups * mgroups, [&](int task, int) {
      const int chunk = task / (tap_groups * mgroups);
      const int tg = task / mgroups % tap_groups;
      const int mg = task % mgroups;
      float* acc = chunk == 0 ? dw : partial + (chunk - 1) * dw_size;
      const int64_t p0 = P * chunk / nchunks, p1 = P * (chunk + 1) / nchunks;
      const int t0 = ntaps * tg / tap_groups, t1 = ntaps * (tg + 1) / tap_groups;
      const int i0 = mpanels * mg / mgroups, i1 = mpanels * (mg + 1) / mgroups;
      Scratch sc;  // allocated by the thread that uses it (see run_igemm)
      sc.b.resize(static_cast<size_t>(npanels) * kPixelBlock * NR);
      sc.a.resize(kPixelBlock);
      if (tail_rows != 0) {
        sc.tail.assign(static_cast<size_t>(kPixelBlock) * MR, 0.f);
        sc.tail_a.resize(kPixelBlock);
        for (int k = 0; k < kPixelBlock; ++k) sc.tail_a[k] = sc.tail.data() + k * MR;
      }
      sc.pn.resize(kPixelBlock);
      sc.py.resize(kPixelBlock);
      sc.px.resize(kPixelBlock);

      // Coordinates of pixel p0, then stepped pixel by pixel.
      int n = static_cast<int>(p0 / ohw);
      int rem = static_cast<int>(p0 - static_cast<int64_t>(n) * ohw);
      int oy = rem / s.out_w, ox = rem % s.out_w;
      for (int64_t pb = p0; pb < p1; pb += kPixelBlock) {
        const int kcb = static_cast<int>(std::min<int64_t>(kPixelBlock, p1 - pb));
        for (int k = 0; k < kcb; ++k) {
          sc.pn[k] = n;
          sc.py[k] = oy * s.stride_h - s.pad_top;
          sc.px[k] = ox * s.stride_w - s.pad_left;
          if (++ox == s.out_w) {
            ox = 0;
            if (++oy == s.out_h) {
              oy = 0;
              ++n;
            }
          }
        }
        for (int j = 0; j < npanels; ++j) {
          const int n0 = j * NR, nn = std::min(NR, cog - n0);
          float* out = sc.b.data() + static_cast<size_t>(j) * kcb * NR;
          for (int k = 0; k < kcb; ++k, out += NR) {
            const float* row = dy + (pb + k) * s.out_c + g * cog + n0;
            for (int c = 0; c < nn; ++c) out[c] = row[c];
            for (int c = nn; c < NR; ++c) out[c] = 0.f;
          }
        }
        if (im2col) {
          // Rows of this task's dW block: (tap, channel) for taps [t0, t1), contiguous in dW.
          const int width = (t1 - t0) * cig;
          const int wpad = ceil_div(width, MR) * MR;
          sc.col.resize(static_cast<size_t>(kPixelBlock) * wpad);
          for (int k = 0; k < kcb; ++k) {
            float* row = sc.col.data() + static_cast<size_t>(k) * wpad;
            for (int t = t0; t < t1;) {
              const int ky = t / s.k_w, kx = t % s.k_w;
              const int iy = sc.py[k] + ky * s.dil_h;
              const int ix = sc.px[k] + kx * s.dil_w;
              // Only formed for pixels inside the image.
              const auto pixel = [&] {
                return x + ((static_cast<int64_t>(sc.pn[k]) * s.in_h + iy) * s.in_w + ix) * s.in_c +
                       g * cig;
              };
              // The rest of this filter row's taps read consecutive pixels when undilated and
              // ungrouped: one copy for all of them (a 7×7 stem's 21 floats, not 7 copies of 3).
              const int run = std::min(t1 - t, s.k_w - kx);
              if (s.dil_w == 1 && cig == s.in_c && run > 1 &&
                  static_cast<unsigned>(iy) < static_cast<unsigned>(s.in_h) && ix >= 0 &&
                  ix + run <= s.in_w) {
                std::copy(pixel(), pixel() + run * cig, row);
                row += run * cig;
                t += run;
                continue;
              }
              if (static_cast<unsigned>(iy) >= static_cast<unsigned>(s.in_h) ||
                  static_cast<unsigned>(ix) >= static_cast<unsigned>(s.in_w)) {
                std::fill(row, row + cig, 0.f);
              } else {
                std::copy(pixel(), pixel() + cig, row);
              }
              row += cig;
              ++t;
            }
            std::fill(row, row + (wpad - width), 0.f);
            sc.a[k] = sc.col.data() + static_cast<size_t>(k) * wpad;
          }
          for (int i = 0; i < wpad / MR; ++i) {
            for (int j = 0; j < npanels; ++j) {
              float* c = acc + (static_cast<size_t>(t0) * cig + i * MR) * s.out_c + g * cog +
                         j * NR;
              kern.fn(kcb, sc.a.data(), i * MR, sc.b.data() + static_cast<size_t>(j) * kcb * NR,
                      c, s.out_c, std::min(MR, width - i * MR), std::min(NR, cog - j * NR), 1);
            }
          }
          continue;
        }
        for (int t = t0; t < t1; ++t) {
          const int ky = t / s.k_w, kx = t % s.k_w;
          // The input pixel feeding each output pixel of the block through tap t.
          for (int k = 0; k < kcb; ++k) {
            const int iy = sc.py[k] + ky * s.dil_h;
            const int ix = sc.px[k] + kx * s.dil_w;
            sc.a[k] = (static_cast<unsigned>(iy) >= static_cast<unsigned>(s.in_h) ||
                       static_cast<unsigned>(ix) >= static_cast<unsigned>(s.in_w))
                          ? zeros.data()
                          : x + ((static_cast<int64_t>(sc.pn[k]) * s.in_h + iy) * s.in_w + ix) *
                                    s.in_c +
                                g * cig;
          }
          if (tail_rows != 0 && i1 > full_panels) {
            for (int k = 0; k < kcb; ++k)
              std::memcpy(sc.tail.data() + k * MR, sc.a[k] + full_panels * MR,
                          sizeof(float) * tail_rows);
          }
          for (int i = i0; i < i1; ++i) {
            const int mr = std::min(MR, cig - i * MR);
            const bool tail = i == full_panels;
            for (int j = 0; j < npanels; ++j) {
              float* c =
                  acc + (static_cast<size_t>(t) * cig + i * MR) * s.out_c + g * cog + j * NR;
              kern.fn(kcb, tail ? sc.tail_a.data() : sc.a.data(), tail ? 0 : i * MR,
                      sc.b.data() + static_cast<size_t>(j) * kcb * NR, c, s.out_c, mr,
                      std::min(NR, cog - j * NR), 1);
            }
          }
        }
      }
    });
  }

  add_chunk_partials(dw, partial, dw_size, nchunks);
}

}  // namespace residual
