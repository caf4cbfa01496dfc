#include "binding/simd_choice.h"

#include <cstdlib>
#include <string>

#include "core/simd.h"

namespace mnemo::binding {
namespace {

std::string SupportedList() {
  std::string out;
  for (const SimdPath path : SupportedSimd()) {
    if (!out.empty()) out += ", ";
    out += SimdName(path);
  }
  return out;
}

}  // namespace

void SelectSimdFromEnvironment(Napi::Env env) {
  const char* value = std::getenv("MNEMO_SIMD");
  if (value == nullptr || *value == '\0') return;
  SimdPath path;
  if (!ParseSimd(value, &path)) {
    throw Napi::Error::New(env, std::string("MNEMO_SIMD=") + value +
                                    " is not a SIMD path; this CPU supports: " + SupportedList());
  }
  if (!SelectSimd(path)) {
    throw Napi::Error::New(env, std::string("MNEMO_SIMD=") + value +
                                    " but this CPU cannot run it; it supports: " +
                                    SupportedList());
  }
}

Napi::Value Simd(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), SimdName(ActiveSimd()));
}

Napi::Value SimdSupported(const Napi::CallbackInfo& info) {
  const std::vector<SimdPath> paths = SupportedSimd();
  Napi::Array out = Napi::Array::New(info.Env(), paths.size());
  for (size_t i = 0; i < paths.size(); ++i) {
    out.Set(i, Napi::String::New(info.Env(), SimdName(paths[i])));
  }
  return out;
}

}  // namespace mnemo::binding
