// The SIMD path of the distance kernels, chosen at run time from what the CPU
// supports (the build targets the architecture's baseline only).

#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/hnsw.h"

// Which kernel families the build has: the x86 ones need GCC or Clang
// (function target attributes, __builtin_cpu_supports); MSVC gets scalar.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define MNEMO_SIMD_X86 1
#else
#define MNEMO_SIMD_X86 0
#endif
#if defined(__aarch64__)
#define MNEMO_SIMD_ARM64 1
#else
#define MNEMO_SIMD_ARM64 0
#endif

namespace mnemo {

// Kernel families, fastest last within an architecture: x86-64 has scalar,
// sse2 (its baseline), avx2 (with FMA and F16C) and avx512 (AVX-512F for
// float16, AVX2's kernel for float32, see kernels_x86.cc);
// arm64 has scalar and neon; any other architecture has scalar only.
enum class SimdPath { kScalar, kSse2, kAvx2, kAvx512, kNeon };

// The kernels of one path: the distances 1 - <a, b> over `*param` (a size_t)
// components stored as float32 and as IEEE float16, and the conversions of n
// values to float16 (round to nearest even) and back (exact). The
// conversions give the same bits on every path.
struct DistanceKernels {
  hnswlib::DISTFUNC<float> float32;
  hnswlib::DISTFUNC<float> float16;
  void (*to_half)(const float* src, uint16_t* dst, size_t n);
  void (*from_half)(const uint16_t* src, float* dst, size_t n);
};

// The portable conversions (float16.h), which paths without their own use.
void ScalarToHalf(const float* src, uint16_t* dst, size_t n);
void ScalarFromHalf(const uint16_t* src, float* dst, size_t n);

// The path's name as MNEMO_SIMD spells it ("avx512", "avx2", "sse2", "neon",
// "scalar").
const char* SimdName(SimdPath path);

// Parses a name of SimdName into `path`; false for any other string.
bool ParseSimd(const std::string& name, SimdPath* path);

// The paths this CPU (and this build) can run, best first; scalar is last
// and always present.
std::vector<SimdPath> SupportedSimd();

// Makes `path` the one that spaces constructed from now on use. Returns false,
// changing nothing, if the CPU cannot run it. Not thread-safe with respect to
// constructing spaces: call it before building any index (the binding does at
// load). Until called, the best supported path is active.
bool SelectSimd(SimdPath path);

// The active path and its kernels.
SimdPath ActiveSimd();
const DistanceKernels& ActiveKernels();

// The kernels of one path (defined in kernels_*.cc; only those of the build's
// architecture exist).
const DistanceKernels& ScalarKernels();
#if MNEMO_SIMD_X86
const DistanceKernels& Sse2Kernels();
const DistanceKernels& Avx2Kernels();
const DistanceKernels& Avx512Kernels();
#endif
#if MNEMO_SIMD_ARM64
const DistanceKernels& NeonKernels();
#endif

}  // namespace mnemo
