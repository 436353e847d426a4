// Convolution drivers: blocking, packing and threading around the
// micro-kernels of kernels_<isa>.cc.
//
// forward         : indirect GEMM over output pixels (no im2col buffer).
// backprop input  : the transposed convolution, split into stride_h*stride_w
//                   phases so that no multiply touches an inserted zero;
//                   each phase is again an indirect GEMM, over dy.
// backprop filter : dW_tap = im2col_tap(x)^T * dy, a GEMM whose reduction runs
//                   over all output pixels; x and dy are packed per block of
//                   pixels and the pixels are split among threads.
#include "conv.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "kernels.h"
#include "thread_pool.h"

namespace residual {
namespace {

// ---------------------------------------------------------------------------
// Kernel selection

struct Selection {
  const KernelTable* table = nullptr;
  std::string forced_igemm, forced_gemm;
};

bool cpu_has_avx512() {
#if defined(__x86_64__) || defined(__i386__)
  return __builtin_cpu_supports("avx512f");
#else
  return false;
#endif
}
bool cpu_has_avx2() {
#if defined(__x86_64__) || defined(__i386__)
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return false;
#endif
}

const KernelTable* table_for(const std::string& isa) {
  if (isa == "avx512") return cpu_has_avx512() ? kernels_avx512() : nullptr;
  if (isa == "avx2") return cpu_has_avx2() ? kernels_avx2() : nullptr;
  if (isa == "generic") return kernels_generic();
  if (isa == "auto") {
    const char* env = std::getenv("RESIDUAL_CONV_ISA");
    if (env && *env && std::string(env) != "auto") {
      if (const KernelTable* t = table_for(env)) return t;
    }
    if (const KernelTable* t = table_for("avx512")) return t;
    if (const KernelTable* t = table_for("avx2")) return t;
    return kernels_generic();
  }
  return nullptr;
}

Selection& selection() {
  static Selection sel = [] {
    Selection s;
    s.table = table_for("auto");
    return s;
  }();
  return sel;
}

int env_int(const char* name, int dflt) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : dflt;
}

const IGemmKernel* find_igemm(const KernelTable& t, const std::string& name) {
  for (int i = 0; i < t.n_igemm; ++i)
    if (name == t.igemm[i].name) return &t.igemm[i];
  return nullptr;
}
const GemmKernel* find_gemm(const KernelTable& t, const std::string& name) {
  for (int i = 0; i < t.n_gemm; ++i)
    if (name == t.gemm[i].name) return &t.gemm[i];
  return nullptr;
}

// Each table lists its default (widest) kernel first. With AVX-512, 16 or
// fewer output columns use a one-vector-wide kernel (measured ~1.3-1.5x
// faster for 16 channels than padding to 32).
const IGemmKernel& pick_igemm(int cols) {
  const Selection& sel = selection();
  const KernelTable& t = *sel.table;
  if (const IGemmKernel* k = find_igemm(t, sel.forced_igemm)) return *k;
  if (cols <= 16)
    if (const IGemmKernel* k = find_igemm(t, "avx512_14x16")) return *k;
  return t.igemm[0];
}

const GemmKernel& pick_gemm(int rows, int cols) {
  const Selection& sel = selection();
  const KernelTable& t = *sel.table;
  if (const GemmKernel* k = find_gemm(t, sel.forced_gemm)) return *k;
  (void)rows;
  if (cols <= 16)
    if (const GemmKernel* k = find_gemm(t, "avx512_16x16")) return *k;
  return t.gemm[0];
}

inline int ceil_div(int a, int b) { return (a + b - 1) / b; }
inline int64_t ceil_div64(int64_t a, int64_t b) { return (a + b - 1) / b; }

// ---------------------------------------------------------------------------
// Indirect GEMM: one output row per pixel of a (sub)grid, K = taps x channels.

struct IGemmProblem {
  int batch = 0, rows_h = 0, rows_w = 0;  // output (sub)grid

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
  // Destination pixel of grid point (qy, qx): (y0 + qy * sy, x0 + qx * sx).
  int dst_y0 = 0, dst_x0 = 0, dst_sy = 1, dst_sx = 1;
  int nc = 0;  // output channels written
};

// Channels per K block: bounds the packed-B panel that is streamed per tile.
int igemm_channel_block(int ntaps, int cs) {
  const int kmax = env_int("RESIDUAL_CONV_KMAX", 1024);
  int nblocks = std::max(1, ceil_div(ntaps * cs, kmax));
  return ceil_div(cs, nblocks);
}

// Packs B(t, c, n) as [panel][channel block][tap][c][NR], zero-padded.
template <class Get>
std::vector<float> pack_igemm_b(int ntaps, int cs, int nc, int nr, int kc,
                                const Get& get) {
  const int npanels = ceil_div(nc, nr);
  std::vector<float> b(static_cast<size_t>(npanels) * ntaps * cs * nr, 0.f);
  for (int p = 0; p < npanels; ++p) {
    const int n0 = p * nr, nn = std::min(nr, nc - n0);
    float* out = b.data() + static_cast<size_t>(p) * ntaps * cs * nr;
    for (int c0 = 0; c0 < cs; c0 += kc) {
      const int kcb = std::min(kc, cs - c0);
      for (int t = 0; t < ntaps; ++t)
        for (int c = c0; c < c0 + kcb; ++c, out += nr)
          for (int n = 0; n < nn; ++n) out[n] = get(t, c, n0 + n);
    }
  }
  return b;
}

void zero_fill_rows(const IGemmProblem& p) {
  for (int n = 0; n < p.batch; ++n)
    for (int qy = 0; qy < p.rows_h; ++qy)
      for (int qx = 0; qx < p.rows_w; ++qx) {
        const int y = p.dst_y0 + qy * p.dst_sy, x = p.dst_x0 + qx * p.dst_sx;
        float* c = p.dst +
                   ((static_cast<int64_t>(n) * p.dst_h + y) * p.dst_w + x) *
                       p.dst_pix +
                   p.dst_c0;
        std::memset(c, 0, sizeof(float) * p.nc);
      }
}

void run_igemm(const IGemmProblem& p, const IGemmKernel& kern,
               const float* packed_b, int kc) {
  const int MR = kern.mr, NR = kern.nr;
  const int ntaps = static_cast<int>(p.tap_dy.size());
  const int64_t M = static_cast<int64_t>(p.batch) * p.rows_h * p.rows_w;
  if (M == 0 || p.nc == 0) return;
  if (ntaps == 0 || p.cs == 0) {
    zero_fill_rows(p);
    return;
  }
  ThreadPool& pool = ThreadPool::instance();
  const int nthreads = pool.num_threads();
  const int64_t ntiles = ceil_div64(M, MR);
  const int npanels = ceil_div(p.nc, NR);

  // Row blocking: up to ~mc rows per task, but at least ~4 tasks per thread.
  const int mc = env_int("RESIDUAL_CONV_MC", 96);
  int64_t tb = std::max<int64_t>(1, mc / MR);
  tb = std::min<int64_t>(tb, std::max<int64_t>(1, ntiles / (4 * nthreads)));
  const int64_t nblocks = ceil_div64(ntiles, tb);
  // Few row blocks (small images, batch 1): also split the column panels.
  int per_group = npanels;
  if (nblocks < 4 * nthreads)
    per_group = ceil_div(npanels, static_cast<int>(std::min<int64_t>(
                                      npanels, ceil_div64(4 * nthreads, nblocks))));
  const int ngroups = ceil_div(npanels, per_group);

  std::vector<float> zeros(p.cs, 0.f);       // stands in for padding pixels
  std::vector<float> sink(NR * 1, 0.f);      // never written (mr masks it)
  struct Scratch {
    std::vector<const float*> a;
    std::vector<float*> c;
  };
  std::vector<Scratch> scratch(nthreads);
  const int hw = p.rows_h * p.rows_w;

  pool.parallel_for(
      static_cast<int>(nblocks * ngroups), [&](int task, int tid) {
        const int64_t blk = task / ngroups;
        const int grp = task % ngroups;
        const int64_t tile0 = blk * tb;
        const int64_t tile1 = std::min(ntiles, tile0 + tb);
        const int ntile = static_cast<int>(tile1 - tile0);
        Scratch& s = scratch[tid];
        s.a.resize(static_cast<size_t>(ntile) * ntaps * MR);
        s.c.resize(static_cast<size_t>(ntile) * MR);

        // Row pointers of every tile in this block.
        for (int i = 0; i < ntile; ++i) {
          const float** a = s.a.data() + static_cast<size_t>(i) * ntaps * MR;
          float** c = s.c.data() + static_cast<size_t>(i) * MR;
          for (int r = 0; r < MR; ++r) {
            const int64_t m = (tile0 + i) * MR + r;
            if (m >= M) {
              for (int t = 0; t < ntaps; ++t) a[t * MR + r] = zeros.data();
              c[r] = sink.data();
              continue;
            }
            const int n = static_cast<int>(m / hw);
            const int rem = static_cast<int>(m - static_cast<int64_t>(n) * hw);
            const int qy = rem / p.rows_w, qx = rem - qy * p.rows_w;
            const float* img =
                p.src + static_cast<int64_t>(n) * p.src_h * p.src_w * p.src_pix;
            for (int t = 0; t < ntaps; ++t) {
              const int iy = qy * p.step_y + p.tap_dy[t];
              const int ix = qx * p.step_x + p.tap_dx[t];
              a[t * MR + r] =
                  (iy >= 0 && iy < p.src_h && ix >= 0 && ix < p.src_w)
                      ? img + (static_cast<int64_t>(iy) * p.src_w + ix) *
                                  p.src_pix +
                            p.src_c0
                      : zeros.data();
            }
            const int y = p.dst_y0 + qy * p.dst_sy;
            const int x = p.dst_x0 + qx * p.dst_sx;
            c[r] = p.dst +
                   ((static_cast<int64_t>(n) * p.dst_h + y) * p.dst_w + x) *
                       p.dst_pix +
                   p.dst_c0;
          }
        }

        const int pan0 = grp * per_group;
        const int pan1 = std::min(npanels, pan0 + per_group);
        const int64_t rows_left = M - tile0 * MR;
        for (int c0 = 0; c0 < p.cs; c0 += kc) {
          const int kcb = std::min(kc, p.cs - c0);
          for (int pan = pan0; pan < pan1; ++pan) {
            const float* b = packed_b +
                             static_cast<size_t>(pan) * ntaps * p.cs * NR +
                             static_cast<size_t>(ntaps) * c0 * NR;
            const int nr = std::min(NR, p.nc - pan * NR);
            for (int i = 0; i < ntile; ++i) {
              const int mr = static_cast<int>(
                  std::min<int64_t>(MR, rows_left - static_cast<int64_t>(i) * MR));
              kern.fn(ntaps, kcb, s.a.data() + static_cast<size_t>(i) * ntaps * MR,
                      c0, b, s.c.data() + static_cast<size_t>(i) * MR, pan * NR,
                      mr, nr, c0 > 0);
            }
          }
        }
      });
}

}  // namespace

