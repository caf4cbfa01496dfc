// Checks of a saved graph (hnswlib's saveIndex format): of the file before
// hnswlib's loadIndex reads it, and of the graph it read, so that a corrupted
// or forged file is refused with an error instead of being read out of bounds
// or searched into a crash. graph_checks.cc.

#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/hnsw.h"

namespace mnemo {

// The header fields of a saved graph that the loader relies on.
struct GraphHeader {
  size_t count;         // slots saved (cur_element_count)
  size_t vector_bytes;  // bytes of one stored vector
};

// Reads the file's header and every element's upper-layer link list size and
// checks them against each other and against the file's size: hnswlib's
// level-0 layout, M, maxM0 = 2·M, the entry point and top level, and that the
// element data and link lists fill the file exactly. Reads no more than the
// file holds and allocates nothing in proportion to its fields. Throws
// std::runtime_error naming the first fault.
GraphHeader CheckGraphFile(const std::string& path);

// Checks a graph hnswlib loaded from a file CheckGraphFile accepted: every
// link count within maxM0 (level 0) or maxM (above), every neighbour an
// existing slot with a level at least the list's, the entry point of the top
// level, no unknown flag bits, labels unique and below `label_limit`, stored
// vectors finite. Throws std::runtime_error naming the first fault and `path`.
void CheckLoadedGraph(const Hnsw& h, bool half, uint64_t label_limit, const std::string& path);

}  // namespace mnemo
