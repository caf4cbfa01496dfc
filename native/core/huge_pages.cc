// Transparent huge pages for hnswlib's level 0 (see huge_pages.h).

#include "core/huge_pages.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace mnemo {
namespace {

constexpr uintptr_t kHugePage = uintptr_t{2} << 20;

size_t LevelZeroBytes(const Hnsw& h) { return h.max_elements_ * h.size_data_per_element_; }

// Advises the 2 MiB-aligned pages inside [start, start + bytes) to be huge;
// returns the bytes advised (0: none, off Linux, or refused).
size_t AdviseHugePages(void* start, size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  const auto at = reinterpret_cast<uintptr_t>(start);
  const uintptr_t first = (at + kHugePage - 1) & ~(kHugePage - 1);
  const uintptr_t end = (at + bytes) & ~(kHugePage - 1);
  if (end <= first) return 0;
  if (madvise(reinterpret_cast<void*>(first), end - first, MADV_HUGEPAGE) != 0) return 0;
  return end - first;
#else
  (void)start;
  (void)bytes;
  return 0;
#endif
}

}  // namespace

size_t MoveLevelZeroToHugePages(Hnsw& h) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  const size_t bytes = LevelZeroBytes(h);
  if (bytes < kHugePage) return 0;
  void* moved = nullptr;
  // free() and hnswlib's realloc() accept memory from posix_memalign.
  if (posix_memalign(&moved, kHugePage, bytes) != 0) return 0;
  const size_t advised = AdviseHugePages(moved, bytes);
  if (advised == 0) {
    std::free(moved);
    return 0;
  }
  std::memcpy(moved, h.data_level0_memory_, h.cur_element_count * h.size_data_per_element_);
  std::free(h.data_level0_memory_);
  h.data_level0_memory_ = static_cast<char*>(moved);
  return advised;
#else
  (void)h;
  return 0;
#endif
}

size_t AdviseLevelZero(Hnsw& h) { return AdviseHugePages(h.data_level0_memory_, LevelZeroBytes(h)); }

}  // namespace mnemo
