// The SIMD path of the addon's distance kernels (core/simd.h), seen from JS.

#pragma once

#include <napi.h>

namespace mnemo::binding {

// Selects the path named by the environment variable MNEMO_SIMD (avx512,
// avx2, sse2, neon, scalar) if it is set and not empty; else the best the CPU
// supports stays active. Throws a Napi::Error naming the supported paths if
// the name is unknown or the CPU cannot run it. Call before any index exists.
void SelectSimdFromEnvironment(Napi::Env env);

// simd(): the active path's name.
Napi::Value Simd(const Napi::CallbackInfo& info);

// simdSupported(): the names of the paths this CPU supports, best first.
Napi::Value SimdSupported(const Napi::CallbackInfo& info);

}  // namespace mnemo::binding
