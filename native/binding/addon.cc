// mnemo_hnsw: the N-API module. Exports the class HnswIndex (an HNSW index
// over L2-normalised vectors with distance 1 - cos, see core/index_core.h) and
// load(path, dim, initialCapacity, seed, half, labelLimit?): Promise<HnswIndex>,
// simd() (the active SIMD path of the distance kernels) and simdSupported()
// (the paths this CPU runs). Loading throws if MNEMO_SIMD names a path the CPU
// cannot run (binding/simd_choice.h).

#include <napi.h>

#include "binding/addon_data.h"
#include "binding/hnsw_index_wrap.h"
#include "binding/simd_choice.h"

namespace {

using mnemo::binding::AddonData;
using mnemo::binding::HnswIndexWrap;

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  mnemo::binding::SelectSimdFromEnvironment(env);
  Napi::Function ctor = HnswIndexWrap::Define(env);
  auto* data = new AddonData();
  data->index_ctor = Napi::Persistent(ctor);
  env.SetInstanceData<AddonData>(data);
  exports.Set("HnswIndex", ctor);
  exports.Set("load", Napi::Function::New<HnswIndexWrap::Load>(env, "load"));
  exports.Set("simd", Napi::Function::New<mnemo::binding::Simd>(env, "simd"));
  exports.Set("simdSupported",
              Napi::Function::New<mnemo::binding::SimdSupported>(env, "simdSupported"));
  return exports;
}

}  // namespace

NODE_API_MODULE(mnemo_hnsw, Init)
