#include "core/simd.h"

#include <algorithm>

namespace mnemo {
namespace {

struct PathInfo {
  SimdPath path;
  const char* name;
};

constexpr PathInfo kPaths[] = {
    {SimdPath::kAvx512, "avx512"}, {SimdPath::kAvx2, "avx2"},     {SimdPath::kSse2, "sse2"},
    {SimdPath::kNeon, "neon"},     {SimdPath::kScalar, "scalar"},
};

bool CpuRuns(SimdPath path) {
  switch (path) {
    case SimdPath::kScalar:
      return true;
#if MNEMO_SIMD_X86
    case SimdPath::kSse2:
      return true;  // the x86-64 baseline
    case SimdPath::kAvx2:
      // GCC and Clang check that the OS saves the YMM/ZMM state too.
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
             __builtin_cpu_supports("f16c");
    case SimdPath::kAvx512:
      // Its float32 kernel and conversions are AVX2's.
      return __builtin_cpu_supports("avx512f") && CpuRuns(SimdPath::kAvx2);
#endif
#if MNEMO_SIMD_ARM64
    case SimdPath::kNeon:
      return true;  // Advanced SIMD is mandatory on AArch64
#endif
    default:
      return false;
  }
}

const DistanceKernels& KernelsOf(SimdPath path) {
  switch (path) {
#if MNEMO_SIMD_X86
    case SimdPath::kSse2:
      return Sse2Kernels();
    case SimdPath::kAvx2:
      return Avx2Kernels();
    case SimdPath::kAvx512:
      return Avx512Kernels();
#endif
#if MNEMO_SIMD_ARM64
    case SimdPath::kNeon:
      return NeonKernels();
#endif
    default:
      return ScalarKernels();
  }
}

SimdPath& Active() {
  static SimdPath active = SupportedSimd().front();
  return active;
}

}  // namespace

const char* SimdName(SimdPath path) {
  for (const PathInfo& info : kPaths) {
    if (info.path == path) return info.name;
  }
  return "scalar";
}

bool ParseSimd(const std::string& name, SimdPath* path) {
  for (const PathInfo& info : kPaths) {
    if (name == info.name) {
      *path = info.path;
      return true;
    }
  }
  return false;
}

std::vector<SimdPath> SupportedSimd() {
  std::vector<SimdPath> out;
  for (const PathInfo& info : kPaths) {
    if (CpuRuns(info.path)) out.push_back(info.path);
  }
  return out;
}

bool SelectSimd(SimdPath path) {
  if (!CpuRuns(path)) return false;
  Active() = path;
  return true;
}

SimdPath ActiveSimd() { return Active(); }

const DistanceKernels& ActiveKernels() { return KernelsOf(Active()); }

}  // namespace mnemo
