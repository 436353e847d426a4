// Batched matrix products on the filter gradient's GEMM micro-kernel (kernels.h: C += Σ_k
// a[k][r] · B[k][n]). Both operands are packed, so a transpose only changes which way the packing
// reads: B once per product into panels of NR columns ([k][NR], zero-padded), A per task into
// blocks of kc × rows ([k][rows], the layout the micro-kernel reads MR rows from per k).
#include "matmul.h"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <vector>

#include "dispatch.h"
#include "igemm.h"
#include "thread_pool.h"

namespace residual {
namespace {

constexpr int kDepthBlock = 256;  // k values per packed block of A (and slice of a B panel)
constexpr int kRowBlock = 64;     // rows of C per task, at most
constexpr int kMinTasks = 8;      // below this, tasks also split the column panels

}  // namespace

std::string validate(const MatMulShape& s) {
  if (s.batch < 0 || s.m < 0 || s.k < 0 || s.n < 0) return "sizes must be >= 0";
  if ((s.batch_a != s.batch && s.batch_a != 1) || (s.batch_b != s.batch && s.batch_b != 1))
    return "batchA and batchB must each be batch or 1";
  return "";
}

void batch_matmul(const MatMulShape& s, const float* a, const float* b, float* c,
                  const float* bias, int bias_size, Activation activation) {
  const int64_t M = s.m, K = s.k, N = s.n;
  if (s.batch == 0 || M == 0 || N == 0) return;
  const bool epilogue = bias != nullptr || activation != Activation::kLinear;
  ThreadPool& pool = ThreadPool::instance();
  if (K == 0) {
    std::memset(c, 0, sizeof(float) * s.batch * M * N);
    if (epilogue)
      for (int64_t r = 0; r < s.batch * M; ++r)
        bias_activation_row(c + r * N, static_cast<int>(N), bias, bias_size, 0, activation);
    return;
  }

  const GemmKernel& kern = pick_gemm(static_cast<int>(N));
  const int MR = kern.mr, NR = kern.nr;
  const int npanels = ceil_div(static_cast<int>(N), NR);
  const size_t panel_size = static_cast<size_t>(K) * NR;

  // B of every product, packed as [matrix][panel][k][NR].
  float* packed_b =
      thread_scratch(ScratchSlot::kPackedB, static_cast<size_t>(s.batch_b) * npanels * panel_size);
  pool.parallel_for(s.batch_b * npanels, [&](int task, int) {
    const int bb = task / npanels, pan = task % npanels;
    const int n0 = pan * NR, nn = std::min<int>(NR, static_cast<int>(N) - n0);
    const float* src = b + static_cast<int64_t>(bb) * K * N;
    float* out = packed_b + static_cast<size_t>(task) * panel_size;
    for (int64_t k = 0; k < K; ++k, out += NR) {
      if (s.trans_b) {
        for (int j = 0; j < nn; ++j) out[j] = src[(n0 + j) * K + k];
      } else {
        std::memcpy(out, src + k * N + n0, sizeof(float) * nn);
      }
      for (int j = nn; j < NR; ++j) out[j] = 0.f;
    }
  });

  // Tasks: (product, block of rows, group of column panels). Every value of C is summed by the
  // same micro-kernel calls over k in the same order however the panels are grouped, so the
  // grouping may depend on the thread count: one thread keeps them together (each group packs
  // its block of A again: 4× the packing for a 128 × 768 · 768 × 128 weight gradient).
  const int row_block = std::min(ceil_div(kRowBlock, MR) * MR, ceil_div(static_cast<int>(M), MR) * MR);
  const int mblocks = ceil_div(static_cast<int>(M), row_block);
  const int64_t row_tasks = static_cast<int64_t>(s.batch) * mblocks;
  int per_group = npanels;
  if (row_tasks < kMinTasks && pool.num_threads() > 1)
    per_group = ceil_div(npanels, static_cast<int>(std::min<int64_t>(
                                      npanels, (kMinTasks + row_tasks - 1) / row_tasks)));
  const int ngroups = ceil_div(npanels, per_group);
  const int kc = static_cast<int>(std::min<int64_t>(K, kDepthBlock));

  pool.parallel_for(static_cast<int>(row_tasks * ngroups), [&](int task, int) {
    const int grp = task % ngroups;
    const int64_t rt = task / ngroups;
    const int bi = static_cast<int>(rt / mblocks);
    const int64_t m0 = (rt % mblocks) * row_block;
    const int rows = static_cast<int>(std::min<int64_t>(row_block, M - m0));
    const int rows_padded = ceil_div(rows, MR) * MR;
    const float* am = a + (s.batch_a == 1 ? 0 : static_cast<int64_t>(bi) * M * K);
    const float* pb =
        packed_b + (s.batch_b == 1 ? 0 : static_cast<size_t>(bi) * npanels * panel_size);
    float* cm = c + (static_cast<int64_t>(bi) * M + m0) * N;
    const int pan0 = grp * per_group, pan1 = std::min(npanels, pan0 + per_group);

    // The thread's own buffers (thread_local), reused from call to call.
    float* packed_a = thread_scratch(ScratchSlot::kColumns, static_cast<size_t>(kc) * rows_padded);
    std::vector<const float*> a_rows(kc);
    for (int k = 0; k < kc; ++k) a_rows[k] = packed_a + static_cast<size_t>(k) * rows_padded;

    for (int64_t k0 = 0; k0 < K; k0 += kc) {
      const int kcb = static_cast<int>(std::min<int64_t>(kc, K - k0));
      if (s.trans_a) {  // A is [K, M]: each k is a contiguous run of rows
        for (int k = 0; k < kcb; ++k) {
          float* out = packed_a + static_cast<size_t>(k) * rows_padded;
          std::memcpy(out, am + (k0 + k) * M + m0, sizeof(float) * rows);
          std::fill(out + rows, out + rows_padded, 0.f);
        }
      } else {  // A is [M, K]: each row is a contiguous run of k
        // In tiles of 8 × 8: reads and writes both stay within a few cache lines per tile (a
        // row at a time wrote every value to a different line of the packed block).
        for (int r0 = 0; r0 < rows; r0 += 8) {
          const int r1 = std::min(rows, r0 + 8);
          for (int kt = 0; kt < kcb; kt += 8) {
            const int kt1 = std::min(kcb, kt + 8);
            for (int r = r0; r < r1; ++r) {
              const float* src = am + (m0 + r) * K + k0;
              for (int k = kt; k < kt1; ++k)
                packed_a[static_cast<size_t>(k) * rows_padded + r] = src[k];
            }
          }
        }
        for (int k = 0; k < kcb; ++k)
          std::fill(packed_a + static_cast<size_t>(k) * rows_padded + rows,
                    packed_a + static_cast<size_t>(k + 1) * rows_padded, 0.f);
      }
      for (int pan = pan0; pan < pan1; ++pan) {
        const float* bp = pb + static_cast<size_t>(pan) * panel_size + static_cast<size_t>(k0) * NR;
        const int nr = std::min<int>(NR, static_cast<int>(N) - pan * NR);
        for (int i = 0; i < rows; i += MR) {
          kern.fn(kcb, a_rows.data(), i, bp, cm + i * N + pan * NR, N, std::min(MR, rows - i), nr,
                  k0 > 0);
        }
      }
    }
    if (epilogue) {
      const int n0 = pan0 * NR, n1 = std::min<int>(static_cast<int>(N), pan1 * NR);
      for (int r = 0; r < rows; ++r)
        bias_activation_row(cm + r * N + n0, n1 - n0, bias, bias_size, n0, activation);
    }
  });
}

}  // namespace residual
