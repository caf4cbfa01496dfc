// hnswlib (native/vendor/hnswlib), included with its own warnings silenced, and the names the
// core uses from it.

#pragma once

#include <cstddef>
#include <limits>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wtype-limits"
#pragma GCC diagnostic ignored "-Wunused-variable"
#pragma GCC diagnostic ignored "-Wunused-but-set-variable"
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wclass-memaccess"
#pragma GCC diagnostic ignored "-Wcast-function-type"
// GCC 12 false positive inside _mm512_reduce_add_ps (used by hnswlib).
#pragma GCC diagnostic ignored "-Wuninitialized"
#include "hnswlib/hnswlib.h"
#pragma GCC diagnostic pop

namespace mnemo {

using hnswlib::labeltype;
using hnswlib::tableint;
using Hnsw = hnswlib::HierarchicalNSW<float>;

// tableint is 32-bit and hnswlib uses (tableint)-1 as "no entry point".
constexpr size_t kMaxCapacity = std::numeric_limits<tableint>::max() - 1;

}  // namespace mnemo
