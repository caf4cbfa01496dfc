// IndexCore's approximate search: the walk down hnswlib's graph.

#include <algorithm>
#include <limits>

#include "core/index_core.h"
#include "core/prefetch.h"

namespace mnemo {
namespace {

// A visited list of hnswlib's pool, returned to the pool on every exit.
class VisitedLease {
 public:
  explicit VisitedLease(hnswlib::VisitedListPool& pool)
      : pool_(pool), list_(pool.getFreeVisitedList()) {}
  ~VisitedLease() { pool_.releaseVisitedList(list_); }
  VisitedLease(const VisitedLease&) = delete;
  VisitedLease& operator=(const VisitedLease&) = delete;
  hnswlib::vl_type* marks() const { return list_->mass; }
  hnswlib::vl_type tag() const { return list_->curV; }

 private:
  hnswlib::VisitedListPool& pool_;
  hnswlib::VisitedList* list_;
};

}  // namespace

template <bool kBare>
IndexCore::Queue IndexCore::SearchBaseLayer(const Hnsw& h, tableint entry, float entry_dist,
                                            const void* query, size_t ef,
                                            const LabelFilter* filter,
                                            size_t* computations) const {
  const auto admits = [&](tableint slot) {
    return kBare || (!h.isMarkedDeleted(slot) &&
                     (filter == nullptr || filter->Allows(h.getExternalLabel(slot))));
  };
  VisitedLease lease(*h.visited_list_pool_);
  hnswlib::vl_type* const visited = lease.marks();
  const hnswlib::vl_type tag = lease.tag();
  std::vector<tableint> fresh;  // the unvisited neighbours of the element being expanded
  fresh.reserve(h.maxM0_);
  Queue top;         // the best admitted elements, worst on top
  Queue candidates;  // to explore, nearest on top (distances negated)
  size_t count = 0;

  float lower_bound;
  if (admits(entry)) {
    lower_bound = entry_dist;
    top.emplace(entry_dist, entry);
    candidates.emplace(-entry_dist, entry);
  } else {
    lower_bound = std::numeric_limits<float>::max();
    candidates.emplace(-lower_bound, entry);
  }
  visited[entry] = tag;

  while (!candidates.empty()) {
    const std::pair<float, tableint> nearest = candidates.top();
    const float nearest_dist = -nearest.first;
    const bool stop =
        kBare ? nearest_dist > lower_bound : nearest_dist > lower_bound && top.size() == ef;
    if (stop) break;
    candidates.pop();

    hnswlib::linklistsizeint* list = h.get_linklist0(nearest.second);
    const size_t size = h.getListCount(list);
    const tableint* links = reinterpret_cast<const tableint*>(list + 1);
    // Two passes: the unvisited neighbours first, each one's whole vector
    // requested from memory as it is found, then their distances. With every
    // fresh neighbour's vector in flight at once, the scattered reads overlap
    // as far as the memory system allows; the walk is bound by them, not by
    // arithmetic.
    fresh.clear();
    for (size_t j = 0; j < size; ++j) {
      const tableint id = links[j];
      if (visited[id] == tag) continue;
      visited[id] = tag;
      PrefetchVector(h, id);
      fresh.push_back(id);
    }
    for (size_t i = 0; i < fresh.size(); ++i) {
      const tableint id = fresh[i];
      const float dist = h.fstdistfunc_(query, h.getDataByInternalId(id), h.dist_func_param_);
      ++count;
      if (!(top.size() < ef || lower_bound > dist)) continue;
      candidates.emplace(-dist, id);
      if (admits(id)) top.emplace(dist, id);
      while (top.size() > ef) top.pop();
      if (!top.empty()) lower_bound = top.top().first;
    }
    // The next element to expand: its links are read first.
    if (!candidates.empty()) PrefetchLinks(h, candidates.top().second);
  }
  *computations += count;
  return top;
}

size_t IndexCore::Knn(const void* query, size_t k, size_t ef, const LabelFilter* filter,
                      std::vector<Hit>& out) const {
  out.clear();
  std::shared_lock<FairSharedMutex> layout(layout_mu_);
  const Hnsw& h = *hnsw_;
  if (h.cur_element_count == 0) return 0;
  // maxlevel_ and enterpoint_node_ are updated together, without a lock that
  // readers could take, when a new top-level element arrives; clamp the
  // descent to the entry point's own level so a mixed read stays in bounds.
  const int max_level = h.maxlevel_;
  const tableint entry = h.enterpoint_node_;
  if (max_level < 0 || entry == static_cast<tableint>(-1)) return 0;  // first insert in flight

  size_t computations = 1;
  tableint current = entry;
  float current_dist = h.fstdistfunc_(query, h.getDataByInternalId(current), h.dist_func_param_);
  for (int level = std::min(max_level, h.element_levels_[entry]); level > 0; --level) {
    bool changed = true;
    while (changed) {
      changed = false;
      hnswlib::linklistsizeint* list = h.get_linklist(current, level);
      const size_t count = h.getListCount(list);
      const tableint* neighbours = reinterpret_cast<const tableint*>(list + 1);
      computations += count;
      for (size_t i = 0; i < count; ++i) {
        const tableint candidate = neighbours[i];
        const float d = h.fstdistfunc_(query, h.getDataByInternalId(candidate), h.dist_func_param_);
        if (d < current_dist) {
          current_dist = d;
          current = candidate;
          changed = true;
        }
      }
    }
  }

  const size_t beam = std::max(ef, k);
  const bool bare = filter == nullptr && h.num_deleted_.load() == 0;
  Queue top = bare ? SearchBaseLayer<true>(h, current, current_dist, query, beam, nullptr,
                                           &computations)
                   : SearchBaseLayer<false>(h, current, current_dist, query, beam, filter,
                                            &computations);
  while (top.size() > k) top.pop();
  out.resize(top.size());
  for (size_t i = out.size(); i-- > 0;) {
    out[i] = Hit{ClampDistance(top.top().first),
                 static_cast<uint32_t>(h.getExternalLabel(top.top().second))};
    top.pop();
  }
  return computations;
}

}  // namespace mnemo
