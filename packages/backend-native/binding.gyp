# The native kernels of @residual/backend-native.
#
# Portable by default: the drivers are compiled for the baseline of the target architecture and
# the micro-kernels once per instruction set (AVX2+FMA, AVX-512F on x86-64), picked at run time
# from what the CPU reports. `node-gyp rebuild -- -Dresidual_isa=native` compiles everything
# with -march=native instead (fastest, runs on this machine only).
{
  "variables": {
    "residual_isa%": "dispatch",
  },
  "target_defaults": {
    "cflags_cc": ["-O3", "-std=c++17", "-fvisibility=hidden", "-Wall", "-Wextra",
                  "-Wno-unused-parameter"],
    "cflags_cc!": ["-O2", "-std=gnu++17", "-fno-exceptions"],
    "xcode_settings": {
      "OTHER_CPLUSPLUSFLAGS": ["-O3", "-std=c++17", "-fvisibility=hidden"],
    },
    "conditions": [
      ["residual_isa=='native'", {
        "cflags_cc": ["-march=native"],
        "xcode_settings": {"OTHER_CPLUSPLUSFLAGS": ["-march=native"]},
      }],
    ],
  },
  "targets": [
    {
      "target_name": "residual_kernels_avx2",
      "type": "static_library",
      "sources": ["csrc/kernels_avx2.cc"],
      "conditions": [
        ["target_arch=='x64' and residual_isa=='dispatch'", {
          "cflags_cc": ["-mavx2", "-mfma"],
          "xcode_settings": {"OTHER_CPLUSPLUSFLAGS": ["-mavx2", "-mfma"]},
        }],
      ],
    },
    {
      "target_name": "residual_kernels_avx512",
      "type": "static_library",
      "sources": ["csrc/kernels_avx512.cc"],
      "conditions": [
        ["target_arch=='x64' and residual_isa=='dispatch'", {
          "cflags_cc": ["-mavx512f", "-mavx2", "-mfma"],
          "xcode_settings": {"OTHER_CPLUSPLUSFLAGS": ["-mavx512f", "-mavx2", "-mfma"]},
        }],
      ],
    },
    {
      # Element-wise loops whose clamps and selects vectorise only when comparisons may be
      # if-converted (-fno-trapping-math) and sqrt need not set errno: neither changes a value.
      "target_name": "residual_transformer",
      "type": "static_library",
      "sources": ["csrc/transformer.cc"],
      "cflags_cc": ["-fno-trapping-math", "-fno-math-errno"],
      "xcode_settings": {"OTHER_CPLUSPLUSFLAGS": ["-fno-trapping-math", "-fno-math-errno"]},
    },
    {
      "target_name": "residual_native",
      "sources": [
        "csrc/addon.cc",
        "csrc/conv_backprop_filter.cc",
        "csrc/conv_backprop_input.cc",
        "csrc/conv_forward.cc",
        "csrc/dispatch.cc",
        "csrc/igemm.cc",
        "csrc/kernels_generic.cc",
        "csrc/matmul.cc",
        "csrc/pointwise.cc",
        "csrc/row_conv.cc",
        "csrc/row_filter.cc",
        "csrc/thread_pool.cc",
      ],
      "dependencies": ["residual_kernels_avx2", "residual_kernels_avx512", "residual_transformer"],
      "cflags_cc": ["-pthread"],
      "ldflags": ["-pthread"],
    },
  ],
}