// ---------------------------------------------------------------------------

std::string validate(const ConvShape& s) {
  const int dims[] = {s.batch,    s.in_h,     s.in_w,  s.in_c,  s.k_h,
                      s.k_w,      s.out_c,    s.out_h, s.out_w, s.stride_h,
                      s.stride_w, s.dil_h,    s.dil_w, s.groups};
  for (int d : dims)
    if (d < 0) return "negative dimension";
  if (s.stride_h < 1 || s.stride_w < 1) return "stride must be >= 1";
  if (s.dil_h < 1 || s.dil_w < 1) return "dilation must be >= 1";
  if (s.groups < 1) return "groups must be >= 1";
  if (s.in_c % s.groups || s.out_c % s.groups)
    return "channels must be divisible by groups";
  return "";
}

void conv2d_forward(const ConvShape& s, const float* x, const float* w,
                    float* y) {
  const int cig = s.in_c / s.groups, cog = s.out_c / s.groups;
  const IGemmKernel& kern = pick_igemm(cog);
  for (int g = 0; g < s.groups; ++g) {
    IGemmProblem p;
    p.batch = s.batch;
    p.rows_h = s.out_h;
    p.rows_w = s.out_w;
    p.src = x;
    p.src_h = s.in_h;
    p.src_w = s.in_w;
    p.src_pix = s.in_c;
    p.src_c0 = g * cig;
    p.cs = cig;
    p.step_y = s.stride_h;
    p.step_x = s.stride_w;
    for (int ky = 0; ky < s.k_h; ++ky)
      for (int kx = 0; kx < s.k_w; ++kx) {
        p.tap_dy.push_back(ky * s.dil_h - s.pad_top);
        p.tap_dx.push_back(kx * s.dil_w - s.pad_left);
      }
    p.dst = y;
    p.dst_h = s.out_h;
    p.dst_w = s.out_w;
    p.dst_pix = s.out_c;
    p.dst_c0 = g * cog;
    p.nc = cog;
    const int ntaps = static_cast<int>(p.tap_dy.size());
    const int kc = igemm_channel_block(ntaps, cig);
    // w[t][c][co], t = ky * k_w + kx.
    std::vector<float> b = pack_igemm_b(
        ntaps, cig, cog, kern.nr, kc, [&](int t, int c, int n) {
          return w[(static_cast<size_t>(t) * cig + c) * s.out_c + g * cog + n];
        });
    run_igemm(p, kern, b.data(), kc);
  }
}

