#include "core/normalise.h"

#include <cmath>

namespace mnemo {

bool Normalise(const float* src, float* dst, size_t dim) {
  double sum = 0.0;
  for (size_t i = 0; i < dim; ++i) sum += static_cast<double>(src[i]) * src[i];
  if (!(sum > 0.0) || !std::isfinite(sum)) return false;
  const double inv = 1.0 / std::sqrt(sum);
  for (size_t i = 0; i < dim; ++i) dst[i] = static_cast<float>(src[i] * inv);
  return true;
}

}  // namespace mnemo
