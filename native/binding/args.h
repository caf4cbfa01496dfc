// Checking and copying the arguments of the JS methods.

#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace mnemo::binding {

// Throws a JS TypeError.
[[noreturn]] void ThrowType(Napi::Env env, const std::string& message);

// info[i] as a typed array of `type`; a TypeError naming `name` otherwise.
template <typename T>
Napi::TypedArrayOf<T> TypedArg(const Napi::CallbackInfo& info, size_t i, napi_typedarray_type type,
                               const char* name, const char* type_name) {
  const Napi::Value v = info[i];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != type) {
    ThrowType(info.Env(), std::string(name) + " must be a " + type_name);
  }
  return v.As<Napi::TypedArrayOf<T>>();
}

bool IsNullish(const Napi::Value& v);

// info[i] as a boolean; a TypeError naming `name` otherwise.
bool BoolArg(const Napi::CallbackInfo& info, size_t i, const char* name);

// info[i] as an integer in [min, max]; a TypeError naming `name` otherwise.
uint64_t UintArg(const Napi::CallbackInfo& info, size_t i, const char* name, uint64_t min,
                 uint64_t max);

// A copy of a typed array's elements, which a worker thread may read while JS
// goes on.
template <typename T>
std::vector<T> CopyOf(const Napi::TypedArrayOf<T>& a) {
  return std::vector<T>(a.Data(), a.Data() + a.ElementLength());
}

}  // namespace mnemo::binding
