// N-API bindings. Every entry point is synchronous and copies nothing: tensors are
// Float32Arrays (views of a WebAssembly.Memory included), and outputs are overwritten. The entry
// points, their arguments and the operation codes are declared once, in @residual/native-contract
// (NativeKernels); contract.h, generated from it, lists the functions this file must define and
// registers them under their JavaScript names.
//
// Hand-written rather than node-addon-api: its wrappers cost 150-300 ns more per call on this
// machine (see README.md, "Why not node-addon-api or OpenMP"), for a handful of lines saved.
#include <node_api.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "contract.h"
#include "conv.h"
#include "dispatch.h"
#include "matmul.h"
#include "pointwise.h"
#include "thread_pool.h"
#include "transformer.h"

namespace residual {
namespace {

// Every entry point of the contract, defined below (a missing one fails to link), and its
// required argument count as k<Function>Args.
#define RESIDUAL_DECLARE(js_name, function, required) \
  napi_value function(napi_env env, napi_callback_info info); \
  constexpr size_t k##function##Args = required;
RESIDUAL_ENTRY_POINTS(RESIDUAL_DECLARE)
#undef RESIDUAL_DECLARE

struct F32 {
  float* data = nullptr;
  size_t length = 0;
};

class Args {
 public:
  Args(napi_env env, napi_callback_info info, size_t expected) : env_(env) {
    argc_ = kMax;
    ok_ = napi_get_cb_info(env, info, &argc_, argv_, nullptr, nullptr) == napi_ok;
    if (ok_ && argc_ < expected) {
      fail_type("expected " + std::to_string(expected) + " arguments, got " +
                std::to_string(argc_));
    }
  }

  bool ok() const { return ok_; }
  size_t count() const { return argc_; }

  bool is_null(size_t i) {
    if (i >= argc_) return true;
    napi_valuetype type;
    napi_typeof(env_, argv_[i], &type);
    return type == napi_null || type == napi_undefined;
  }

  // A Float32Array argument. A detached buffer (a WebAssembly.Memory that grew) reports length 0
  // and is then rejected by need().
  F32 f32(size_t i, const char* name) {
    F32 out;
    if (!ok_) return out;
    bool is_typed = false;
    napi_is_typedarray(env_, argv_[i], &is_typed);
    napi_typedarray_type type;
    void* data = nullptr;
    if (!is_typed ||
        napi_get_typedarray_info(env_, argv_[i], &type, &out.length, &data, nullptr, nullptr) !=
            napi_ok ||
        type != napi_float32_array) {
      fail_type(std::string(name) + " must be a Float32Array");
      return out;
    }
    out.data = static_cast<float*>(data);
    return out;
  }

  int64_t integer(size_t i, const char* name) {
    double v = number(i, name);
    if (ok_ && (v != static_cast<double>(static_cast<int64_t>(v)) || v < 0)) {
      fail_range(std::string(name) + " must be a non-negative integer");
    }
    return ok_ ? static_cast<int64_t>(v) : 0;
  }

  double number(size_t i, const char* name) {
    double v = 0;
    if (ok_ && napi_get_value_double(env_, argv_[i], &v) != napi_ok) {
      fail_type(std::string(name) + " must be a number");
    }
    return v;
  }

  std::string string(size_t i) {
    size_t len = 0;
    if (napi_get_value_string_utf8(env_, argv_[i], nullptr, 0, &len) != napi_ok) return "";
    std::string s(len, '\0');
    napi_get_value_string_utf8(env_, argv_[i], &s[0], len + 1, &len);
    return s;
  }

  bool shape(size_t i, ConvShape* s) {
    if (!ok_) return false;
    bool is_typed = false;
    napi_is_typedarray(env_, argv_[i], &is_typed);
    napi_typedarray_type type;
    size_t length = 0;
    void* data = nullptr;
    if (!is_typed ||
        napi_get_typedarray_info(env_, argv_[i], &type, &length, &data, nullptr, nullptr) !=
            napi_ok ||
        type != napi_int32_array || length != 16) {
      fail_type("geometry must be an Int32Array of 16 values");
      return false;
    }
    const int32_t* d = static_cast<const int32_t*>(data);
    *s = ConvShape{d[0], d[1], d[2],  d[3],  d[4],  d[5],  d[6],  d[7],
                   d[8], d[9], d[10], d[11], d[12], d[13], d[14], d[15]};
    const std::string error = validate(*s);
    if (!error.empty()) fail_range("geometry: " + error);
    return ok_;
  }

