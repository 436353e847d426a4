#include "dispatch.h"

#include <cstdlib>
#include <string>

namespace residual {
namespace {

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
    const char* env = std::getenv("RESIDUAL_NATIVE_ISA");
    if (env != nullptr && *env != '\0' && std::string(env) != "auto") {
      if (const KernelTable* t = table_for(env)) return t;
    }
    if (const KernelTable* t = table_for("avx512")) return t;
    if (const KernelTable* t = table_for("avx2")) return t;
    return kernels_generic();
  }
  return nullptr;
}

const KernelTable*& active() {
  static const KernelTable* table = table_for("auto");
  return table;
}

const IGemmKernel* find_igemm(const KernelTable& t, const char* name) {
  for (int i = 0; i < t.n_igemm; ++i)
    if (std::string(name) == t.igemm[i].name) return &t.igemm[i];
  return nullptr;
}

const GemmKernel* find_gemm(const KernelTable& t, const char* name) {
  for (int i = 0; i < t.n_gemm; ++i)
    if (std::string(name) == t.gemm[i].name) return &t.gemm[i];
  return nullptr;
}

}  // namespace

const KernelTable& active_kernels() { return *active(); }

// Each table lists its widest kernel first. With AVX-512, 16 or fewer output columns use a
// one-vector-wide kernel: measured 1.3-1.5x faster on 16 channels than padding to 32.
const IGemmKernel& pick_igemm(int cols) {
  const KernelTable& t = active_kernels();
  if (cols <= 16)
    if (const IGemmKernel* k = find_igemm(t, "avx512_14x16")) return *k;
  return t.igemm[0];
}

const GemmKernel& pick_gemm(int cols) {
  const KernelTable& t = active_kernels();
  if (cols <= 16)
    if (const GemmKernel* k = find_gemm(t, "avx512_16x16")) return *k;
  return t.gemm[0];
}

bool set_isa(const std::string& isa) {
  const KernelTable* t = table_for(isa);
  if (t == nullptr) return false;
  active() = t;
  return true;
}

std::string current_isa() { return active_kernels().isa; }

}  // namespace residual
