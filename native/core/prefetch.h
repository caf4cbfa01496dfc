// Cache hints for the elements of hnswlib's level 0 (no-ops without SSE).

#pragma once

#include <cstddef>
#include <cstdint>

#include "core/hnsw.h"

namespace mnemo {

// Hints the cache to load every line of [start, start + bytes).
inline void PrefetchLines(const void* start, size_t bytes) {
#ifdef USE_SSE
  const auto first = reinterpret_cast<uintptr_t>(start);
  const uintptr_t end = first + bytes;
  for (uintptr_t line = first & ~uintptr_t{63}; line < end; line += 64) {
    _mm_prefetch(reinterpret_cast<const char*>(line), _MM_HINT_T0);
  }
#else
  (void)start;
  (void)bytes;
#endif
}

// Hints the cache to load a whole element of level 0 (links, vector, label).
inline void PrefetchElement(const Hnsw& h, tableint slot) {
  PrefetchLines(h.data_level0_memory_ + slot * h.size_data_per_element_, h.size_data_per_element_);
}

// Hints the cache to load every line of an element's level-0 links.
inline void PrefetchLinks(const Hnsw& h, tableint slot) {
  PrefetchLines(h.get_linklist0(slot), h.size_links_level0_);
}

// Hints the cache to load every line of an element's vector.
inline void PrefetchVector(const Hnsw& h, tableint slot) {
  PrefetchLines(h.getDataByInternalId(slot), h.data_size_);
}

}  // namespace mnemo
