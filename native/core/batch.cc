#include "core/batch.h"

#include <algorithm>
#include <numeric>
#include <string>

#include "core/invalid_input.h"
#include "core/normalise.h"
#include "core/parallel.h"

namespace mnemo {
namespace {

// Normalises query i of queries in place (rejecting zero vectors) and returns it.
const float* PrepareQuery(std::vector<float>& queries, size_t dim, size_t i) {
  float* row = queries.data() + i * dim;
  if (!Normalise(row, row, dim)) {
    throw InvalidInput("query " + std::to_string(i) +
                       " has zero norm or non-finite components and cannot be normalised");
  }
  return row;
}

}  // namespace

void AddBatch(IndexCore& core, const std::vector<uint32_t>& labels, std::vector<float>& vectors,
              size_t threads) {
  const size_t dim = core.dim();
  const size_t n = labels.size();
  ParallelFor(n, ThreadsFor(n, threads, 256), [&](size_t i) {
    float* row = vectors.data() + i * dim;
    if (!Normalise(row, row, dim)) {
      throw InvalidInput("vector " + std::to_string(i) + " (label " + std::to_string(labels[i]) +
                         ") has zero norm or non-finite components and cannot be normalised");
    }
  });
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return labels[a] < labels[b]; });
  std::vector<size_t> keep;
  keep.reserve(n);
  for (size_t j = 0; j < n; ++j) {
    if (j + 1 == n || labels[order[j + 1]] != labels[order[j]]) keep.push_back(order[j]);
  }
  std::sort(keep.begin(), keep.end());  // insert in caller order
  ParallelFor(keep.size(), ThreadsFor(keep.size(), threads, 2), [&](size_t j) {
    const size_t i = keep[j];
    core.Upsert(labels[i], vectors.data() + i * dim);
  });
}

BatchResult SearchBatch(const IndexCore& core, GraphSearch& search, size_t threads) {
  const size_t dim = core.dim();
  const size_t nq = search.vectors.size() / dim;
  BatchResult result;
  result.hits.assign(nq, {});
  result.computations.assign(nq, 0);
  std::vector<LabelFilter> allowed;
  std::vector<bool> nothing;  // a bitmap allowing no label at all
  allowed.reserve(search.filters.size());
  for (const FilterSpec& f : search.filters) {
    allowed.emplace_back(f.has_bitmap ? &f.bitmap : nullptr, f.ranges);
    nothing.push_back(f.has_bitmap && std::all_of(f.bitmap.begin(), f.bitmap.end(),
                                                  [](uint32_t w) { return w == 0; }));
  }
  ParallelFor(nq, ThreadsFor(nq, threads, 2), [&](size_t q) {
    std::vector<uint16_t> scratch;
    // Validates every query, even one whose filter allows nothing.
    const void* query = core.Encode(PrepareQuery(search.vectors, dim, q), scratch);
    const size_t f = search.filter_of[q];
    if (f > 0 && nothing[f - 1]) return;
    const FilterSpec* spec = f > 0 ? &search.filters[f - 1] : nullptr;
    const bool filtered = spec != nullptr && (spec->has_bitmap || !spec->ranges.empty());
    result.computations[q] = core.Knn(query, search.ks[q], search.efs[q],
                                      filtered ? &allowed[f - 1] : nullptr, result.hits[q]);
  });
  return result;
}

BatchResult ExactBatch(const IndexCore& core, ExactSearch& search, size_t threads) {
  const size_t dim = core.dim();
  const size_t nq = search.vectors.size() / dim;
  BatchResult result;
  result.hits.assign(nq, {});
  result.computations.assign(nq, 0);
  std::vector<Candidate> resolved;
  if (search.has_candidates) resolved = core.ResolveCandidates(search.candidates);
  const std::vector<Candidate>* candidates = search.has_candidates ? &resolved : nullptr;
  ParallelFor(nq, ThreadsFor(nq, threads, 1), [&](size_t q) {
    std::vector<uint16_t> scratch;
    const void* query = core.Encode(PrepareQuery(search.vectors, dim, q), scratch);
    result.computations[q] = core.Exact(query, search.k, candidates, result.hits[q]);
  });
  return result;
}

}  // namespace mnemo
