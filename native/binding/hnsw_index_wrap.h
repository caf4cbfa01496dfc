// The JS class HnswIndex around an IndexCore, and the module's load().

#pragma once

#include <napi.h>

#include <cstddef>
#include <vector>

#include "binding/workers.h"

namespace mnemo::binding {

class HnswIndexWrap : public Napi::ObjectWrap<HnswIndexWrap> {
 public:
  static Napi::Function Define(Napi::Env env);

  // new HnswIndex(dim, m, efConstruction, capacity, seed, half)
  // new HnswIndex(External<CorePtr>)   (internal, used by load)
  explicit HnswIndexWrap(const Napi::CallbackInfo& info);

  // load(path, dim, initialCapacity, seed, half): Promise<HnswIndex>
  static Napi::Value Load(const Napi::CallbackInfo& info);

 private:
  Napi::Value Dim(const Napi::CallbackInfo& info);
  Napi::Value Size(const Napi::CallbackInfo& info);
  Napi::Value Add(const Napi::CallbackInfo& info);
  Napi::Value Remove(const Napi::CallbackInfo& info);
  Napi::Value SearchEach(const Napi::CallbackInfo& info);
  Napi::Value SearchExact(const Napi::CallbackInfo& info);
  Napi::Value SearchExactNow(const Napi::CallbackInfo& info);
  Napi::Value GetVector(const Napi::CallbackInfo& info);
  Napi::Value LiveLabels(const Napi::CallbackInfo& info);
  Napi::Value Save(const Napi::CallbackInfo& info);
  Napi::Value GetStats(const Napi::CallbackInfo& info);

  size_t Threads(const Napi::CallbackInfo& info, size_t i);
  std::vector<float> Queries(const Napi::CallbackInfo& info);
  ExactSearch ExactSearchOf(const Napi::CallbackInfo& info);

  CorePtr core_;
};

}  // namespace mnemo::binding
