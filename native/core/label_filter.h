// Which labels a filtered search may return.

#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/hnsw.h"

namespace mnemo {

// A range over a numeric column of the caller's (indexed by label):
// low <= value <= high, strictly on an open side.
struct RangeBound {
  const double* values;
  size_t length;
  double low;
  double high;
  bool low_open;
  bool high_open;
};

// Which labels a filtered search may return: those set in the bitmap (bit
// (label & 31) of word (label >> 5); no bitmap = every label) whose values lie
// in every range. The columns belong to the caller, which may write to them
// while a search runs: values are read with relaxed atomic loads, and the
// caller re-checks every hit. The bitmap and the ranges must outlive the
// filter.
class LabelFilter {
 public:
  LabelFilter(const std::vector<uint32_t>* words, const std::vector<RangeBound>& ranges)
      : words_(words), ranges_(ranges) {}
  bool Allows(labeltype label) const {
    if (words_ != nullptr) {
      const size_t word = static_cast<size_t>(label >> 5);
      if (word >= words_->size() || (((*words_)[word] >> (label & 31)) & 1u) == 0) return false;
    }
    for (const RangeBound& r : ranges_) {
      if (label >= r.length) return false;
      const uint64_t bits = __atomic_load_n(
          reinterpret_cast<const uint64_t*>(r.values + label), __ATOMIC_RELAXED);
      double value;
      std::memcpy(&value, &bits, sizeof value);
      if (!(value >= r.low && value <= r.high)) return false;
      if ((r.low_open && value == r.low) || (r.high_open && value == r.high)) return false;
    }
    return true;
  }

 private:
  const std::vector<uint32_t>* words_;
  const std::vector<RangeBound>& ranges_;
};

}  // namespace mnemo
