// L2 normalisation of the vectors given to the index.

#pragma once

#include <cstddef>

namespace mnemo {

// Writes src / |src| into dst (which may alias src). Returns false when the
// vector has no direction (zero, or non-finite components).
bool Normalise(const float* src, float* dst, size_t dim);

}  // namespace mnemo
