// Input gradient: the transposed convolution, split into stride_h x stride_w phases so that no
// multiply touches one of the zeros a strided transposed convolution inserts; each phase is an
// indirect GEMM over dy with the taps that reach it.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "conv.h"
#include "dispatch.h"
#include "igemm.h"
#include "row_conv.h"
#include "thread_pool.h"

namespace residual {
namespace {

// dx[y] sums dy[oy] * w[ky]^T over (oy, ky) with oy * stride - pad + ky * dil == y. For
// y = r + stride * q, only taps with (r + pad - ky * dil) divisible by the stride contribute,
// at oy = q + (r + pad - ky * dil) / stride.
void phase_taps(int r, int pad, int k, int dil, int stride, std::vector<int>* taps,
                std::vector<int>* offsets) {
  for (int kk = 0; kk < k; ++kk) {
    const int num = r + pad - kk * dil;
    if (((num % stride) + stride) % stride == 0) {
      taps->push_back(kk);
      offsets->push_back(num / stride);  // exact
    }
  }
}

// A stride-1, undilated input gradient is a forward convolution of dy with the filter turned by
// 180 degrees and its channel axes swapped, padded by k - 1 - pad: run it by the row kernel
// when that suits the shape (few input channels). Returns false, writing nothing, otherwise.
bool backprop_input_as_forward(const ConvShape& s, const float* dy, const float* w, float* dx) {
  if (s.stride_h != 1 || s.stride_w != 1 || s.dil_h != 1 || s.dil_w != 1) return false;
  if (s.pad_top > s.k_h - 1 || s.pad_left > s.k_w - 1) return false;
  const int cig = s.in_c / s.groups, cog = s.out_c / s.groups;
  ConvShape t = s;
  t.in_h = s.out_h;
  t.in_w = s.out_w;
  t.in_c = s.out_c;
  t.out_h = s.in_h;
  t.out_w = s.in_w;
  t.out_c = s.in_c;
  t.pad_top = s.k_h - 1 - s.pad_top;
  t.pad_left = s.k_w - 1 - s.pad_left;
  if (!row_conv_suits(t)) return false;
  // turned[ky][kx][co][g * cig + ci] = w[k_h - 1 - ky][k_w - 1 - kx][ci][g * cog + co]
  std::vector<float> turned(w_size(s));
  for (int ky = 0; ky < s.k_h; ++ky)
    for (int kx = 0; kx < s.k_w; ++kx)
      for (int g = 0; g < s.groups; ++g)
        for (int co = 0; co < cog; ++co)
          for (int ci = 0; ci < cig; ++ci)
            turned[((static_cast<size_t>(ky) * s.k_w + kx) * cog + co) * s.in_c + g * cig + ci] =
                w[((static_cast<size_t>(s.k_h - 1 - ky) * s.k_w + (s.k_w - 1 - kx)) * cig + ci) *
                      s.out_c +
                  g * cog + co];
  return conv2d_forward_rows(t, dy, turned.data(), nullptr, 0, Activation::kLinear, dx);
}

// Columns of dcol held at once: bounds the buffer to 16 MB whatever the batch.
constexpr int64_t kMaxColumnFloats = int64_t{1} << 22;

// With few input channels (a 3-channel stem) each phase's product would fill 3 of a tile's 16 or
// 32 columns. Instead: dcol = dy · wᵀ, one product with a column per (tap, input channel), then
// dx gathers, for each input pixel, the columns of the output pixels its taps reach (col2im,
// in a fixed tap order: the same bits for any thread count). Returns false, writing nothing,
// when the shape has enough input channels for the phases.
bool backprop_input_by_columns(const ConvShape& s, const float* dy, const float* w, float* dx) {
  const int ntaps = s.k_h * s.k_w;
  const int ncols = ntaps * s.in_c;
  if (s.groups != 1 || s.in_c > 4 || ncols < 32 || s.out_c == 0) return false;
  const IGemmKernel& kern = pick_igemm(ncols);
  const int kc = igemm_channel_block(1, s.out_c);
  // B(co, n) = w[tap][ci][co] with n = tap * in_c + ci.
  const float* b = pack_igemm_b(1, s.out_c, ncols, kern.nr, kc, [&](int, int co, int n) {
    return w[static_cast<size_t>(n) * s.out_c + co];
  });
  const int64_t image_cols = static_cast<int64_t>(s.out_h) * s.out_w * ncols;
  const int images_per_chunk =
      static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(s.batch, kMaxColumnFloats / image_cols)));
  float* dcol = thread_scratch(ScratchSlot::kColumns, images_per_chunk * image_cols);
  for (int n0 = 0; n0 < s.batch; n0 += images_per_chunk) {
    const int images = std::min(images_per_chunk, s.batch - n0);
    IGemmProblem p;
    p.batch = images;
    p.rows_h = s.out_h;
    p.rows_w = s.out_w;
    p.src = dy + static_cast<int64_t>(n0) * s.out_h * s.out_w * s.out_c;
    p.src_h = s.out_h;
    p.src_w = s.out_w;
    p.src_pix = s.out_c;
    p.cs = s.out_c;
    p.tap_dy = {0};
    p.tap_dx = {0};
    p.dst = dcol;
    p.dst_h = s.out_h;
    p.dst_w = s.out_w;
    p.dst_pix = ncols;
    p.nc = ncols;
    run_igemm(p, kern, b, kc);
    // dx[n][iy][ix][ci] = sum over taps reaching an output pixel of dcol[n][oy][ox][tap][ci].
    ThreadPool::instance().parallel_for(images * s.in_h, [&](int task, int) {
      const int n = task / s.in_h, iy = task % s.in_h;
      float* out = dx + ((static_cast<int64_t>(n0 + n) * s.in_h + iy) * s.in_w) * s.in_c;
      std::fill(out, out + static_cast<int64_t>(s.in_w) * s.in_c, 0.f);
      const float* cols = dcol + static_cast<int64_t>(n) * image_cols;
      for (int ky = 0; ky < s.k_h; ++ky) {
        const int ny = iy + s.pad_top - ky * s.dil_h;
        if (ny < 0 || ny % s.stride_h != 0 || ny / s.stride_h >= s.out_h) continue;
        const int oy = ny / s.stride_h;
        const float* row = cols + static_cast<int64_t>(oy) * s.out_w * ncols;
        for (int kx = 0; kx < s.k_w; ++kx) {
          // The input columns tap kx reaches: ix + pad_left - kx * dil_w = ox * stride_w.
          const int shift = s.pad_left - kx * s.dil_w;
          int ix = ((-shift) % s.stride_w + s.stride_w) % s.stride_w;
          int ox = (ix + shift) / s.stride_w;
          if (ox < 0) {  // the first reachable column, then every stride_w-th
            ix += -ox * s.stride_w;
            ox = 0;
          }
          const float* c = row + static_cast<int64_t>(ox) * ncols + (ky * s.k_w + kx) * s.in_c;
          for (; ix < s.in_w && ox < s.out_w; ix += s.stride_w, ++ox, c += ncols) {
            float* o = out + static_cast<int64_t>(ix) * s.in_c;
            for (int ci = 0; ci < s.in_c; ++ci) o[ci] += c[ci];
          }
        }
      }
    });
  }
  return true;
}

}  // namespace

