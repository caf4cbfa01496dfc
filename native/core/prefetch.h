// Cache hints for the elements of hnswlib's level 0 (no-ops without SSE).

#pragma once

#include <cstdint>

#include "core/hnsw.h"

namespace mnemo {

// Hints the cache to load a whole element of level 0 (links, vector, label).
inline void PrefetchElement(const Hnsw& h, tableint slot) {
#ifdef USE_SSE
  const char* start = h.data_level0_memory_ + slot * h.size_data_per_element_;
  for (size_t offset = 0; offset < h.size_data_per_element_; offset += 64) {
    _mm_prefetch(start + offset, _MM_HINT_T0);
  }
#else
  (void)h;
  (void)slot;
#endif
}

// Hints the cache to load every line of an element's level-0 links.
inline void PrefetchLinks(const Hnsw& h, tableint slot) {
#ifdef USE_SSE
  const auto start = reinterpret_cast<uintptr_t>(h.get_linklist0(slot));
  const uintptr_t end = start + h.size_links_level0_;
  for (uintptr_t line = start & ~uintptr_t{63}; line < end; line += 64) {
    _mm_prefetch(reinterpret_cast<const char*>(line), _MM_HINT_T0);
  }
#else
  (void)h;
  (void)slot;
#endif
}

// Hints the cache to load every line of an element's vector.
inline void PrefetchVector(const Hnsw& h, tableint slot) {
#ifdef USE_SSE
  const auto start = reinterpret_cast<uintptr_t>(h.getDataByInternalId(slot));
  const uintptr_t end = start + h.data_size_;
  for (uintptr_t line = start & ~uintptr_t{63}; line < end; line += 64) {
    _mm_prefetch(reinterpret_cast<const char*>(line), _MM_HINT_T0);
  }
#else
  (void)h;
  (void)slot;
#endif
}

}  // namespace mnemo
