// The x86-64 distance kernels: SSE2 (the baseline), AVX2 with FMA and F16C,
// and AVX-512F (float16 only; its float32 and conversions are AVX2's). Each is compiled for its own target (function attributes), so
// the build itself needs no -march; simd.cc runs only those the CPU supports.
// Tails shorter than a vector are copied into a zero-padded block, so every
// component goes through the same arithmetic.

#include "core/simd.h"

#if MNEMO_SIMD_X86

#include <immintrin.h>

#include <cstdint>
#include <cstring>

namespace mnemo {
namespace {

size_t Dim(const void* param) { return *static_cast<const size_t*>(param); }

// ---- SSE2 ----

__attribute__((target("sse2"))) float HorizontalSum(__m128 v) {
  v = _mm_add_ps(v, _mm_movehl_ps(v, v));
  v = _mm_add_ss(v, _mm_shuffle_ps(v, v, 1));
  return _mm_cvtss_f32(v);
}

__attribute__((target("sse2"))) float Sse2Float32(const void* a, const void* b, const void* param) {
  const size_t dim = Dim(param);
  const float* x = static_cast<const float*>(a);
  const float* y = static_cast<const float*>(b);
  __m128 s0 = _mm_setzero_ps();
  __m128 s1 = _mm_setzero_ps();
  size_t i = 0;
  for (; i + 8 <= dim; i += 8) {
    s0 = _mm_add_ps(s0, _mm_mul_ps(_mm_loadu_ps(x + i), _mm_loadu_ps(y + i)));
    s1 = _mm_add_ps(s1, _mm_mul_ps(_mm_loadu_ps(x + i + 4), _mm_loadu_ps(y + i + 4)));
  }
  for (; i < dim; i += 4) {
    float bx[4] = {}, by[4] = {};
    const size_t n = dim - i < 4 ? dim - i : 4;
    std::memcpy(bx, x + i, n * sizeof(float));
    std::memcpy(by, y + i, n * sizeof(float));
    s0 = _mm_add_ps(s0, _mm_mul_ps(_mm_loadu_ps(bx), _mm_loadu_ps(by)));
  }
  return 1.0f - HorizontalSum(_mm_add_ps(s0, s1));
}

// Four float16 (the low 64 bits of h) as exact floats, without F16C: the
// exponent and mantissa shifted into place and scaled by 2^112, which also
// normalises subnormals; infinities and NaNs get the all-ones exponent.
__attribute__((target("sse2"))) __m128 HalvesToFloats(__m128i h) {
  const __m128i wide = _mm_unpacklo_epi16(h, _mm_setzero_si128());
  const __m128i sign = _mm_slli_epi32(_mm_and_si128(wide, _mm_set1_epi32(0x8000)), 16);
  const __m128i rest = _mm_slli_epi32(_mm_and_si128(wide, _mm_set1_epi32(0x7FFF)), 13);
  __m128 value = _mm_mul_ps(_mm_castsi128_ps(rest), _mm_castsi128_ps(_mm_set1_epi32(0x77800000)));
  const __m128 special = _mm_cmpge_ps(value, _mm_set1_ps(65536.0f));
  value = _mm_or_ps(value, _mm_and_ps(special, _mm_castsi128_ps(_mm_set1_epi32(0x7F800000))));
  return _mm_or_ps(value, _mm_castsi128_ps(sign));
}

__attribute__((target("sse2"))) float Sse2Float16(const void* a, const void* b, const void* param) {
  const size_t dim = Dim(param);
  const uint16_t* x = static_cast<const uint16_t*>(a);
  const uint16_t* y = static_cast<const uint16_t*>(b);
  __m128 sum = _mm_setzero_ps();
  size_t i = 0;
  for (; i + 4 <= dim; i += 4) {
    const __m128 vx = HalvesToFloats(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(x + i)));
    const __m128 vy = HalvesToFloats(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(y + i)));
    sum = _mm_add_ps(sum, _mm_mul_ps(vx, vy));
  }
  if (i < dim) {
    uint16_t bx[4] = {}, by[4] = {};
    std::memcpy(bx, x + i, (dim - i) * sizeof(uint16_t));
    std::memcpy(by, y + i, (dim - i) * sizeof(uint16_t));
    const __m128 vx = HalvesToFloats(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(bx)));
    const __m128 vy = HalvesToFloats(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(by)));
    sum = _mm_add_ps(sum, _mm_mul_ps(vx, vy));
  }
  return 1.0f - HorizontalSum(sum);
}

// ---- AVX2, FMA, F16C ----

#define MNEMO_AVX2 __attribute__((target("avx2,fma,f16c")))

MNEMO_AVX2 float HorizontalSum256(__m256 v) {
  __m128 low = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  low = _mm_add_ps(low, _mm_movehl_ps(low, low));
  low = _mm_add_ss(low, _mm_shuffle_ps(low, low, 1));
  return _mm_cvtss_f32(low);
}

