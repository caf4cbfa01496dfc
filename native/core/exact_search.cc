// IndexCore's exact (brute-force) search.

#include <algorithm>

#include "core/index_core.h"
#include "core/prefetch.h"

namespace mnemo {
namespace {

// How many candidates ahead of the one being scored the scan requests an
// element.
constexpr size_t kExactPrefetchAhead = 2;

}  // namespace

std::vector<Candidate> IndexCore::ResolveCandidates(const std::vector<uint32_t>& labels) const {
  std::vector<Candidate> out;
  out.reserve(labels.size());
  {
    std::lock_guard<std::mutex> lookup(hnsw_->label_lookup_lock);
    const auto& table = hnsw_->label_lookup_;
    for (const uint32_t label : labels) {
      const auto it = table.find(label);
      if (it != table.end()) out.push_back(Candidate{it->second, label});
    }
  }
  std::sort(out.begin(), out.end(),
            [](const Candidate& a, const Candidate& b) { return a.slot < b.slot; });
  out.erase(std::unique(out.begin(), out.end(),
                        [](const Candidate& a, const Candidate& b) { return a.slot == b.slot; }),
            out.end());
  return out;
}

size_t IndexCore::Exact(const void* query, size_t k, const std::vector<Candidate>* candidates,
                        std::vector<Hit>& out) const {
  out.clear();
  std::shared_lock<FairSharedMutex> layout(layout_mu_);
  const Hnsw& h = *hnsw_;
  TopK top(k);
  size_t computations = 0;
  if (candidates != nullptr) {
    const std::vector<Candidate>& list = *candidates;
    const size_t n = list.size();
    for (size_t i = 0; i < n; ++i) {
      // Candidates are scattered over the graph: fetch one ahead while this one is scored.
      if (i + kExactPrefetchAhead < n) PrefetchElement(h, list[i + kExactPrefetchAhead].slot);
      const Candidate& c = list[i];
      if (!IsReady(c.slot) || h.isMarkedDeleted(c.slot)) continue;
      // The slot may have been handed to another label since resolution.
      if (h.getExternalLabel(c.slot) != c.label) continue;
      top.Offer(h.fstdistfunc_(query, h.getDataByInternalId(c.slot), h.dist_func_param_),
                c.label);
      ++computations;
    }
  } else {
    const size_t count = h.cur_element_count;
    for (size_t i = 0; i < count; ++i) {
      const tableint slot = static_cast<tableint>(i);
      if (!IsReady(slot) || h.isMarkedDeleted(slot)) continue;
      top.Offer(h.fstdistfunc_(query, h.getDataByInternalId(slot), h.dist_func_param_),
                static_cast<uint32_t>(h.getExternalLabel(slot)));
      ++computations;
    }
  }
  top.DrainAscending(out);
  return computations;
}

}  // namespace mnemo
