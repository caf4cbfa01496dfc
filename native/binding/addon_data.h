// What the addon keeps per JS environment.

#pragma once

#include <napi.h>

namespace mnemo::binding {

// The instance data of the addon (env.GetInstanceData<AddonData>()).
struct AddonData {
  Napi::FunctionReference index_ctor;  // HnswIndex
};

}  // namespace mnemo::binding
