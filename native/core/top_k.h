// Search hits and the bounded heap that collects the best of them.

#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <queue>
#include <utility>
#include <vector>

namespace mnemo {

struct Hit {
  float distance;  // 1 - cos, in [0, 2]
  uint32_t label;
};

// A computed distance clamped to the range of 1 - cos.
inline float ClampDistance(float d) { return std::min(2.0f, std::max(0.0f, d)); }

// Bounded max-heap keeping the k smallest (distance, label) pairs.
class TopK {
 public:
  explicit TopK(size_t k) : k_(k) {}
  void Offer(float distance, uint32_t label) {
    const std::pair<float, uint32_t> item(distance, label);
    if (heap_.size() < k_) {
      heap_.push(item);
    } else if (item < heap_.top()) {
      heap_.pop();
      heap_.push(item);
    }
  }
  // Moves the pairs kept into out, nearest first, distances clamped.
  void DrainAscending(std::vector<Hit>& out) {
    out.resize(heap_.size());
    for (size_t i = out.size(); i-- > 0;) {
      out[i] = Hit{ClampDistance(heap_.top().first), heap_.top().second};
      heap_.pop();
    }
  }

 private:
  size_t k_;
  std::priority_queue<std::pair<float, uint32_t>> heap_;
};

}  // namespace mnemo