void conv2d_backprop_input(const ConvShape& s, const float* dy,
                           const float* w, float* dx) {
  const int cig = s.in_c / s.groups, cog = s.out_c / s.groups;
  const IGemmKernel& kern = pick_igemm(cig);
  // dx[y] = sum over (oy, ky) with oy * stride - pad + ky * dil == y of
  // dy[oy] * w[ky]^T. For y = ry + stride * qy only taps with
  // (ry + pad - ky * dil) divisible by the stride contribute, at
  // oy = qy + (ry + pad - ky * dil) / stride.
  auto phase_taps = [](int r, int pad, int k, int dil, int stride,
                       std::vector<int>* ks, std::vector<int>* offs) {
    for (int kk = 0; kk < k; ++kk) {
      const int num = r + pad - kk * dil;
      if (((num % stride) + stride) % stride == 0) {
        ks->push_back(kk);
        offs->push_back(num / stride);  // exact division
      }
    }
  };
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
        std::vector<int> tap_index;  // original tap ky * k_w + kx
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
        std::vector<float> b = pack_igemm_b(
            ntaps, cog, cig, kern.nr, kc, [&](int t, int co, int ci) {
              return w[(static_cast<size_t>(tap_index[t]) * cig + ci) * s.out_c +
                       g * cog + co];
            });
        run_igemm(p, kern, b.data(), kc);
      }
}