  // An Int32Array argument, copied.
  bool int32s(size_t i, const char* name, std::vector<int32_t>* out) {
    if (!ok_) return false;
    bool is_typed = false;
    napi_is_typedarray(env_, argv_[i], &is_typed);
    napi_typedarray_type type;
    size_t length = 0;
    void* data = nullptr;
    if (!is_typed ||
        napi_get_typedarray_info(env_, argv_[i], &type, &length, &data, nullptr, nullptr) !=
            napi_ok ||
        type != napi_int32_array) {
      fail_type(std::string(name) + " must be an Int32Array");
      return false;
    }
    const int32_t* d = static_cast<const int32_t*>(data);
    out->assign(d, d + length);
    return true;
  }

  // x holds whole rows of `channels` values (a batch norm's [rows, channels] view of NHWC).
  bool whole_rows(const F32& x, int64_t channels) {
    if (ok_ && (channels <= 0 || x.length % static_cast<uint64_t>(channels) != 0)) {
      fail_range("x must hold whole rows of `channels` values");
    }
    return ok_;
  }

  // The array holds at least `count` floats.
  bool need(const F32& v, uint64_t count, const char* name) {
    if (ok_ && (v.length < count || (count > 0 && v.data == nullptr))) {
      fail_range(std::string(name) + " has " + std::to_string(v.length) + " values, needs " +
                 std::to_string(count) + " (or its memory was detached)");
    }
    return ok_;
  }

  // The output does not overlap an input (identical arrays are allowed for element-wise ops).
  bool disjoint(const F32& out, uint64_t n_out, const F32& in, uint64_t n_in, bool same_ok) {
    if (!ok_ || n_out == 0 || n_in == 0) return ok_;
    if (same_ok && out.data == in.data) return true;
    if (out.data < in.data + n_in && in.data < out.data + n_out) {
      fail_range("the output must not overlap an input");
    }
    return ok_;
  }

 private:
  static constexpr size_t kMax = 10;
  void fail_type(const std::string& message) {
    if (ok_) napi_throw_type_error(env_, nullptr, message.c_str());
    ok_ = false;
  }
  void fail_range(const std::string& message) {
    if (ok_) napi_throw_range_error(env_, nullptr, message.c_str());
    ok_ = false;
  }

