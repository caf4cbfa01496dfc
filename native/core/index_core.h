// The HNSW index: hnswlib's graph with our own inserts, removals, searches
// and persistence around it.
//
// Vectors are L2-normalised by the caller and compared by inner product
// (distance = 1 - cos), stored as float32 or, to halve their memory traffic,
// as IEEE float16 (InnerProductSpace, with the run-time SIMD path of
// core/simd.h).
//
// Locking model:
//   layout_mu_    shared by every operation that touches index memory
//                 (search, insert, remove, getVector, save); exclusive only
//                 while the index is resized (hnswlib's resizeIndex is not
//                 thread-safe).
//   mutation_mu_  shared by inserts, exclusive while saving, so a saved file
//                 never contains a half-inserted element.
//   label op lock hnswlib's per-label mutex; serialises insert/remove/getVector
//                 of one label.
//   slots_mu_     free-slot list and slot reservation counter.
// Both shared mutexes are writer-preferring so that a resize or a save is not
// starved by a continuous stream of searches.

#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <queue>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/fair_shared_mutex.h"
#include "core/hnsw.h"
#include "core/label_filter.h"
#include "core/simd.h"
#include "core/top_k.h"

namespace mnemo {

// A candidate of an exact search, resolved to its slot.
struct Candidate {
  tableint slot;
  uint32_t label;
};

struct Stats {
  size_t live;      // live (not removed) elements
  size_t slots;     // slots ever allocated (live + removed awaiting reuse)
  size_t deleted;   // removed elements whose slots wait to be reused
  size_t capacity;  // allocated slot capacity
  size_t huge_page_bytes;  // of level 0, advised for huge pages (core/huge_pages.h)
};

class IndexCore {
 public:
  // The space is built here and keeps the distance kernel of the SIMD path
  // active now (core/simd.h) for the core's lifetime.
  IndexCore(size_t dim, bool half);

  size_t dim() const { return dim_; }

  // The stored form of a normalised vector: the vector itself (float32), or
  // its float16 rounding written into `scratch`.
  const void* Encode(const float* normalised, std::vector<uint16_t>& scratch) const {
    if (!half_) return normalised;
    scratch.resize(dim_);
    kernels_.to_half(normalised, scratch.data(), dim_);
    return scratch.data();
  }

  // An empty graph of at least one slot.
  void Create(size_t m, size_t ef_construction, size_t capacity, size_t seed);

  // Reads a graph written by Save (persistence.cc). Throws InvalidInput when
  // its vectors do not have this index's dimension and precision, and
  // std::runtime_error when the file or the graph in it is corrupted (see
  // graph_checks.h), a label at or above `label_limit` included.
  void Load(const std::string& path, size_t capacity, size_t seed, uint64_t label_limit);

  // Writes the graph to path + ".tmp", then renames it over path. Inserts wait
  // meanwhile; searches go on.
  void Save(const std::string& path);

  // Insert or replace one (already normalised) vector. See the semantics
  // summary in PlanInsert.
  void Upsert(uint32_t label, const float* normalised);

  // Marks labels removed; unknown or already removed ones are ignored.
  void Remove(const uint32_t* labels, size_t n);

  // The stored vector of a live label, as floats, into out (dim floats).
  bool GetVector(uint32_t label, float* out) const;

  // Approximate KNN with a per-call ef: the greedy descent of hnswlib's
  // searchKnn followed by our SearchBaseLayer with our ef (hnswlib's shared ef_
  // is unused). Returns the distances computed, entry point and descent
  // included. `query` is in the stored form (see Encode). graph_search.cc.
  size_t Knn(const void* query, size_t k, size_t ef, const LabelFilter* filter,
             std::vector<Hit>& out) const;

  // Maps candidate labels to slots (deduplicated by slot). Unknown labels are
  // dropped; removed ones are skipped at query time. exact_search.cc.
  std::vector<Candidate> ResolveCandidates(const std::vector<uint32_t>& labels) const;

  // Exact KNN with the space's SIMD distance over the vectors stored in the
  // graph; candidates == nullptr scans every live slot. Returns the distances
  // computed: one per live candidate. `query` is in the stored form (see
  // Encode). exact_search.cc.
  size_t Exact(const void* query, size_t k, const std::vector<Candidate>* candidates,
               std::vector<Hit>& out) const;

  // The labels of the live (not removed) elements, in slot order.
  std::vector<uint32_t> LiveLabels() const;

  size_t Live() const { return live_.load(std::memory_order_relaxed); }

  Stats GetStats() const;

 private:
  using Queue = std::priority_queue<std::pair<float, tableint>,
                                    std::vector<std::pair<float, tableint>>, Hnsw::CompareByFirst>;

  // hnswlib's searchBaseLayerST (without a stop condition), step for step, so
  // it returns the same elements, plus a count of the distances it computes.
  // entry_dist is the entry point's distance, known from the descent. kBare
  // (no filter, no removed element) admits every element visited, as
  // hnswlib's bare_bone_search; otherwise an element joins the result only if
  // it is not removed and passes the filter, but is explored either way.
  // graph_search.cc.
  template <bool kBare>
  Queue SearchBaseLayer(const Hnsw& h, tableint entry, float entry_dist, const void* query,
                        size_t ef, const LabelFilter* filter, size_t* computations) const;

  enum class PlanKind { kUpdate, kRevive, kReuse, kNew, kGrow };
  struct Plan {
    PlanKind kind;
    tableint slot;
  };

  Plan PlanInsert(uint32_t label);
  void Grow();
  void InitBookkeeping();
  bool FindSlot(uint32_t label, tableint* slot) const;

  // A slot is ready once hnswlib finished initialising it; before that its
  // memory (delete mark included) is garbage.
  bool IsReady(tableint slot) const { return ready_[slot].load(std::memory_order_acquire) != 0; }

  const size_t dim_;
  const bool half_;
  const DistanceKernels& kernels_;  // of the SIMD path active at construction
  std::unique_ptr<hnswlib::SpaceInterface<float>> space_;  // must outlive hnsw_
  std::unique_ptr<Hnsw> hnsw_;
  mutable FairSharedMutex layout_mu_;
  FairSharedMutex mutation_mu_;
  std::mutex slots_mu_;
  std::unordered_set<tableint> free_slots_;
  size_t slots_reserved_ = 0;
  std::unique_ptr<std::atomic<uint8_t>[]> ready_;
  std::atomic<size_t> live_{0};
  std::atomic<size_t> capacity_{0};
  std::atomic<size_t> huge_page_bytes_{0};
};

}  // namespace mnemo