void conv2d_backprop_filter(const ConvShape& s, const float* x,
                            const float* dy, float* dw) {
  const int cig = s.in_c / s.groups, cog = s.out_c / s.groups;
  const int ntaps = s.k_h * s.k_w;
  const size_t dw_size = static_cast<size_t>(ntaps) * cig * s.out_c;
  std::memset(dw, 0, sizeof(float) * dw_size);
  const int64_t P = static_cast<int64_t>(s.batch) * s.out_h * s.out_w;
  if (P == 0 || dw_size == 0) return;

  const GemmKernel& kern = pick_gemm(cig, cog);
  const int MR = kern.mr, NR = kern.nr;
  const int KC = env_int("RESIDUAL_CONV_KC_FILTER", 256);  // pixels per block
  const int mpanels = ceil_div(cig, MR), npanels = ceil_div(cog, NR);
  const int full_panels = cig / MR, tail_rows = cig % MR;
  ThreadPool& pool = ThreadPool::instance();
  const int nthreads = pool.num_threads();

  // Work split: by pixels (each chunk accumulates its own copy of dW, summed
  // at the end) when there are many pixels, else by taps (disjoint rows).
  const bool split_pixels = nthreads > 1 && (P >= 1024 || ntaps == 1);
  const int nchunks =
      split_pixels ? static_cast<int>(std::min<int64_t>(nthreads, ceil_div64(P, 64)))
                   : 1;
  const int tap_groups = split_pixels ? 1 : std::min(ntaps, 4 * nthreads);
  std::vector<std::vector<float>> partial(nchunks > 1 ? nchunks - 1 : 0);
  for (auto& v : partial) v.assign(dw_size, 0.f);

  struct Scratch {
    std::vector<float> b;         // packed dy block: [panel][k][NR]
    std::vector<const float*> a;  // x pixel (or zeros) per k for one tap
    // Last, partial channel panel: the kernel reads MR floats per row, which
    // could run past the end of x, so those rows are copied and zero-padded.
    std::vector<float> tail;
    std::vector<const float*> tail_a;
    std::vector<int> pn, py, px;  // coordinates of the block's pixels
  };
  std::vector<Scratch> scratch(nthreads);
  std::vector<float> zeros(static_cast<size_t>(mpanels) * MR, 0.f);
  const int ohw = s.out_h * s.out_w;

  for (int g = 0; g < s.groups; ++g) {
    pool.parallel_for(nchunks * tap_groups, [&](int task, int tid) {
      const int chunk = task / tap_groups, tg = task % tap_groups;
      float* acc = chunk == 0 ? dw : partial[chunk - 1].data();
      const int64_t p0 = P * chunk / nchunks, p1 = P * (chunk + 1) / nchunks;
      const int t0 = ntaps * tg / tap_groups, t1 = ntaps * (tg + 1) / tap_groups;
      Scratch& sc = scratch[tid];
      sc.b.resize(static_cast<size_t>(npanels) * KC * NR);
      sc.a.resize(KC);
      if (tail_rows) {
        sc.tail.assign(static_cast<size_t>(KC) * MR, 0.f);
        sc.tail_a.resize(KC);
        for (int k = 0; k < KC; ++k) sc.tail_a[k] = sc.tail.data() + k * MR;
      }
      sc.pn.resize(KC);
      sc.py.resize(KC);
      sc.px.resize(KC);

      for (int64_t pb = p0; pb < p1; pb += KC) {
        const int kcb = static_cast<int>(std::min<int64_t>(KC, p1 - pb));
        for (int k = 0; k < kcb; ++k) {
          const int64_t pix = pb + k;
          const int n = static_cast<int>(pix / ohw);
          const int rem = static_cast<int>(pix - static_cast<int64_t>(n) * ohw);
          sc.pn[k] = n;
          sc.py[k] = rem / s.out_w * s.stride_h - s.pad_top;
          sc.px[k] = rem % s.out_w * s.stride_w - s.pad_left;
        }
        for (int j = 0; j < npanels; ++j) {
          const int n0 = j * NR, nn = std::min(NR, cog - n0);
          float* out = sc.b.data() + static_cast<size_t>(j) * kcb * NR;
          for (int k = 0; k < kcb; ++k, out += NR) {
            const float* row = dy + (pb + k) * s.out_c + g * cog + n0;
            std::memcpy(out, row, sizeof(float) * nn);
            if (nn < NR) std::memset(out + nn, 0, sizeof(float) * (NR - nn));
          }
        }
        for (int t = t0; t < t1; ++t) {
          const int ky = t / s.k_w, kx = t % s.k_w;
          // Input pixel feeding each output pixel of the block for this tap.
          for (int k = 0; k < kcb; ++k) {
            const int iy = sc.py[k] + ky * s.dil_h;
            const int ix = sc.px[k] + kx * s.dil_w;
            sc.a[k] = (iy < 0 || iy >= s.in_h || ix < 0 || ix >= s.in_w)
                          ? zeros.data()
                          : x + ((static_cast<int64_t>(sc.pn[k]) * s.in_h + iy) *
                                     s.in_w + ix) * s.in_c + g * cig;
          }
          if (tail_rows) {
            for (int k = 0; k < kcb; ++k)
              std::memcpy(sc.tail.data() + k * MR, sc.a[k] + full_panels * MR,
                          sizeof(float) * tail_rows);
          }
          for (int i = 0; i < mpanels; ++i) {
            const int mr = std::min(MR, cig - i * MR);
            const bool tail = i == full_panels;
            for (int j = 0; j < npanels; ++j) {
              float* c = acc + (static_cast<size_t>(t) * cig + i * MR) * s.out_c +
                         g * cog + j * NR;
              kern.fn(kcb, tail ? sc.tail_a.data() : sc.a.data(), tail ? 0 : i * MR,
                      sc.b.data() + static_cast<size_t>(j) * kcb * NR, c,
                      s.out_c, mr, std::min(NR, cog - j * NR), 1);
            }
          }
        }
      }
    });
  }

  if (!partial.empty()) {
    const int64_t chunk = 16384;
    const int ntasks = static_cast<int>(ceil_div64(dw_size, chunk));
    pool.parallel_for(ntasks, [&](int task, int) {
      const size_t b = task * chunk;
      const size_t e = std::min<size_t>(dw_size, b + chunk);
      for (const auto& v : partial)
        for (size_t i = b; i < e; ++i) dw[i] += v[i];
    });
  }
}