void conv2d_backprop_input(const ConvShape& s, const float* dy, const float* w, float* dx) {
  if (backprop_input_as_forward(s, dy, w, dx)) return;
  if (backprop_input_by_columns(s, dy, w, dx)) return;
  const int cig = s.in_c / s.groups, cog = s.out_c / s.groups;
  const IGemmKernel& kern = pick_igemm(cig);
  for (int g = 0; g < s.groups; ++g)
    for (int ry = 0; ry < s.stride_h; ++ry)
      for (int rx = 0; rx < s.stride_w; ++rx) {
        IGemmProblem p;
        p.batch = s.batch;
        p.rows_h = ry < s.in_h ? ceil_div(s.in_h - ry, s.stride_h) : 0;
        p.rows_w = rx < s.in_w ? ceil_div(s.in_w - rx, s.stride_w) : 0;
        if (p.rows_h == 0 || p.rows_w == 0) continue;
        std::vector<int> kys, offy, kxs, offx;
        phase_taps(ry, s.pad_top, s.k_h, s.dil_h, s.stride_h, &kys, &offy);
        phase_taps(rx, s.pad_left, s.k_w, s.dil_w, s.stride_w, &kxs, &offx);
        std::vector<int> tap_index;  // the filter tap ky * k_w + kx
        for (size_t i = 0; i < kys.size(); ++i)
          for (size_t j = 0; j < kxs.size(); ++j) {
            p.tap_dy.push_back(offy[i]);
            p.tap_dx.push_back(offx[j]);
            tap_index.push_back(kys[i] * s.k_w + kxs[j]);
          }
        p.src = dy;
        p.src_h = s.out_h;
        p.src_w = s.out_w;
        p.src_pix = s.out_c;
        p.src_c0 = g * cog;
        p.cs = cog;
        p.dst = dx;
        p.dst_h = s.in_h;
        p.dst_w = s.in_w;
        p.dst_pix = s.in_c;
        p.dst_c0 = g * cig;
        p.dst_y0 = ry;
        p.dst_x0 = rx;
        p.dst_sy = s.stride_h;
        p.dst_sx = s.stride_w;
        p.nc = cig;
        const int ntaps = static_cast<int>(tap_index.size());
        if (ntaps == 0 || cog == 0) {
          zero_fill_rows(p);
          continue;
        }
        const int kc = igemm_channel_block(ntaps, cog);
        // B(t, co, ci) = w[tap][ci][co]
        const float* b =
            pack_igemm_b(ntaps, cog, cig, kern.nr, kc, [&](int t, int co, int ci) {
              return w[(static_cast<size_t>(tap_index[t]) * cig + ci) * s.out_c + g * cog + co];
            });
        run_igemm(p, kern, b, kc);
      }
}

}  // namespace residual
