#include "binding/args.h"

#include <cmath>

namespace mnemo::binding {

void ThrowType(Napi::Env env, const std::string& message) {
  throw Napi::TypeError::New(env, message);
}

bool IsNullish(const Napi::Value& v) { return v.IsNull() || v.IsUndefined(); }

bool BoolArg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  const Napi::Value v = info[i];
  if (!v.IsBoolean()) ThrowType(info.Env(), std::string(name) + " must be a boolean");
  return v.As<Napi::Boolean>().Value();
}

uint64_t UintArg(const Napi::CallbackInfo& info, size_t i, const char* name, uint64_t min,
                 uint64_t max) {
  const Napi::Value v = info[i];
  if (!v.IsNumber()) ThrowType(info.Env(), std::string(name) + " must be a number");
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= static_cast<double>(min) && d <= static_cast<double>(max)) || std::floor(d) != d) {
    ThrowType(info.Env(), std::string(name) + " must be an integer in [" + std::to_string(min) +
                              ", " + std::to_string(max) + "]");
  }
  return static_cast<uint64_t>(d);
}

}  // namespace mnemo::binding