  napi_env env_;
  size_t argc_;
  napi_value argv_[kMax];
  bool ok_;
};

// Whether `code` (read by Args::integer, so >= 0 unless it already threw) is an Activation.
bool activation_code(napi_env env, int64_t code) {
  if (code < kActivationCount) return true;
  const std::string message = std::string("activation must be ") + kActivationChoices;
  napi_throw_range_error(env, nullptr, message.c_str());
  return false;
}

napi_value Conv2d(napi_env env, napi_callback_info info) {
  Args args(env, info, kConv2dArgs);
  ConvShape s;
  if (!args.shape(3, &s)) return nullptr;
  F32 x = args.f32(0, "x"), w = args.f32(1, "filter"), y = args.f32(2, "y");
  F32 bias;
  Activation activation = Activation::kLinear;
  if (!args.is_null(4)) bias = args.f32(4, "bias");
  if (args.count() > 5 && !args.is_null(5)) {
    const int64_t code = args.integer(5, "activation");
    if (!activation_code(env, code)) return nullptr;
    activation = static_cast<Activation>(code);
  }
  if (bias.data != nullptr && bias.length != 1 && bias.length != static_cast<size_t>(s.out_c)) {
    napi_throw_range_error(env, nullptr, "bias must have 1 or out_c values");
    return nullptr;
  }
  if (!args.need(x, x_size(s), "x") || !args.need(w, w_size(s), "filter") ||
      !args.need(y, y_size(s), "y") || !args.disjoint(y, y_size(s), x, x_size(s), false) ||
      !args.disjoint(y, y_size(s), w, w_size(s), false))
    return nullptr;
  conv2d_forward(s, x.data, w.data, bias.data, static_cast<int>(bias.length), activation, y.data);
  return nullptr;
}

napi_value Conv2dBackpropInput(napi_env env, napi_callback_info info) {
  Args args(env, info, kConv2dBackpropInputArgs);
  ConvShape s;
  if (!args.shape(3, &s)) return nullptr;
  F32 dy = args.f32(0, "dy"), w = args.f32(1, "filter"), dx = args.f32(2, "dx");
  if (!args.need(dy, y_size(s), "dy") || !args.need(w, w_size(s), "filter") ||
      !args.need(dx, x_size(s), "dx") || !args.disjoint(dx, x_size(s), dy, y_size(s), false) ||
      !args.disjoint(dx, x_size(s), w, w_size(s), false))
    return nullptr;
  conv2d_backprop_input(s, dy.data, w.data, dx.data);
  return nullptr;
}

napi_value Conv2dBackpropFilter(napi_env env, napi_callback_info info) {
  Args args(env, info, kConv2dBackpropFilterArgs);
  ConvShape s;
  if (!args.shape(3, &s)) return nullptr;
  F32 x = args.f32(0, "x"), dy = args.f32(1, "dy"), dw = args.f32(2, "dFilter");
  if (!args.need(x, x_size(s), "x") || !args.need(dy, y_size(s), "dy") ||
      !args.need(dw, w_size(s), "dFilter") || !args.disjoint(dw, w_size(s), x, x_size(s), false) ||
      !args.disjoint(dw, w_size(s), dy, y_size(s), false))
    return nullptr;
  conv2d_backprop_filter(s, x.data, dy.data, dw.data);
  return nullptr;
}

napi_value Binary(napi_env env, napi_callback_info info) {
  Args args(env, info, kBinaryArgs);
  const int64_t op = args.integer(0, "op");
  F32 a = args.f32(1, "a"), b = args.f32(4, "b"), out = args.f32(7, "out");
  const Operand oa{a.data, args.integer(2, "aRowStride"), args.integer(3, "aColStride")};
  const Operand ob{b.data, args.integer(5, "bRowStride"), args.integer(6, "bColStride")};
  const int64_t rows = args.integer(8, "rows"), cols = args.integer(9, "cols");
  if (!args.ok()) return nullptr;
  if (op >= kBinaryOpCount) {
    napi_throw_range_error(env, nullptr, "unknown binary op");
    return nullptr;
  }
  const uint64_t n = static_cast<uint64_t>(rows * cols);
  const uint64_t na = operand_extent(oa, rows, cols), nb = operand_extent(ob, rows, cols);
  if (!args.need(a, na, "a") || !args.need(b, nb, "b") || !args.need(out, n, "out") ||
      !args.disjoint(out, n, a, na, na == n) || !args.disjoint(out, n, b, nb, nb == n))
    return nullptr;
  binary(static_cast<BinaryOp>(op), oa, ob, out.data, rows, cols);
  return nullptr;
}

// (x, y): y = f(x) element by element, for ReLU and GELU alike. `y_name` is the output's
// name in error messages.
template <void (*Kernel)(const float*, float*, int64_t)>
napi_value ElementwiseForward(napi_env env, napi_callback_info info, size_t expected,
                              const char* y_name) {
  Args args(env, info, expected);
  F32 x = args.f32(0, "x"), y = args.f32(1, y_name);
  if (!args.ok() || !args.need(y, x.length, y_name) ||
      !args.disjoint(y, x.length, x, x.length, true))
    return nullptr;
  Kernel(x.data, y.data, static_cast<int64_t>(x.length));
  return nullptr;
}

// (x, dy, dx): dx = f'(x)·dy element by element, for ReLU and GELU alike.
template <void (*Kernel)(const float*, const float*, float*, int64_t)>
napi_value ElementwiseBackward(napi_env env, napi_callback_info info, size_t expected) {
  Args args(env, info, expected);
  F32 x = args.f32(0, "x"), dy = args.f32(1, "dy"), dx = args.f32(2, "dx");
  if (!args.ok() || !args.need(dy, x.length, "dy") || !args.need(dx, x.length, "dx") ||
      !args.disjoint(dx, x.length, x, x.length, true) ||
      !args.disjoint(dx, x.length, dy, x.length, true))
    return nullptr;
  Kernel(x.data, dy.data, dx.data, static_cast<int64_t>(x.length));
  return nullptr;
}

napi_value Relu(napi_env env, napi_callback_info info) {
  return ElementwiseForward<relu>(env, info, kReluArgs, "out");
}

napi_value ReluBackward(napi_env env, napi_callback_info info) {
  return ElementwiseBackward<relu_backward>(env, info, kReluBackwardArgs);
}

napi_value Exp(napi_env env, napi_callback_info info) {
  return ElementwiseForward<exp_values>(env, info, kExpArgs, "y");
}

napi_value BatchNorm(napi_env env, napi_callback_info info) {
  Args args(env, info, kBatchNormArgs);
  F32 x = args.f32(0, "x"), mean = args.f32(1, "mean"), variance = args.f32(2, "variance");
  F32 scale, offset;
  if (!args.is_null(3)) scale = args.f32(3, "scale");
  if (!args.is_null(4)) offset = args.f32(4, "offset");
  const double epsilon = args.number(5, "epsilon");
  F32 y = args.f32(6, "y");
  const int64_t channels = args.integer(7, "channels");
  if (!args.ok()) return nullptr;
  for (const F32* p : {&mean, &variance, &scale, &offset}) {
    if (p->data != nullptr && p->length != 1 && static_cast<int64_t>(p->length) != channels) {
      napi_throw_range_error(env, nullptr, "batch-norm parameters need 1 or `channels` values");
      return nullptr;
    }
  }
  if (!args.whole_rows(x, channels)) return nullptr;
  if (!args.need(y, x.length, "y") || !args.disjoint(y, x.length, x, x.length, true))
    return nullptr;
  const BatchNormParams params{mean.data,  static_cast<int64_t>(mean.length),
                               variance.data, static_cast<int64_t>(variance.length),
                               scale.data, static_cast<int64_t>(scale.length),
                               offset.data, static_cast<int64_t>(offset.length),
                               static_cast<float>(epsilon)};
  batch_norm(x.data, params, y.data, static_cast<int64_t>(x.length) / channels, channels);
  return nullptr;
}

napi_value BatchNormBackward(napi_env env, napi_callback_info info) {
  Args args(env, info, kBatchNormBackwardArgs);
  F32 x = args.f32(0, "x"), dy = args.f32(1, "dy"), mean = args.f32(2, "mean"),
      inv_std = args.f32(3, "invStd");
  F32 scale;
  if (!args.is_null(4)) scale = args.f32(4, "scale");
  F32 dx = args.f32(5, "dx"), sum_dy = args.f32(6, "sumDy"),
      sum_dy_centered = args.f32(7, "sumDyCentered");
  const int64_t channels = args.integer(8, "channels");
  if (!args.ok()) return nullptr;
  if (!args.whole_rows(x, channels)) return nullptr;
  const uint64_t n = x.length, c = static_cast<uint64_t>(channels);
  if (!args.need(dy, n, "dy") || !args.need(mean, c, "mean") || !args.need(inv_std, c, "invStd") ||
      (scale.data != nullptr && !args.need(scale, c, "scale")) || !args.need(dx, n, "dx") ||
      !args.need(sum_dy, c, "sumDy") || !args.need(sum_dy_centered, c, "sumDyCentered") ||
      !args.disjoint(dx, n, x, n, false) || !args.disjoint(dx, n, dy, n, true))
    return nullptr;
  batch_norm_backward(x.data, dy.data, mean.data, inv_std.data, scale.data, dx.data, sum_dy.data,
                      sum_dy_centered.data, static_cast<int64_t>(n / c), channels);
  return nullptr;
}

napi_value BatchNormMoments(napi_env env, napi_callback_info info) {
  Args args(env, info, kBatchNormMomentsArgs);
  F32 x = args.f32(0, "x"), mean = args.f32(1, "mean"), variance = args.f32(2, "variance");
  const int64_t channels = args.integer(3, "channels");
  if (!args.ok()) return nullptr;
  if (!args.whole_rows(x, channels)) return nullptr;
  const uint64_t c = static_cast<uint64_t>(channels);
  if (!args.need(mean, c, "mean") || !args.need(variance, c, "variance") ||
      !args.disjoint(mean, c, x, x.length, false) ||
      !args.disjoint(variance, c, x, x.length, false) ||
      !args.disjoint(variance, c, mean, c, false))
    return nullptr;
  batch_norm_moments(x.data, static_cast<int64_t>(x.length / c), channels, mean.data,
                     variance.data);
  return nullptr;
}

napi_value BatchNormTrainingBackward(napi_env env, napi_callback_info info) {
  Args args(env, info, kBatchNormTrainingBackwardArgs);
  F32 x = args.f32(0, "x"), dy = args.f32(1, "dy"), mean = args.f32(2, "mean"),
      inv_std = args.f32(3, "invStd");
  F32 scale;
  if (!args.is_null(4)) scale = args.f32(4, "scale");
  F32 dx = args.f32(5, "dx"), d_scale = args.f32(6, "dScale"), d_offset = args.f32(7, "dOffset");
  const int64_t channels = args.integer(8, "channels");
  if (!args.ok()) return nullptr;
  if (!args.whole_rows(x, channels)) return nullptr;
  const uint64_t n = x.length, c = static_cast<uint64_t>(channels);
  if (!args.need(dy, n, "dy") || !args.need(mean, c, "mean") || !args.need(inv_std, c, "invStd") ||
      (scale.data != nullptr && !args.need(scale, c, "scale")) || !args.need(dx, n, "dx") ||
      !args.need(d_scale, c, "dScale") || !args.need(d_offset, c, "dOffset") ||
      !args.disjoint(dx, n, x, n, false) || !args.disjoint(dx, n, dy, n, true))
    return nullptr;
  batch_norm_training_backward(x.data, dy.data, mean.data, inv_std.data, scale.data, dx.data,
                               d_scale.data, d_offset.data, static_cast<int64_t>(n / c), channels);
  return nullptr;
}

napi_value LayerNorm(napi_env env, napi_callback_info info) {
  Args args(env, info, kLayerNormArgs);
  F32 x = args.f32(0, "x");
  F32 gamma, beta;
  if (!args.is_null(1)) gamma = args.f32(1, "gamma");
  if (!args.is_null(2)) beta = args.f32(2, "beta");
  const double epsilon = args.number(3, "epsilon");
  F32 y = args.f32(4, "y"), mean = args.f32(5, "mean"), inv_std = args.f32(6, "invStd");
  const int64_t width = args.integer(7, "width");
  if (!args.ok() || !args.whole_rows(x, width)) return nullptr;
  const uint64_t n = x.length, w = static_cast<uint64_t>(width), rows = w == 0 ? 0 : n / w;
  if ((gamma.data != nullptr && !args.need(gamma, w, "gamma")) ||
      (beta.data != nullptr && !args.need(beta, w, "beta")) || !args.need(y, n, "y") ||
      !args.need(mean, rows, "mean") || !args.need(inv_std, rows, "invStd") ||
      !args.disjoint(y, n, x, n, false))
    return nullptr;
  layer_norm(x.data, gamma.data, beta.data, epsilon, y.data, mean.data, inv_std.data,
             static_cast<int64_t>(rows), width);
  return nullptr;
}

napi_value LayerNormBackward(napi_env env, napi_callback_info info) {
  Args args(env, info, kLayerNormBackwardArgs);
  F32 x = args.f32(0, "x"), dy = args.f32(1, "dy"), mean = args.f32(2, "mean"),
      inv_std = args.f32(3, "invStd");
  F32 gamma;
  if (!args.is_null(4)) gamma = args.f32(4, "gamma");
  F32 dx = args.f32(5, "dx"), d_gamma = args.f32(6, "dGamma"), d_beta = args.f32(7, "dBeta");
  const int64_t width = args.integer(8, "width");
  if (!args.ok() || !args.whole_rows(x, width)) return nullptr;
  const uint64_t n = x.length, w = static_cast<uint64_t>(width), rows = w == 0 ? 0 : n / w;
  if (!args.need(dy, n, "dy") || !args.need(mean, rows, "mean") ||
      !args.need(inv_std, rows, "invStd") ||
      (gamma.data != nullptr && !args.need(gamma, w, "gamma")) || !args.need(dx, n, "dx") ||
      !args.need(d_gamma, w, "dGamma") || !args.need(d_beta, w, "dBeta") ||
      !args.disjoint(dx, n, x, n, false) || !args.disjoint(dx, n, dy, n, false))
    return nullptr;
  layer_norm_backward(x.data, dy.data, mean.data, inv_std.data, gamma.data, dx.data, d_gamma.data,
                      d_beta.data, static_cast<int64_t>(rows), width);
  return nullptr;
}

napi_value CausalSoftmax(napi_env env, napi_callback_info info) {
  Args args(env, info, kCausalSoftmaxArgs);
  F32 x = args.f32(0, "x"), y = args.f32(1, "y");
  const int64_t length = args.integer(2, "length");
  const double scale = args.number(3, "scale");
  if (!args.ok() || !args.whole_rows(x, length * length) || !args.need(y, x.length, "y") ||
      !args.disjoint(y, x.length, x, x.length, true))
    return nullptr;
  causal_softmax(x.data, y.data, static_cast<int64_t>(x.length), length,
                 static_cast<float>(scale));
  return nullptr;
}

napi_value CausalSoftmaxBackward(napi_env env, napi_callback_info info) {
  Args args(env, info, kCausalSoftmaxBackwardArgs);
  F32 y = args.f32(0, "y"), dy = args.f32(1, "dy"), dx = args.f32(2, "dx");
  const int64_t length = args.integer(3, "length");
  const double scale = args.number(4, "scale");
  const uint64_t n = y.length;
  if (!args.ok() || !args.whole_rows(y, length * length) || !args.need(dy, n, "dy") ||
      !args.need(dx, n, "dx") || !args.disjoint(dx, n, y, n, true) ||
      !args.disjoint(dx, n, dy, n, true))
    return nullptr;
  causal_softmax_backward(y.data, dy.data, dx.data, static_cast<int64_t>(n), length,
                          static_cast<float>(scale));
  return nullptr;
}

napi_value Gelu(napi_env env, napi_callback_info info) {
  return ElementwiseForward<gelu>(env, info, kGeluArgs, "y");
}

napi_value GeluBackward(napi_env env, napi_callback_info info) {
  return ElementwiseBackward<gelu_backward>(env, info, kGeluBackwardArgs);
}

napi_value AdamwUpdate(napi_env env, napi_callback_info info) {
  Args args(env, info, kAdamwUpdateArgs);
  F32 weight = args.f32(0, "weight"), m = args.f32(1, "m"), v = args.f32(2, "v"),
      gradient = args.f32(3, "gradient"), constants = args.f32(4, "constants"),
      new_weight = args.f32(5, "newWeight"), new_m = args.f32(6, "newM"),
      new_v = args.f32(7, "newV");
  const uint64_t n = weight.length;
  if (!args.ok() || !args.need(m, n, "m") || !args.need(v, n, "v") ||
      !args.need(gradient, n, "gradient") || !args.need(constants, 9, "constants") ||
      !args.need(new_weight, n, "newWeight") || !args.need(new_m, n, "newM") ||
      !args.need(new_v, n, "newV"))
    return nullptr;
  // Each output may replace its own input in place; never another input.
  for (const F32* out : {&new_weight, &new_m, &new_v}) {
    for (const F32* in : {&weight, &m, &v, &gradient}) {
      const bool same = (out == &new_weight && in == &weight) || (out == &new_m && in == &m) ||
                        (out == &new_v && in == &v);
      if (!args.disjoint(*out, n, *in, n, same)) return nullptr;
    }
  }
  const float* c = constants.data;
  const AdamWConstants k{c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8] != 0.0f};
  adamw_update(weight.data, m.data, v.data, gradient.data, k, new_weight.data, new_m.data,
               new_v.data, static_cast<int64_t>(n));
  return nullptr;
}

napi_value SgdMomentumUpdate(napi_env env, napi_callback_info info) {
  Args args(env, info, kSgdMomentumUpdateArgs);
  F32 weight = args.f32(0, "weight"), velocity = args.f32(1, "velocity"),
      gradient = args.f32(2, "gradient"), constants = args.f32(3, "constants"),
      new_weight = args.f32(4, "newWeight"), new_velocity = args.f32(5, "newVelocity");
  const uint64_t n = weight.length;
  if (!args.ok() || !args.need(velocity, n, "velocity") || !args.need(gradient, n, "gradient") ||
      !args.need(constants, 5, "constants") || !args.need(new_weight, n, "newWeight") ||
      !args.need(new_velocity, n, "newVelocity"))
    return nullptr;
  // Each output may replace its own input in place; never another input.
  for (const F32* out : {&new_weight, &new_velocity}) {
    for (const F32* in : {&weight, &velocity, &gradient}) {
      const bool same =
          (out == &new_weight && in == &weight) || (out == &new_velocity && in == &velocity);
      if (!args.disjoint(*out, n, *in, n, same)) return nullptr;
    }
  }
  const float* c = constants.data;
  const SgdMomentumConstants k{c[0], c[1], c[2], c[3] != 0.0f, c[4] != 0.0f};
  sgd_momentum_update(weight.data, velocity.data, gradient.data, k, new_weight.data,
                      new_velocity.data, static_cast<int64_t>(n));
  return nullptr;
}

napi_value SumMiddleAxis(napi_env env, napi_callback_info info) {
  Args args(env, info, kSumMiddleAxisArgs);
  F32 x = args.f32(0, "x");
  const int64_t outer = args.integer(1, "outer"), reduce = args.integer(2, "reduce"),
                inner = args.integer(3, "inner");
  const double scale = args.number(4, "scale");
  F32 out = args.f32(5, "out");
  if (!args.ok()) return nullptr;
  const uint64_t n = static_cast<uint64_t>(outer * reduce * inner);
  const uint64_t n_out = static_cast<uint64_t>(outer * inner);
  if (!args.need(x, n, "x") || !args.need(out, n_out, "out") ||
      !args.disjoint(out, n_out, x, n, false))
    return nullptr;
  sum_middle_axis(x.data, outer, reduce, inner, scale, out.data);
  return nullptr;
}

napi_value Pad(napi_env env, napi_callback_info info) {
  Args args(env, info, kPadArgs);
  F32 x = args.f32(0, "x");
  std::vector<int32_t> layout;
  if (!args.int32s(1, "layout", &layout)) return nullptr;
  const double value = args.number(2, "value");
  F32 out = args.f32(3, "out");
  if (!args.ok()) return nullptr;
  const int rank = layout.empty() ? -1 : layout[0];
  if (rank < 0 || rank > kMaxPadRank || layout.size() != static_cast<size_t>(1 + 3 * rank)) {
    napi_throw_range_error(env, nullptr,
                           "layout must be [rank, inShape..., before..., after...], rank <= 8");
    return nullptr;
  }
  int64_t in_shape[kMaxPadRank], before[kMaxPadRank], out_shape[kMaxPadRank];
  uint64_t n_in = 1, n_out = 1;
  for (int d = 0; d < rank; ++d) {
    in_shape[d] = layout[1 + d];
    before[d] = layout[1 + rank + d];
    const int64_t after = layout[1 + 2 * rank + d];
    if (in_shape[d] < 0 || before[d] < 0 || after < 0) {
      napi_throw_range_error(env, nullptr, "layout: sizes and pads must be >= 0");
      return nullptr;
    }
    out_shape[d] = in_shape[d] + before[d] + after;
    n_in *= static_cast<uint64_t>(in_shape[d]);
    n_out *= static_cast<uint64_t>(out_shape[d]);
  }
  if (!args.need(x, n_in, "x") || !args.need(out, n_out, "out") ||
      !args.disjoint(out, n_out, x, n_in, false))
    return nullptr;
  pad(x.data, rank, in_shape, before, out_shape, static_cast<float>(value), out.data);
  return nullptr;
}

napi_value MaxPoolBackward(napi_env env, napi_callback_info info) {
  Args args(env, info, kMaxPoolBackwardArgs);
  F32 x = args.f32(0, "x");
  F32 dy = args.f32(1, "dy");
  std::vector<int32_t> geometry;
  if (!args.int32s(2, "geometry", &geometry)) return nullptr;
  F32 dx = args.f32(3, "dx");
  if (!args.ok()) return nullptr;
  if (geometry.size() != 14) {
    napi_throw_range_error(env, nullptr,
                           "geometry must be [batch, inHeight, inWidth, channels, outHeight, "
                           "outWidth, strides (2), dilations (2), filter sizes (2), padTop, padLeft]");
    return nullptr;
  }
  const MaxPoolGeometry g{geometry[0], geometry[1], geometry[2],  geometry[3], geometry[4],
                          geometry[5], geometry[6], geometry[7],  geometry[8], geometry[9],
                          geometry[10], geometry[11], geometry[12], geometry[13]};
  for (int i = 0; i < 12; ++i) {
    if (geometry[i] < (i < 6 ? 0 : 1)) {
      napi_throw_range_error(env, nullptr,
                             "geometry: sizes must be >= 0, strides, dilations and filters >= 1");
      return nullptr;
    }
  }
  if (g.in_height * g.in_width * g.channels >= (int64_t{1} << 31)) {
    napi_throw_range_error(env, nullptr, "an image of the max pool must hold fewer than 2^31 values");
    return nullptr;
  }
  const uint64_t n_in = static_cast<uint64_t>(g.batch * g.in_height * g.in_width * g.channels);
  const uint64_t n_out = static_cast<uint64_t>(g.batch * g.out_height * g.out_width * g.channels);
  if (!args.need(x, n_in, "x") || !args.need(dy, n_out, "dy") || !args.need(dx, n_in, "dx") ||
      !args.disjoint(dx, n_in, x, n_in, false) || !args.disjoint(dx, n_in, dy, n_out, false))
    return nullptr;
  max_pool_backward(x.data, dy.data, g, dx.data);
  return nullptr;
}

napi_value ResizeNearestBackward(napi_env env, napi_callback_info info) {
  Args args(env, info, kResizeNearestBackwardArgs);
  F32 dy = args.f32(0, "dy");
  std::vector<int32_t> layout;
  if (!args.int32s(1, "layout", &layout)) return nullptr;
  F32 dx = args.f32(2, "dx");
  if (!args.ok()) return nullptr;
  const auto non_negative = [](int32_t v) { return v >= 0; };
  const bool sized = layout.size() >= 6 &&
                     std::all_of(layout.begin(), layout.begin() + 6, non_negative) &&
                     layout.size() == 6 + static_cast<size_t>(layout[4]) + layout[5];
  if (!sized) {
    napi_throw_range_error(env, nullptr,
                           "layout must be [batch, inHeight, inWidth, channels, outHeight, "
                           "outWidth, a source row per output row, a source column per output "
                           "column], sizes >= 0");
    return nullptr;
  }
  const ResizeGeometry g{layout[0], layout[1], layout[2], layout[3], layout[4], layout[5]};
  const int32_t* row_source = layout.data() + 6;
  const int32_t* col_source = row_source + g.out_height;
  const bool inside =
      std::all_of(row_source, col_source, [&](int32_t r) { return r >= 0 && r < g.in_height; }) &&
      std::all_of(col_source, col_source + g.out_width,
                  [&](int32_t c) { return c >= 0 && c < g.in_width; });
  if (!inside) {
    napi_throw_range_error(env, nullptr,
                           "layout: every source row and column must be inside the input");
    return nullptr;
  }
  const uint64_t n_in = static_cast<uint64_t>(g.batch * g.in_height * g.in_width * g.channels);
  const uint64_t n_out = static_cast<uint64_t>(g.batch * g.out_height * g.out_width * g.channels);
  if (!args.need(dy, n_out, "dy") || !args.need(dx, n_in, "dx") ||
      !args.disjoint(dx, n_in, dy, n_out, false))
    return nullptr;
  resize_nearest_backward(dy.data, g, row_source, col_source, dx.data);
  return nullptr;
}

napi_value StridedCopy(napi_env env, napi_callback_info info) {
  Args args(env, info, kStridedCopyArgs);
  F32 x = args.f32(0, "x");
  std::vector<int32_t> layout;
  if (!args.int32s(1, "layout", &layout)) return nullptr;
  F32 out = args.f32(2, "out");
  if (!args.ok()) return nullptr;
  const int rank = layout.empty() ? -1 : layout[0];
  if (rank < 0 || rank > kMaxPadRank || layout.size() != static_cast<size_t>(1 + 2 * rank)) {
    napi_throw_range_error(env, nullptr, "layout must be [rank, sizes..., strides...], rank <= 8");
    return nullptr;
  }
  int64_t sizes[kMaxPadRank], strides[kMaxPadRank];
  // The values read: one past the largest index (none when any size is 0).
  uint64_t n_out = 1, extent = 1;
  for (int d = 0; d < rank; ++d) {
    sizes[d] = layout[1 + d];
    strides[d] = layout[1 + rank + d];
    if (sizes[d] < 0 || strides[d] < 0) {
      napi_throw_range_error(env, nullptr, "layout: sizes and strides must be >= 0");
      return nullptr;
    }
    n_out *= static_cast<uint64_t>(sizes[d]);
    if (sizes[d] > 0) extent += static_cast<uint64_t>((sizes[d] - 1) * strides[d]);
  }
  if (n_out == 0) extent = 0;
  if (!args.need(x, extent, "x") || !args.need(out, n_out, "out") ||
      !args.disjoint(out, n_out, x, extent, false))
    return nullptr;
  if (n_out > 0) strided_copy(x.data, rank, sizes, strides, out.data);
  return nullptr;
}

napi_value MatMul(napi_env env, napi_callback_info info) {
  Args args(env, info, kMatMulArgs);
  F32 a = args.f32(0, "a"), b = args.f32(1, "b"), c = args.f32(2, "c");
  std::vector<int32_t> d;
  if (!args.int32s(3, "shape", &d)) return nullptr;
  if (d.size() != 8) {
    napi_throw_range_error(env, nullptr,
                           "shape must be [batch, batchA, batchB, m, k, n, transA, transB]");
    return nullptr;
  }
  const MatMulShape s{d[0], d[1], d[2], d[3], d[4], d[5], d[6] != 0, d[7] != 0};
  const std::string error = validate(s);
  if (!error.empty()) {
    napi_throw_range_error(env, nullptr, ("shape: " + error).c_str());
    return nullptr;
  }
  F32 bias;
  Activation activation = Activation::kLinear;
  if (!args.is_null(4)) bias = args.f32(4, "bias");
  if (args.count() > 5 && !args.is_null(5)) {
    const int64_t code = args.integer(5, "activation");
    if (!activation_code(env, code)) return nullptr;
    activation = static_cast<Activation>(code);
  }
  if (!args.ok()) return nullptr;
  const uint64_t n_a = uint64_t(s.batch_a) * s.m * s.k, n_b = uint64_t(s.batch_b) * s.k * s.n;
  const uint64_t n_c = uint64_t(s.batch) * s.m * s.n;
  if (!args.need(a, n_a, "a") || !args.need(b, n_b, "b") || !args.need(c, n_c, "c") ||
      !args.disjoint(c, n_c, a, n_a, false) || !args.disjoint(c, n_c, b, n_b, false))
    return nullptr;
  if (bias.data != nullptr && bias.length != 1 && bias.length != static_cast<size_t>(s.n)) {
    napi_throw_range_error(env, nullptr, "bias must hold 1 or n values");
    return nullptr;
  }
  batch_matmul(s, a.data, b.data, c.data, bias.data, static_cast<int>(bias.length), activation);
  return nullptr;
}

napi_value SetThreads(napi_env env, napi_callback_info info) {
  Args args(env, info, kSetThreadsArgs);
  const int64_t n = args.integer(0, "count");
  if (!args.ok()) return nullptr;
  ThreadPool::instance().set_num_threads(static_cast<int>(n));
  return nullptr;
}

napi_value Threads(napi_env env, napi_callback_info /*info*/) {
  napi_value r;
  napi_create_int32(env, ThreadPool::instance().num_threads(), &r);
  return r;
}

napi_value SetIsa(napi_env env, napi_callback_info info) {
  Args args(env, info, kSetIsaArgs);
  napi_value r;
  napi_get_boolean(env, args.ok() && set_isa(args.string(0)), &r);
  return r;
}

napi_value Isa(napi_env env, napi_callback_info /*info*/) {
  napi_value r;
  const std::string isa = current_isa();
  napi_create_string_utf8(env, isa.c_str(), isa.size(), &r);
  return r;
}

// Joins the pool's workers when the last environment goes away, so that worker_threads that
// load the addon and exit leave no threads behind.
std::atomic<int> g_env_count{0};
void Cleanup(void*) {
  if (--g_env_count == 0) ThreadPool::instance().shutdown();
}

napi_value Init(napi_env env, napi_value exports) {
  ++g_env_count;
  napi_add_env_cleanup_hook(env, Cleanup, nullptr);
#define RESIDUAL_DESCRIBE(js_name, function, required) \
  {#js_name, nullptr, function, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  const napi_property_descriptor props[] = {RESIDUAL_ENTRY_POINTS(RESIDUAL_DESCRIBE)};
#undef RESIDUAL_DESCRIBE
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}

}  // namespace
}  // namespace residual

NAPI_MODULE_INIT() { return residual::Init(env, exports); }