MNEMO_AVX2 float Avx2Float32(const void* a, const void* b, const void* param) {
  const size_t dim = Dim(param);
  const float* x = static_cast<const float*>(a);
  const float* y = static_cast<const float*>(b);
  __m256 s0 = _mm256_setzero_ps();
  __m256 s1 = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 16 <= dim; i += 16) {
    s0 = _mm256_fmadd_ps(_mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i), s0);
    s1 = _mm256_fmadd_ps(_mm256_loadu_ps(x + i + 8), _mm256_loadu_ps(y + i + 8), s1);
  }
  for (; i < dim; i += 8) {
    float bx[8] = {}, by[8] = {};
    const size_t n = dim - i < 8 ? dim - i : 8;
    std::memcpy(bx, x + i, n * sizeof(float));
    std::memcpy(by, y + i, n * sizeof(float));
    s0 = _mm256_fmadd_ps(_mm256_loadu_ps(bx), _mm256_loadu_ps(by), s0);
  }
  return 1.0f - HorizontalSum256(_mm256_add_ps(s0, s1));
}

MNEMO_AVX2 float Avx2Float16(const void* a, const void* b, const void* param) {
  const size_t dim = Dim(param);
  const uint16_t* x = static_cast<const uint16_t*>(a);
  const uint16_t* y = static_cast<const uint16_t*>(b);
  __m256 s0 = _mm256_setzero_ps();
  __m256 s1 = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 16 <= dim; i += 16) {
    const __m256i hx = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + i));
    const __m256i hy = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y + i));
    s0 = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm256_castsi256_si128(hx)),
                         _mm256_cvtph_ps(_mm256_castsi256_si128(hy)), s0);
    s1 = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm256_extracti128_si256(hx, 1)),
                         _mm256_cvtph_ps(_mm256_extracti128_si256(hy, 1)), s1);
  }
  for (; i < dim; i += 8) {
    uint16_t bx[8] = {}, by[8] = {};
    const size_t n = dim - i < 8 ? dim - i : 8;
    std::memcpy(bx, x + i, n * sizeof(uint16_t));
    std::memcpy(by, y + i, n * sizeof(uint16_t));
    s0 = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(bx))),
                         _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(by))),
                         s0);
  }
  return 1.0f - HorizontalSum256(_mm256_add_ps(s0, s1));
}

// Conversions with F16C, 8 values at a time; the rest portably.
MNEMO_AVX2 void Avx2ToHalf(const float* src, uint16_t* dst, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m128i h = _mm256_cvtps_ph(_mm256_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), h);
  }
  ScalarToHalf(src + i, dst + i, n - i);
}

MNEMO_AVX2 void Avx2FromHalf(const uint16_t* src, float* dst, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    _mm256_storeu_ps(dst + i,
                     _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i))));
  }
  ScalarFromHalf(src + i, dst + i, n - i);
}

// ---- AVX-512F (float16: 16 halves are one 32-byte load) ----

#define MNEMO_AVX512 __attribute__((target("avx512f")))

#pragma GCC diagnostic push
// GCC 12 false positive inside _mm512_reduce_add_ps (as in hnswlib).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

MNEMO_AVX512 float Avx512Float16(const void* a, const void* b, const void* param) {
  const size_t dim = Dim(param);
  const uint16_t* x = static_cast<const uint16_t*>(a);
  const uint16_t* y = static_cast<const uint16_t*>(b);
  __m512 s0 = _mm512_setzero_ps();
  __m512 s1 = _mm512_setzero_ps();
  size_t i = 0;
  for (; i + 32 <= dim; i += 32) {
    const __m256i* px = reinterpret_cast<const __m256i*>(x + i);
    const __m256i* py = reinterpret_cast<const __m256i*>(y + i);
    s0 = _mm512_fmadd_ps(_mm512_cvtph_ps(_mm256_loadu_si256(px)),
                         _mm512_cvtph_ps(_mm256_loadu_si256(py)), s0);
    s1 = _mm512_fmadd_ps(_mm512_cvtph_ps(_mm256_loadu_si256(px + 1)),
                         _mm512_cvtph_ps(_mm256_loadu_si256(py + 1)), s1);
  }
  for (; i < dim; i += 16) {
    uint16_t bx[16] = {}, by[16] = {};
    const size_t n = dim - i < 16 ? dim - i : 16;
    std::memcpy(bx, x + i, n * sizeof(uint16_t));
    std::memcpy(by, y + i, n * sizeof(uint16_t));
    s0 = _mm512_fmadd_ps(_mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(bx))),
                         _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(by))),
                         s0);
  }
  return 1.0f - _mm512_reduce_add_ps(_mm512_add_ps(s0, s1));
}

#pragma GCC diagnostic pop

}  // namespace

const DistanceKernels& Sse2Kernels() {
  static const DistanceKernels kernels{&Sse2Float32, &Sse2Float16, &ScalarToHalf,
                                       &ScalarFromHalf};
  return kernels;
}

const DistanceKernels& Avx2Kernels() {
  static const DistanceKernels kernels{&Avx2Float32, &Avx2Float16, &Avx2ToHalf,
                                       &Avx2FromHalf};
  return kernels;
}

const DistanceKernels& Avx512Kernels() {
  // float32 keeps the AVX2 kernel: 64-byte loads of hnswlib's unaligned
  // elements split two cache lines each, and over a graph larger than the
  // caches the AVX-512 float32 kernel measured slower than the AVX2 one.
  static const DistanceKernels kernels{&Avx2Float32, &Avx512Float16, &Avx2ToHalf,
                                       &Avx2FromHalf};
  return kernels;
}

}  // namespace mnemo

#endif  // MNEMO_SIMD_X86
