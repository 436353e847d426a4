// Generic micro-kernel bodies, parameterised on a SIMD wrapper `Isa`
// (Isa::V vector type, Isa::W lanes, load/store/bcast/fma/zero/add).
// Included by each kernels_<isa>.cc inside an anonymous namespace so that
// every instantiation has internal linkage and is compiled with that file's
// target flags only. No standard-library code here on purpose.
//
// MR = rows (output pixels for igemm, input channels for the filter gradient),
// NV = number of SIMD vectors per row, NR = NV * Isa::W columns.

#define RS_UNROLL _Pragma("GCC unroll 32")

template <class Isa, int MR, int NV>
struct Tile {
  typedef typename Isa::V V;
  static constexpr int NR = NV * Isa::W;
  V acc[MR][NV];

  inline void clear() {
    RS_UNROLL for (int r = 0; r < MR; ++r)
      RS_UNROLL for (int j = 0; j < NV; ++j) acc[r][j] = Isa::zero();
  }

  // One rank-1 update: acc[r][:] += a[r] * b[0..NR).
  template <class ARow>
  inline void step(const ARow& arow, const float* b) {
    V bv[NV];
    RS_UNROLL for (int j = 0; j < NV; ++j) bv[j] = Isa::load(b + j * Isa::W);
    RS_UNROLL for (int r = 0; r < MR; ++r) {
      V av = Isa::bcast(arow(r));
      RS_UNROLL for (int j = 0; j < NV; ++j)
        acc[r][j] = Isa::fma(av, bv[j], acc[r][j]);
    }
  }

  // Write the tile to rows crow(r) (a float*), first mr rows / nr columns.
  template <class CRow>
  inline void store(const CRow& crow, int mr, int nr, int accumulate) {
    if (mr == MR && nr == NR) {
      RS_UNROLL for (int r = 0; r < MR; ++r) {
        float* c = crow(r);
        RS_UNROLL for (int j = 0; j < NV; ++j) {
          V v = acc[r][j];
          if (accumulate) v = Isa::add(v, Isa::load(c + j * Isa::W));
          Isa::store(c + j * Isa::W, v);
        }
      }
      return;
    }
    float tmp[MR][NR];
    RS_UNROLL for (int r = 0; r < MR; ++r)
      RS_UNROLL for (int j = 0; j < NV; ++j)
        Isa::store(&tmp[r][j * Isa::W], acc[r][j]);
    for (int r = 0; r < mr; ++r) {
      float* c = crow(r);
      if (accumulate) {
        for (int n = 0; n < nr; ++n) c[n] += tmp[r][n];
      } else {
        for (int n = 0; n < nr; ++n) c[n] = tmp[r][n];
      }
    }
  }
};

template <class Isa, int MR, int NV>
void igemm_kernel(int ntaps, int kc, const float* const* a,
                  std::ptrdiff_t aoff, const float* b, float* const* c,
                  std::ptrdiff_t coff, int mr, int nr, int accumulate) {
  typedef Tile<Isa, MR, NV> T;
  T tile;
  tile.clear();
  for (int t = 0; t < ntaps; ++t) {
    const float* ap[MR];
    RS_UNROLL for (int r = 0; r < MR; ++r) ap[r] = a[t * MR + r] + aoff;
    for (int k = 0; k < kc; ++k) {
      tile.step([&](int r) { return ap[r] + k; }, b);
      b += T::NR;
    }
  }
  tile.store([&](int r) { return c[r] + coff; }, mr, nr, accumulate);
}

