// The arm64 distance kernels: Advanced SIMD (NEON), mandatory on AArch64, so
// no run-time check is needed; simd.cc still offers scalar for comparison.

#include "core/simd.h"

#if MNEMO_SIMD_ARM64

#include <arm_neon.h>

#include <cstdint>

#include "core/float16.h"

namespace mnemo {
namespace {

float NeonFloat32(const void* a, const void* b, const void* param) {
  const size_t dim = *static_cast<const size_t*>(param);
  const float* x = static_cast<const float*>(a);
  const float* y = static_cast<const float*>(b);
  float32x4_t s0 = vdupq_n_f32(0.0f);
  float32x4_t s1 = vdupq_n_f32(0.0f);
  size_t i = 0;
  for (; i + 8 <= dim; i += 8) {
    s0 = vfmaq_f32(s0, vld1q_f32(x + i), vld1q_f32(y + i));
    s1 = vfmaq_f32(s1, vld1q_f32(x + i + 4), vld1q_f32(y + i + 4));
  }
  float dot = vaddvq_f32(vaddq_f32(s0, s1));
  for (; i < dim; ++i) dot += x[i] * y[i];
  return 1.0f - dot;
}

float NeonFloat16(const void* a, const void* b, const void* param) {
  const size_t dim = *static_cast<const size_t*>(param);
  const uint16_t* x = static_cast<const uint16_t*>(a);
  const uint16_t* y = static_cast<const uint16_t*>(b);
  float32x4_t s0 = vdupq_n_f32(0.0f);
  float32x4_t s1 = vdupq_n_f32(0.0f);
  size_t i = 0;
  for (; i + 8 <= dim; i += 8) {
    const float16x8_t hx = vreinterpretq_f16_u16(vld1q_u16(x + i));
    const float16x8_t hy = vreinterpretq_f16_u16(vld1q_u16(y + i));
    s0 = vfmaq_f32(s0, vcvt_f32_f16(vget_low_f16(hx)), vcvt_f32_f16(vget_low_f16(hy)));
    s1 = vfmaq_f32(s1, vcvt_high_f32_f16(hx), vcvt_high_f32_f16(hy));
  }
  float dot = vaddvq_f32(vaddq_f32(s0, s1));
  for (; i < dim; ++i) dot += HalfToFloat(x[i]) * HalfToFloat(y[i]);
  return 1.0f - dot;
}

}  // namespace

const DistanceKernels& NeonKernels() {
  static const DistanceKernels kernels{&NeonFloat32, &NeonFloat16, &ScalarToHalf,
                                       &ScalarFromHalf};
  return kernels;
}

}  // namespace mnemo

#endif  // MNEMO_SIMD_ARM64
