// N-API bindings. All entry points are synchronous and zero-copy: tensors are
// Float32Arrays (which may be views of a WebAssembly.Memory), the shape is an
// Int32Array with the ConvShape fields in declaration order:
//   [batch, in_h, in_w, in_c, k_h, k_w, out_c, out_h, out_w,
//    stride_h, stride_w, pad_top, pad_left, dil_h, dil_w, groups]
#include <node_api.h>

#include <atomic>
#include <cstdint>
#include <string>

#include "conv.h"
#include "thread_pool.h"

namespace residual {
namespace {

#define NAPI_CALL(env, call)                                    \
  do {                                                          \
    if ((call) != napi_ok) {                                    \
      napi_throw_error((env), nullptr, "N-API call failed: " #call); \
      return nullptr;                                           \
    }                                                           \
  } while (0)

struct F32View {
  float* data = nullptr;
  size_t length = 0;
};

bool get_f32(napi_env env, napi_value v, const char* what, F32View* out) {
  bool is_ta = false;
  napi_is_typedarray(env, v, &is_ta);
  if (is_ta) {
    napi_typedarray_type type;
    void* data = nullptr;
    napi_value ab;
    size_t offset;
    if (napi_get_typedarray_info(env, v, &type, &out->length, &data, &ab,
                                 &offset) == napi_ok &&
        type == napi_float32_array) {
      out->data = static_cast<float*>(data);
      // A detached buffer (e.g. a WebAssembly.Memory that grew) reports
      // length 0 and a null pointer; the size check below rejects it.
      return true;
    }
  }
  napi_throw_type_error(env, nullptr,
                        (std::string(what) + " must be a Float32Array").c_str());
  return false;
}

bool get_shape(napi_env env, napi_value v, ConvShape* s) {
  bool is_ta = false;
  napi_is_typedarray(env, v, &is_ta);
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (!is_ta ||
      napi_get_typedarray_info(env, v, &type, &length, &data, nullptr,
                               nullptr) != napi_ok ||
      type != napi_int32_array || length != 16) {
    napi_throw_type_error(env, nullptr, "shape must be an Int32Array(16)");
    return false;
  }
  const int32_t* d = static_cast<const int32_t*>(data);
  *s = ConvShape{d[0], d[1], d[2],  d[3],  d[4],  d[5],  d[6],  d[7],
                 d[8], d[9], d[10], d[11], d[12], d[13], d[14], d[15]};
  std::string err = validate(*s);
  if (!err.empty()) {
    napi_throw_range_error(env, nullptr, err.c_str());
    return false;
  }
  return true;
}

bool check_size(napi_env env, const F32View& v, uint64_t need,
                const char* what) {
  if (v.length < need || (need > 0 && v.data == nullptr)) {
    napi_throw_range_error(
        env, nullptr,
        (std::string(what) + " is too small (or detached) for the shape")
            .c_str());
    return false;
  }
  return true;
}

bool overlaps(const F32View& a, uint64_t na, const F32View& b, uint64_t nb) {
  const float *a0 = a.data, *a1 = a.data + na, *b0 = b.data, *b1 = b.data + nb;
  return na && nb && a0 < b1 && b0 < a1;
}

uint64_t x_size(const ConvShape& s) {
  return uint64_t(s.batch) * s.in_h * s.in_w * s.in_c;
}
uint64_t y_size(const ConvShape& s) {
  return uint64_t(s.batch) * s.out_h * s.out_w * s.out_c;
}
uint64_t w_size(const ConvShape& s) {
  return uint64_t(s.k_h) * s.k_w * (s.in_c / s.groups) * s.out_c;
}

enum class Op { kForward, kBackpropInput, kBackpropFilter };

// (in0, in1, out, shape) -> undefined
template <Op op>
napi_value Conv(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  if (argc < 4) {
    napi_throw_type_error(env, nullptr, "expected (in0, in1, out, shape)");
    return nullptr;
  }
  ConvShape s;
  F32View a, b, out;
  if (!get_shape(env, argv[3], &s) || !get_f32(env, argv[0], "arg 0", &a) ||
      !get_f32(env, argv[1], "arg 1", &b) ||
      !get_f32(env, argv[2], "output", &out))
    return nullptr;
  uint64_t na, nb, nout;
  switch (op) {
    case Op::kForward: na = x_size(s), nb = w_size(s), nout = y_size(s); break;
    case Op::kBackpropInput: na = y_size(s), nb = w_size(s), nout = x_size(s); break;
    default: na = x_size(s), nb = y_size(s), nout = w_size(s); break;
  }
  if (!check_size(env, a, na, "arg 0") || !check_size(env, b, nb, "arg 1") ||
      !check_size(env, out, nout, "output"))
    return nullptr;
  if (overlaps(a, na, out, nout) || overlaps(b, nb, out, nout)) {
    napi_throw_range_error(env, nullptr, "output must not overlap the inputs");
    return nullptr;
  }
  switch (op) {
    case Op::kForward: conv2d_forward(s, a.data, b.data, out.data); break;
    case Op::kBackpropInput: conv2d_backprop_input(s, a.data, b.data, out.data); break;
    default: conv2d_backprop_filter(s, a.data, b.data, out.data); break;
  }
  return nullptr;
}

napi_value SetNumThreads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  int32_t n = 0;
  if (argc < 1 || napi_get_value_int32(env, argv[0], &n) != napi_ok) {
    napi_throw_type_error(env, nullptr, "expected a number");
    return nullptr;
  }
  ThreadPool::instance().set_num_threads(n);
  return nullptr;
}

napi_value GetNumThreads(napi_env env, napi_callback_info) {
  napi_value r;
  NAPI_CALL(env, napi_create_int32(env, ThreadPool::instance().num_threads(), &r));
  return r;
}

std::string get_string(napi_env env, napi_value v) {
  size_t len = 0;
  if (napi_get_value_string_utf8(env, v, nullptr, 0, &len) != napi_ok) return "";
  std::string s(len, '\0');
  napi_get_value_string_utf8(env, v, &s[0], len + 1, &len);
  return s;
}

// setIsa(name) -> boolean
napi_value SetIsa(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  napi_value r;
  NAPI_CALL(env, napi_get_boolean(env, argc == 1 && set_isa(get_string(env, argv[0])), &r));
  return r;
}

napi_value GetIsa(napi_env env, napi_callback_info) {
  napi_value r;
  std::string isa = current_isa();
  NAPI_CALL(env, napi_create_string_utf8(env, isa.c_str(), isa.size(), &r));
  return r;
}

// forceKernel('igemm' | 'gemm', name or '') -> boolean
napi_value ForceKernel(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  bool ok = false;
  if (argc == 2) {
    std::string kind = get_string(env, argv[0]), name = get_string(env, argv[1]);
    ok = kind == "igemm" ? force_igemm_kernel(name)
         : kind == "gemm" ? force_gemm_kernel(name)
                          : false;
  }
  napi_value r;
  NAPI_CALL(env, napi_get_boolean(env, ok, &r));
  return r;
}

napi_value Kernels(napi_env env, napi_callback_info) {
  napi_value r;
  std::string k = available_kernels();
  NAPI_CALL(env, napi_create_string_utf8(env, k.c_str(), k.size(), &r));
  return r;
}

// Join the pool's workers when the (last) environment goes away, so that
// worker_threads that load the addon and exit leave no threads behind.
std::atomic<int> g_env_count{0};
void Cleanup(void*) {
  if (--g_env_count == 0) ThreadPool::instance().shutdown();
}

napi_value Init(napi_env env, napi_value exports) {
  ++g_env_count;
  napi_add_env_cleanup_hook(env, Cleanup, nullptr);
  napi_property_descriptor props[] = {
      {"conv2d", nullptr, Conv<Op::kForward>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBackpropInput", nullptr, Conv<Op::kBackpropInput>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBackpropFilter", nullptr, Conv<Op::kBackpropFilter>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setThreads", nullptr, SetNumThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"threads", nullptr, GetNumThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setIsa", nullptr, SetIsa, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"isa", nullptr, GetIsa, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"forceKernel", nullptr, ForceKernel, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"kernels", nullptr, Kernels, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  NAPI_CALL(env, napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props));
  return exports;
}

}  // namespace
}  // namespace residual

NAPI_MODULE_INIT() { return residual::Init(env, exports); }
