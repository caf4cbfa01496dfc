// Transparent huge pages for hnswlib's level 0, where the kernel offers them.
//
// Every search reads elements of level 0 (links, vector, label) scattered over
// the whole array: with 4 KiB pages nearly every one costs a TLB miss and a
// page walk on top of its cache misses. Memory advised for huge pages
// (Linux: madvise MADV_HUGEPAGE, honoured when transparent_hugepage is
// "madvise" or "always") is mapped 2 MiB at a time.

#pragma once

#include <cstddef>

#include "core/hnsw.h"

namespace mnemo {

// Moves h's level 0 into memory aligned to and advised for huge pages (the
// elements in use copied over), so that it is mapped with huge pages as it is
// first touched. Call before the graph is shared between threads. Returns the
// bytes advised: 0 off Linux, for a layer holding no aligned huge page, or
// when the kernel refuses the advice, which leaves level 0 where it was.
size_t MoveLevelZeroToHugePages(Hnsw& h);

// Advises h's level 0 where it is now (after hnswlib reallocated it): the
// 2 MiB-aligned pages inside it. Returns the bytes advised.
size_t AdviseLevelZero(Hnsw& h);

}  // namespace mnemo
