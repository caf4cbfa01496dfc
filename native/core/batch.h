// Batches of inserts and searches over an IndexCore, spread over threads.
// Each function validates every vector it is given (InvalidInput names the
// first bad one) and normalises it in place.

#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/index_core.h"
#include "core/label_filter.h"
#include "core/top_k.h"

namespace mnemo {

// Which labels one or more queries of a search may return.
struct FilterSpec {
  bool has_bitmap = false;
  std::vector<uint32_t> bitmap;
  std::vector<RangeBound> ranges;
};

// Approximate queries: query q (row q of vectors) returns ks[q] hits with a
// beam of efs[q], filtered by filters[filter_of[q] - 1] (0: unfiltered).
struct GraphSearch {
  std::vector<float> vectors;  // row-major, dim floats each
  std::vector<uint32_t> ks;
  std::vector<uint32_t> efs;
  std::vector<FilterSpec> filters;
  std::vector<uint32_t> filter_of;
};

// Exact queries: each returns k hits among the candidates (every live label
// without candidates).
struct ExactSearch {
  std::vector<float> vectors;  // row-major, dim floats each
  size_t k = 1;
  bool has_candidates = false;
  std::vector<uint32_t> candidates;
};

// Per query: its hits, nearest first, and the distances computed for it.
struct BatchResult {
  std::vector<std::vector<Hit>> hits;
  std::vector<size_t> computations;
};

// Inserts or replaces labels[i] -> row i of vectors. Every row is validated
// before the index is touched, so a bad row rejects the whole batch. A label
// repeated within the batch: the last occurrence wins.
void AddBatch(IndexCore& core, const std::vector<uint32_t>& labels, std::vector<float>& vectors,
              size_t threads);

BatchResult SearchBatch(const IndexCore& core, GraphSearch& search, size_t threads);

BatchResult ExactBatch(const IndexCore& core, ExactSearch& search, size_t threads);

}  // namespace mnemo
