// Which micro-kernels run: the widest instruction set the CPU has (AVX-512F, then AVX2+FMA,
// then portable vector code), unless RESIDUAL_NATIVE_ISA or set_isa() asks for another.
#pragma once
#include <string>

#include "kernels.h"

namespace residual {

const KernelTable& active_kernels();

// The igemm kernel for a problem with `cols` output columns, and the gemm kernel for the
// filter gradient with `cols` output channels.
const IGemmKernel& pick_igemm(int cols);
const GemmKernel& pick_gemm(int cols);

// isa: "auto", "avx512", "avx2" or "generic"; false when this CPU or build lacks it.
bool set_isa(const std::string& isa);
std::string current_isa();

}  // namespace residual
