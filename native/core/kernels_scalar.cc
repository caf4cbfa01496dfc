// The portable kernels: the fallback of every architecture and the
// reference the SIMD paths are tested against.

#include <cstdint>

#include "core/float16.h"
#include "core/simd.h"

namespace mnemo {
namespace {

float Float32(const void* a, const void* b, const void* param) {
  const size_t dim = *static_cast<const size_t*>(param);
  const float* x = static_cast<const float*>(a);
  const float* y = static_cast<const float*>(b);
  float dot = 0.0f;
  for (size_t i = 0; i < dim; ++i) dot += x[i] * y[i];
  return 1.0f - dot;
}

float Float16(const void* a, const void* b, const void* param) {
  const size_t dim = *static_cast<const size_t*>(param);
  const uint16_t* x = static_cast<const uint16_t*>(a);
  const uint16_t* y = static_cast<const uint16_t*>(b);
  float dot = 0.0f;
  for (size_t i = 0; i < dim; ++i) dot += HalfToFloat(x[i]) * HalfToFloat(y[i]);
  return 1.0f - dot;
}

}  // namespace

void ScalarToHalf(const float* src, uint16_t* dst, size_t n) {
  for (size_t i = 0; i < n; ++i) dst[i] = FloatToHalf(src[i]);
}

void ScalarFromHalf(const uint16_t* src, float* dst, size_t n) {
  for (size_t i = 0; i < n; ++i) dst[i] = HalfToFloat(src[i]);
}

const DistanceKernels& ScalarKernels() {
  static const DistanceKernels kernels{&Float32, &Float16, &ScalarToHalf, &ScalarFromHalf};
  return kernels;
}

}  // namespace mnemo