template <class Isa, int MR, int KW>
void row_conv_kernel(int nky, const float* const* rows, const float* const* b, int kc,
                     std::ptrdiff_t pix, float* const* c, int mr, int nr, int accumulate) {
  typedef typename Isa::V V;
  Tile<Isa, MR, 1> tile;
  tile.clear();
  for (int ky = 0; ky < nky; ++ky) {
    const float* row = rows[ky];
    const float* bk = b[ky];
    for (int k = 0; k < kc; ++k, bk += KW * Isa::W) {
      V w[KW];
      RS_UNROLL for (int kx = 0; kx < KW; ++kx) w[kx] = Isa::load(bk + kx * Isa::W);
      const float* x = row + k;
      RS_UNROLL for (int i = 0; i < MR + KW - 1; ++i) {
        const V xv = Isa::bcast(x + i * pix);
        RS_UNROLL for (int kx = 0; kx < KW; ++kx) {
          const int o = i - kx;
          if (o >= 0 && o < MR) tile.acc[o][0] = Isa::fma(xv, w[kx], tile.acc[o][0]);
        }
      }
    }
  }
  tile.store([&](int r) { return c[r]; }, mr, nr, accumulate);
}

template <class Isa, int MR, int NV>
void gemm_kernel(int kc, const float* const* a, std::ptrdiff_t aoff,
                 const float* b, float* c, std::ptrdiff_t ldc, int mr, int nr,
                 int accumulate) {
  typedef Tile<Isa, MR, NV> T;
  T tile;
  tile.clear();
  for (int k = 0; k < kc; ++k) {
    const float* ak = a[k] + aoff;
    tile.step([&](int r) { return ak + r; }, b);
    b += T::NR;
  }
  tile.store([&](int r) { return c + r * ldc; }, mr, nr, accumulate);
}

// Filter gradient along input rows (stride 1, filter width KW, no dilation):
//   C[kx * ldtap + r * ldc + n] += sum_q sum_i x_q[i * xpix + r] * dy_q[(i + KW - 1 - kx) * NR + n]
// for r < mr, n < nr, where x_q = xrows[q] + xoff and dy_q = dyrows[q] (packed, NR floats per
// pixel, zero where the output row has no pixel). Input pixel i of a row feeds the KW taps of
// a filter row: each broadcast x value feeds KW * NV products, where a GEMM tile over the same
// data broadcasts it once per NV products (16 output channels: broadcasts bound that tile).
template <class Isa, int MR, int NV, int KW>
void row_filter_kernel(int nrows, const float* const* xrows, const float* const* dyrows,
                       std::ptrdiff_t xoff, int npix, std::ptrdiff_t xpix, float* c,
                       std::ptrdiff_t ldc, std::ptrdiff_t ldtap, int mr, int nr) {
  typedef typename Isa::V V;
  constexpr int NR = NV * Isa::W;
  V acc[KW][MR][NV];
  RS_UNROLL for (int kx = 0; kx < KW; ++kx)
    RS_UNROLL for (int r = 0; r < MR; ++r)
      RS_UNROLL for (int v = 0; v < NV; ++v) acc[kx][r][v] = Isa::zero();
  for (int q = 0; q < nrows; ++q) {
    const float* x = xrows[q] + xoff;
    const float* d = dyrows[q];
    for (int i = 0; i < npix; ++i, x += xpix, d += NR) {
      V dv[KW][NV];
      RS_UNROLL for (int kx = 0; kx < KW; ++kx)
        RS_UNROLL for (int v = 0; v < NV; ++v)
          dv[kx][v] = Isa::load(d + (KW - 1 - kx) * NR + v * Isa::W);
      RS_UNROLL for (int r = 0; r < MR; ++r) {
        const V xv = Isa::bcast(x + r);
        RS_UNROLL for (int kx = 0; kx < KW; ++kx)
          RS_UNROLL for (int v = 0; v < NV; ++v)
            acc[kx][r][v] = Isa::fma(xv, dv[kx][v], acc[kx][r][v]);
      }
    }
  }
  float tmp[NR];
  for (int kx = 0; kx < KW; ++kx)
    for (int r = 0; r < mr; ++r) {
      float* out = c + kx * ldtap + r * ldc;
      if (nr == NR) {
        RS_UNROLL for (int v = 0; v < NV; ++v)
          Isa::store(out + v * Isa::W, Isa::add(acc[kx][r][v], Isa::load(out + v * Isa::W)));
        continue;
      }
      RS_UNROLL for (int v = 0; v < NV; ++v) Isa::store(tmp + v * Isa::W, acc[kx][r][v]);
      for (int n = 0; n < nr; ++n) out[n] += tmp[n];
    }
}