// ---------------------------------------------------------------------------

bool set_isa(const std::string& isa) {
  const KernelTable* t = table_for(isa);
  if (!t) return false;
  selection().table = t;
  return true;
}

std::string current_isa() { return selection().table->isa; }

bool force_igemm_kernel(const std::string& name) {
  const KernelTable& t = *selection().table;
  if (name.empty()) {
    selection().forced_igemm.clear();
    return true;
  }
  for (int i = 0; i < t.n_igemm; ++i)
    if (name == t.igemm[i].name) {
      selection().forced_igemm = name;
      return true;
    }
  return false;
}

bool force_gemm_kernel(const std::string& name) {
  const KernelTable& t = *selection().table;
  if (name.empty()) {
    selection().forced_gemm.clear();
    return true;
  }
  for (int i = 0; i < t.n_gemm; ++i)
    if (name == t.gemm[i].name) {
      selection().forced_gemm = name;
      return true;
    }
  return false;
}

std::string available_kernels() {
  std::string out;
  for (const char* isa : {"avx512", "avx2", "generic"}) {
    const KernelTable* t = table_for(isa);
    if (!t) continue;
    for (int i = 0; i < t->n_igemm; ++i) out += std::string(out.empty() ? "" : ",") + "igemm:" + t->igemm[i].name;
    for (int i = 0; i < t->n_gemm; ++i) out += std::string(",") + "gemm:" + t->gemm[i].name;
  }
  return out;
}

}  // namespace residual
