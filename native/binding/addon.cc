// mnemo_hnsw: the N-API module. Exports the class HnswIndex (an HNSW index
// over L2-normalised vectors with distance 1 - cos, see core/index_core.h) and
// load(path, dim, initialCapacity, seed, half, labelLimit?): Promise<HnswIndex>.

#include <napi.h>

#include "binding/addon_data.h"
#include "binding/hnsw_index_wrap.h"

namespace {

using mnemo::binding::AddonData;
using mnemo::binding::HnswIndexWrap;

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  Napi::Function ctor = HnswIndexWrap::Define(env);
  auto* data = new AddonData();
  data->index_ctor = Napi::Persistent(ctor);
  env.SetInstanceData<AddonData>(data);
  exports.Set("HnswIndex", ctor);
  exports.Set("load", Napi::Function::New<HnswIndexWrap::Load>(env, "load"));
  return exports;
}

}  // namespace

NODE_API_MODULE(mnemo_hnsw, Init)
