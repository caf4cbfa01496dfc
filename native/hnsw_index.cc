// mnemo_hnsw: N-API wrapper around hnswlib::HierarchicalNSW<float> with an
// InnerProductSpace over L2-normalised vectors (distance = 1 - cos), the
// vectors stored as float32 or, to halve their memory traffic, as IEEE
// float16 (HalfInnerProductSpace).
//
// Locking model (see IndexCore):
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

#include <napi.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <mutex>
#include <numeric>
#include <queue>
#include <shared_mutex>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wtype-limits"
#pragma GCC diagnostic ignored "-Wunused-variable"
#pragma GCC diagnostic ignored "-Wunused-but-set-variable"
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wclass-memaccess"
#pragma GCC diagnostic ignored "-Wcast-function-type"
// GCC 12 false positive inside _mm512_reduce_add_ps (used by hnswlib).
#pragma GCC diagnostic ignored "-Wuninitialized"
#include "hnswlib/hnswlib.h"
#pragma GCC diagnostic pop

#if defined(__F16C__) || defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace {

using hnswlib::labeltype;
using hnswlib::tableint;
using Hnsw = hnswlib::HierarchicalNSW<float>;

constexpr size_t kMaxThreads = 256;
constexpr size_t kMinGrowth = 1024;
// tableint is 32-bit and hnswlib uses (tableint)-1 as "no entry point".
constexpr size_t kMaxCapacity = std::numeric_limits<tableint>::max() - 1;

// A caller mistake (bad argument or vector); surfaces in JS as a TypeError.
class InvalidInput : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Writer-preferring shared mutex. glibc's rwlock (behind std::shared_mutex)
// prefers readers, so a steady flow of overlapping searches could postpone a
// resize forever. A writer holds the turnstile while it waits, which stops new
// readers from entering. A thread must never acquire it recursively.
class FairSharedMutex {
 public:
  void lock() {
    std::lock_guard<std::mutex> gate(turnstile_);
    rw_.lock();
  }
  void unlock() { rw_.unlock(); }
  void lock_shared() {
    std::lock_guard<std::mutex> gate(turnstile_);
    rw_.lock_shared();
  }
  void unlock_shared() { rw_.unlock_shared(); }

 private:
  std::mutex turnstile_;
  std::shared_mutex rw_;
};

// Runs fn(i) for i in [0, n) on up to `threads` threads (the calling libuv
// worker plus helpers). Items are handed out one by one through an atomic
// counter. The first exception stops the loop and is rethrown.
template <typename Fn>
void ParallelFor(size_t n, size_t threads, const Fn& fn) {
  threads = std::min(threads, n);
  if (threads <= 1) {
    for (size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex error_mu;
  auto work = [&]() {
    try {
      for (;;) {
        if (failed.load(std::memory_order_relaxed)) return;
        const size_t i = next.fetch_add(1, std::memory_order_relaxed);
        if (i >= n) return;
        fn(i);
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mu);
      if (!error) error = std::current_exception();
      failed.store(true, std::memory_order_relaxed);
    }
  };
  std::vector<std::thread> helpers;
  helpers.reserve(threads - 1);
  for (size_t t = 1; t < threads; ++t) {
    try {
      helpers.emplace_back(work);
    } catch (const std::system_error&) {
      break;  // could not start a thread: run with fewer
    }
  }
  work();
  for (auto& t : helpers) t.join();
  if (error) std::rethrow_exception(error);
}

size_t ThreadsFor(size_t items, size_t requested, size_t min_items_per_thread) {
  const size_t by_work = std::max<size_t>(1, items / min_items_per_thread);
  return std::max<size_t>(1, std::min({requested, by_work, kMaxThreads}));
}

// Writes src / |src| into dst (which may alias src). Returns false when the
// vector has no direction (zero, or non-finite components).
bool Normalise(const float* src, float* dst, size_t dim) {
  double sum = 0.0;
  for (size_t i = 0; i < dim; ++i) sum += static_cast<double>(src[i]) * src[i];
  if (!(sum > 0.0) || !std::isfinite(sum)) return false;
  const double inv = 1.0 / std::sqrt(sum);
  for (size_t i = 0; i < dim; ++i) dst[i] = static_cast<float>(src[i] * inv);
  return true;
}

inline float ClampDistance(float d) { return std::min(2.0f, std::max(0.0f, d)); }

// IEEE 754 binary16, round to nearest even (F16C where the CPU has it).
inline uint16_t FloatToHalf(float value) {
#if defined(__F16C__)
  return _cvtss_sh(value, _MM_FROUND_TO_NEAREST_INT);
#else
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  const uint32_t sign = (bits >> 16) & 0x8000u;
  const uint32_t magnitude = bits & 0x7FFFFFFFu;
  if (magnitude >= 0x7F800000u) {  // inf or NaN
    return static_cast<uint16_t>(sign | 0x7C00u | (magnitude > 0x7F800000u ? 0x200u : 0u));
  }
  if (magnitude >= 0x477FF000u) return static_cast<uint16_t>(sign | 0x7C00u);  // overflow
  if (magnitude < 0x38800000u) {  // subnormal half or zero
    if (magnitude < 0x33000000u) return static_cast<uint16_t>(sign);
    const uint32_t exponent = magnitude >> 23;
    const uint32_t mantissa = (magnitude & 0x7FFFFFu) | 0x800000u;
    const uint32_t shift = 126 - exponent;
    uint32_t half = mantissa >> shift;
    const uint32_t rest = mantissa & ((1u << shift) - 1);
    const uint32_t midway = 1u << (shift - 1);
    if (rest > midway || (rest == midway && (half & 1u))) ++half;
    return static_cast<uint16_t>(sign | half);
  }
  uint32_t half = ((magnitude - 0x38000000u) >> 13);
  const uint32_t rest = magnitude & 0x1FFFu;
  if (rest > 0x1000u || (rest == 0x1000u && (half & 1u))) ++half;
  return static_cast<uint16_t>(sign | half);
#endif
}

inline float HalfToFloat(uint16_t half) {
#if defined(__F16C__)
  return _cvtsh_ss(half);
#else
  const uint32_t sign = static_cast<uint32_t>(half & 0x8000u) << 16;
  const uint32_t exponent = (half >> 10) & 0x1Fu;
  uint32_t mantissa = half & 0x3FFu;
  uint32_t bits;
  if (exponent == 0) {
    if (mantissa == 0) {
      bits = sign;
    } else {  // subnormal: normalise
      int e = -1;
      do {
        ++e;
        mantissa <<= 1;
      } while ((mantissa & 0x400u) == 0);
      bits = sign | (static_cast<uint32_t>(112 - e) << 23) | ((mantissa & 0x3FFu) << 13);
    }
  } else if (exponent == 0x1F) {
    bits = sign | 0x7F800000u | (mantissa << 13);
  } else {
    bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
  }
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
#endif
}

// 1 - <a, b> over float16 vectors (dimension at *param).
#pragma GCC diagnostic push
// GCC 12 false positive inside _mm512_reduce_add_ps (as in hnswlib).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
float HalfInnerProductDistance(const void* a, const void* b, const void* param) {
  const size_t dim = *static_cast<const size_t*>(param);
  const uint16_t* x = static_cast<const uint16_t*>(a);
  const uint16_t* y = static_cast<const uint16_t*>(b);
  size_t i = 0;
  float dot = 0.0f;
#if defined(__AVX512F__)
  __m512 sum = _mm512_setzero_ps();
  for (; i + 16 <= dim; i += 16) {
    const __m512 vx = _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + i)));
    const __m512 vy = _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(y + i)));
    sum = _mm512_fmadd_ps(vx, vy, sum);
  }
  dot = _mm512_reduce_add_ps(sum);
#elif defined(__F16C__) && defined(__FMA__)
  __m256 sum = _mm256_setzero_ps();
  for (; i + 8 <= dim; i += 8) {
    const __m256 vx = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i)));
    const __m256 vy = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(y + i)));
    sum = _mm256_fmadd_ps(vx, vy, sum);
  }
  __m128 low = _mm_add_ps(_mm256_castps256_ps128(sum), _mm256_extractf128_ps(sum, 1));
  low = _mm_add_ps(low, _mm_movehl_ps(low, low));
  low = _mm_add_ss(low, _mm_shuffle_ps(low, low, 1));
  dot = _mm_cvtss_f32(low);
#endif
  for (; i < dim; ++i) dot += HalfToFloat(x[i]) * HalfToFloat(y[i]);
  return 1.0f - dot;
}
#pragma GCC diagnostic pop

// Inner-product distance over vectors stored as float16 (half the bytes of
// hnswlib's InnerProductSpace, so half the memory read per distance).
class HalfInnerProductSpace : public hnswlib::SpaceInterface<float> {
 public:
  explicit HalfInnerProductSpace(size_t dim) : dim_(dim) {}
  size_t get_data_size() override { return dim_ * sizeof(uint16_t); }
  hnswlib::DISTFUNC<float> get_dist_func() override { return &HalfInnerProductDistance; }
  void* get_dist_func_param() override { return &dim_; }

 private:
  size_t dim_;
};

struct Hit {
  float distance;
  uint32_t label;
};

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
// in every range. The columns belong to JS, which may write to them while a
// search runs: values are read with relaxed atomic loads, and the caller
// re-checks every hit.
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

struct Candidate {
  tableint slot;
  uint32_t label;
};

struct Stats {
  size_t live;
  size_t slots;
  size_t deleted;
  size_t capacity;
};

class IndexCore {
 public:
  IndexCore(size_t dim, bool half)
      : dim_(dim),
        half_(half),
        space_(half ? std::unique_ptr<hnswlib::SpaceInterface<float>>(
                          std::make_unique<HalfInnerProductSpace>(dim))
                    : std::make_unique<hnswlib::InnerProductSpace>(dim)) {}

  size_t dim() const { return dim_; }

  // The stored form of a normalised vector: the vector itself (float32), or
  // its float16 rounding written into `scratch`.
  const void* Encode(const float* normalised, std::vector<uint16_t>& scratch) const {
    if (!half_) return normalised;
    scratch.resize(dim_);
    for (size_t i = 0; i < dim_; ++i) scratch[i] = FloatToHalf(normalised[i]);
    return scratch.data();
  }

  void Create(size_t m, size_t ef_construction, size_t capacity, size_t seed) {
    hnsw_ = std::make_unique<Hnsw>(space_.get(), std::max<size_t>(1, capacity), m, ef_construction,
                                   seed, /*allow_replace_deleted=*/false);
    InitBookkeeping();
  }

  void Load(const std::string& path, size_t capacity, size_t seed) {
    std::unique_ptr<Hnsw> loaded;
    try {
      loaded = std::make_unique<Hnsw>(space_.get(), path, false, capacity, false);
    } catch (const std::exception& e) {
      throw std::runtime_error("cannot load HNSW index from '" + path + "': " + e.what());
    }
    const Hnsw& h = *loaded;
    const bool consistent = h.offsetLevel0_ == 0 && h.offsetData_ == h.size_links_level0_ &&
                            h.label_offset_ >= h.offsetData_ &&
                            h.size_data_per_element_ == h.label_offset_ + sizeof(labeltype);
    if (!consistent) {
      throw std::runtime_error("cannot load HNSW index from '" + path +
                               "': unsupported or corrupted layout");
    }
    const size_t element_bytes = dim_ * (half_ ? sizeof(uint16_t) : sizeof(float));
    if (h.label_offset_ - h.offsetData_ != element_bytes) {
      throw InvalidInput("HNSW index at '" + path + "' holds vectors of " +
                         std::to_string(h.label_offset_ - h.offsetData_) + " bytes, expected " +
                         std::to_string(element_bytes) + " (dimension " + std::to_string(dim_) +
                         (half_ ? ", float16)" : ", float32)"));
    }
    loaded->level_generator_.seed(seed);
    loaded->update_probability_generator_.seed(seed + 1);
    hnsw_ = std::move(loaded);
    InitBookkeeping();
  }

  // Insert or replace one (already normalised) vector. See the semantics
  // summary in PlanInsert.
  void Upsert(uint32_t label, const float* normalised) {
    std::vector<uint16_t> scratch;
    const void* vec = Encode(normalised, scratch);
    std::shared_lock<FairSharedMutex> mutation(mutation_mu_);
    for (;;) {
      std::shared_lock<FairSharedMutex> layout(layout_mu_);
      std::unique_lock<std::mutex> label_lock(hnsw_->getLabelOpMutex(label));
      const Plan plan = PlanInsert(label);
      switch (plan.kind) {
        case PlanKind::kGrow:
          label_lock.unlock();
          layout.unlock();
          Grow();
          continue;
        case PlanKind::kUpdate:
          hnsw_->updatePoint(vec, plan.slot, 1.0f);
          return;
        case PlanKind::kRevive:
        case PlanKind::kReuse:
          // The slot is still marked deleted here, so neither searches nor
          // getVector report it while its vector and label are rewritten.
          std::memcpy(hnsw_->getDataByInternalId(plan.slot), vec, hnsw_->data_size_);
          hnsw_->setExternalLabel(plan.slot, label);
          std::atomic_thread_fence(std::memory_order_release);  // publish before unmarking
          hnsw_->unmarkDeletedInternal(plan.slot);
          live_.fetch_add(1, std::memory_order_relaxed);
          hnsw_->updatePoint(vec, plan.slot, 1.0f);
          return;
        case PlanKind::kNew: {
          // The 3-argument overload skips hnswlib's own label lock (we hold it).
          const tableint slot = hnsw_->addPoint(vec, static_cast<labeltype>(label), -1);
          ready_[slot].store(1, std::memory_order_release);
          live_.fetch_add(1, std::memory_order_relaxed);
          return;
        }
      }
    }
  }

  void Remove(const uint32_t* labels, size_t n) {
    std::shared_lock<FairSharedMutex> layout(layout_mu_);
    for (size_t i = 0; i < n; ++i) {
      const uint32_t label = labels[i];
      std::lock_guard<std::mutex> label_lock(hnsw_->getLabelOpMutex(label));
      tableint slot;
      if (!FindSlot(label, &slot)) continue;
      if (!IsReady(slot) || hnsw_->isMarkedDeleted(slot)) continue;
      hnsw_->markDeletedInternal(slot);
      live_.fetch_sub(1, std::memory_order_relaxed);
      std::lock_guard<std::mutex> slots(slots_mu_);
      free_slots_.insert(slot);
    }
  }

  bool GetVector(uint32_t label, float* out) const {
    std::shared_lock<FairSharedMutex> layout(layout_mu_);
    std::lock_guard<std::mutex> label_lock(hnsw_->getLabelOpMutex(label));
    tableint slot;
    if (!FindSlot(label, &slot) || !IsReady(slot) || hnsw_->isMarkedDeleted(slot)) return false;
    const char* stored = hnsw_->getDataByInternalId(slot);
    if (half_) {
      const uint16_t* halves = reinterpret_cast<const uint16_t*>(stored);
      for (size_t i = 0; i < dim_; ++i) out[i] = HalfToFloat(halves[i]);
    } else {
      std::memcpy(out, stored, hnsw_->data_size_);
    }
    return true;
  }

  // Approximate KNN with a per-call ef: the greedy descent of hnswlib's
  // searchKnn followed by our SearchBaseLayer with our ef (hnswlib's shared ef_
  // is unused). Returns the distances computed, entry point and descent
  // included.
  // `query` is in the stored form (see Encode).
  size_t Knn(const void* query, size_t k, size_t ef, const LabelFilter* filter,
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
          const float d =
              h.fstdistfunc_(query, h.getDataByInternalId(candidate), h.dist_func_param_);
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

  // Maps candidate labels to slots (deduplicated by slot). Unknown labels are
  // dropped; removed ones are skipped at query time.
  std::vector<Candidate> ResolveCandidates(const std::vector<uint32_t>& labels) const {
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

  static constexpr size_t kExactPrefetchAhead = 2;

  // Hints the cache to load a whole element of level 0 (links, vector, label).
  static void PrefetchElement(const Hnsw& h, tableint slot) {
#ifdef USE_SSE
    const char* start = h.data_level0_memory_ + slot * h.size_data_per_element_;
    for (size_t offset = 0; offset < h.size_data_per_element_; offset += 64) {
      _mm_prefetch(start + offset, _MM_HINT_T0);
    }
#else
    (void)h;
    (void)slot;
#endif
  }

  static constexpr size_t kWalkPrefetchAhead = 2;

  // Hints the cache to load every line of an element's vector.
  static void PrefetchVector(const Hnsw& h, tableint slot) {
#ifdef USE_SSE
    const auto start = reinterpret_cast<uintptr_t>(h.getDataByInternalId(slot));
    const uintptr_t end = start + h.data_size_;
    for (uintptr_t line = start & ~uintptr_t{63}; line < end; line += 64) {
      _mm_prefetch(reinterpret_cast<const char*>(line), _MM_HINT_T0);
    }
#else
    (void)h;
    (void)slot;
#endif
  }

  // Exact KNN with the space's SIMD distance over the vectors stored in the
  // graph; candidates == nullptr scans every live slot. Returns the distances
  // computed: one per live candidate.
  // `query` is in the stored form (see Encode).
  size_t Exact(const void* query, size_t k, const std::vector<Candidate>* candidates,
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

  void Save(const std::string& path) {
    std::unique_lock<FairSharedMutex> mutation(mutation_mu_);
    std::shared_lock<FairSharedMutex> layout(layout_mu_);
    const std::string tmp = path + ".tmp";
    hnsw_->saveIndex(tmp);  // does not report I/O errors itself
    std::error_code ec;
    const auto written = std::filesystem::file_size(tmp, ec);
    if (ec || written != hnsw_->indexFileSize()) {
      std::remove(tmp.c_str());
      throw std::runtime_error("cannot write HNSW index to '" + path + "'" +
                               (ec ? ": " + ec.message() : std::string()));
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
      const std::string reason = std::strerror(errno);
      std::remove(tmp.c_str());
      throw std::runtime_error("cannot write HNSW index to '" + path + "': " + reason);
    }
  }

  size_t Live() const { return live_.load(std::memory_order_relaxed); }

  Stats GetStats() const {
    return Stats{live_.load(std::memory_order_relaxed), hnsw_->cur_element_count.load(),
                 hnsw_->num_deleted_.load(), capacity_.load(std::memory_order_relaxed)};
  }

 private:
  using Queue = std::priority_queue<std::pair<float, tableint>,
                                    std::vector<std::pair<float, tableint>>, Hnsw::CompareByFirst>;

  // hnswlib's searchBaseLayerST (without a stop condition), step for step, so
  // it returns the same elements, plus a count of the distances it computes.
  // entry_dist is the entry point's distance, known from the descent. kBare
  // (no filter, no removed element) admits every element visited, as
  // hnswlib's bare_bone_search; otherwise an element joins the result only if
  // it is not removed and passes the filter, but is explored either way.
  template <bool kBare>
  Queue SearchBaseLayer(const Hnsw& h, tableint entry, float entry_dist, const void* query,
                        size_t ef, const LabelFilter* filter, size_t* computations) const {
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
      const bool stop = kBare ? nearest_dist > lower_bound
                              : nearest_dist > lower_bound && top.size() == ef;
      if (stop) break;
      candidates.pop();

      hnswlib::linklistsizeint* list = h.get_linklist0(nearest.second);
      const size_t size = h.getListCount(list);
      const tableint* links = reinterpret_cast<const tableint*>(list + 1);
      // Two passes: the unvisited neighbours first, then their distances, with the whole vector
      // of the neighbour kWalkPrefetchAhead places on requested while one is scored. Vectors are
      // scattered and each spans many cache lines: hnswlib's one-line hint left the walk
      // waiting on memory (about 20% slower at 100k x 256).
      fresh.clear();
      for (size_t j = 0; j < size; ++j) {
        const tableint id = links[j];
        if (visited[id] == tag) continue;
        visited[id] = tag;
        if (fresh.size() < kWalkPrefetchAhead) PrefetchVector(h, id);
        fresh.push_back(id);
      }
      for (size_t i = 0; i < fresh.size(); ++i) {
        if (i + kWalkPrefetchAhead < fresh.size()) PrefetchVector(h, fresh[i + kWalkPrefetchAhead]);
        const tableint id = fresh[i];
        const float dist = h.fstdistfunc_(query, h.getDataByInternalId(id), h.dist_func_param_);
        ++count;
        if (!(top.size() < ef || lower_bound > dist)) continue;
        candidates.emplace(-dist, id);
#ifdef USE_SSE
        _mm_prefetch(h.data_level0_memory_ + candidates.top().second * h.size_data_per_element_ +
                         h.offsetLevel0_,
                     _MM_HINT_T0);
#endif
        if (admits(id)) top.emplace(dist, id);
        while (top.size() > ef) top.pop();
        if (!top.empty()) lower_bound = top.top().first;
      }
    }
    *computations += count;
    return top;
  }

  enum class PlanKind { kUpdate, kRevive, kReuse, kNew, kGrow };
  struct Plan {
    PlanKind kind;
    tableint slot;
  };

  // Semantics (decided atomically under slots_mu_ + hnswlib's lookup lock):
  //  - live label            -> kUpdate: vector replaced in place (updatePoint).
  //  - removed label whose slot is still its own -> kRevive: same slot is
  //    unmarked and rewired to the new vector.
  //  - unknown label, a removed slot is free -> kReuse: the slot is taken from
  //    its old label (which disappears from the lookup table) and rewired.
  //  - otherwise             -> kNew: a fresh slot (kGrow first when full).
  // hnswlib's own replace_deleted mode is not used: with it, addPoint throws
  // for a removed label, and re-adding a removed label into another vacant
  // slot leaves its old slot carrying the same label, whose later reuse
  // erases the live label from the lookup table.
  Plan PlanInsert(uint32_t label) {
    std::lock_guard<std::mutex> slots(slots_mu_);
    std::lock_guard<std::mutex> lookup(hnsw_->label_lookup_lock);
    auto& table = hnsw_->label_lookup_;
    const auto it = table.find(label);
    if (it != table.end()) {
      const tableint slot = it->second;
      if (!IsReady(slot)) throw std::runtime_error("label is being inserted concurrently");
      if (!hnsw_->isMarkedDeleted(slot)) return Plan{PlanKind::kUpdate, slot};
      free_slots_.erase(slot);
      return Plan{PlanKind::kRevive, slot};
    }
    if (!free_slots_.empty()) {
      const tableint slot = *free_slots_.begin();
      free_slots_.erase(free_slots_.begin());
      const labeltype previous = hnsw_->getExternalLabel(slot);
      const auto prev_it = table.find(previous);
      if (prev_it != table.end() && prev_it->second == slot) table.erase(prev_it);
      table[label] = slot;
      return Plan{PlanKind::kReuse, slot};
    }
    if (slots_reserved_ >= hnsw_->max_elements_) return Plan{PlanKind::kGrow, 0};
    ++slots_reserved_;
    return Plan{PlanKind::kNew, 0};
  }

  void Grow() {
    std::unique_lock<FairSharedMutex> layout(layout_mu_);
    std::lock_guard<std::mutex> slots(slots_mu_);
    const size_t capacity = hnsw_->max_elements_;
    if (slots_reserved_ < capacity) return;  // another thread already grew it
    if (capacity >= kMaxCapacity) throw std::runtime_error("HNSW index is full");
    const size_t grown =
        std::min(kMaxCapacity, capacity + std::max<size_t>(capacity / 2, kMinGrowth));
    std::unique_ptr<std::atomic<uint8_t>[]> ready(new std::atomic<uint8_t>[grown]());
    for (size_t i = 0; i < capacity; ++i) {
      ready[i].store(ready_[i].load(std::memory_order_relaxed), std::memory_order_relaxed);
    }
    hnsw_->resizeIndex(grown);
    ready_.swap(ready);
    capacity_.store(grown, std::memory_order_relaxed);
  }

  void InitBookkeeping() {
    const size_t capacity = hnsw_->max_elements_;
    const size_t count = hnsw_->cur_element_count;
    ready_.reset(new std::atomic<uint8_t>[capacity]());
    free_slots_.clear();
    for (size_t i = 0; i < count; ++i) {
      ready_[i].store(1, std::memory_order_relaxed);
      if (hnsw_->isMarkedDeleted(static_cast<tableint>(i))) {
        free_slots_.insert(static_cast<tableint>(i));
      }
    }
    slots_reserved_ = count;
    live_.store(count - free_slots_.size());
    capacity_.store(capacity);
  }

  bool FindSlot(uint32_t label, tableint* slot) const {
    std::lock_guard<std::mutex> lookup(hnsw_->label_lookup_lock);
    const auto it = hnsw_->label_lookup_.find(label);
    if (it == hnsw_->label_lookup_.end()) return false;
    *slot = it->second;
    return true;
  }

  // A slot is ready once hnswlib finished initialising it; before that its
  // memory (delete mark included) is garbage.
  bool IsReady(tableint slot) const { return ready_[slot].load(std::memory_order_acquire) != 0; }

  const size_t dim_;
  const bool half_;
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
};

using CorePtr = std::shared_ptr<IndexCore>;

// ---------------------------------------------------------------------------
// Argument helpers

[[noreturn]] void ThrowType(Napi::Env env, const std::string& message) {
  throw Napi::TypeError::New(env, message);
}

template <typename T>
Napi::TypedArrayOf<T> TypedArg(const Napi::CallbackInfo& info, size_t i, napi_typedarray_type type,
                               const char* name, const char* type_name) {
  const Napi::Value v = info[i];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != type) {
    ThrowType(info.Env(), std::string(name) + " must be a " + type_name);
  }
  return v.As<Napi::TypedArrayOf<T>>();
}

bool IsNullish(const Napi::Value& v) { return v.IsNull() || v.IsUndefined(); }

bool BoolArg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  const Napi::Value v = info[i];
  if (!v.IsBoolean()) ThrowType(info.Env(), std::string(name) + " must be a boolean");
  return v.As<Napi::Boolean>().Value();
}

uint64_t UintArg(const Napi::CallbackInfo& info, size_t i, const char* name, uint64_t min,
                 uint64_t max) {
  const Napi::Value v = info[i];
  if (!v.IsNumber()) ThrowType(info.Env(), std::string(name) + " must be a number");
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= static_cast<double>(min) && d <= static_cast<double>(max)) || std::floor(d) != d) {
    ThrowType(info.Env(), std::string(name) + " must be an integer in [" + std::to_string(min) +
                              ", " + std::to_string(max) + "]");
  }
  return static_cast<uint64_t>(d);
}

template <typename T>
std::vector<T> CopyOf(const Napi::TypedArrayOf<T>& a) {
  return std::vector<T>(a.Data(), a.Data() + a.ElementLength());
}

// ---------------------------------------------------------------------------
// Promise-based async workers

class PromiseWorker : public Napi::AsyncWorker {
 public:
  PromiseWorker(Napi::Env env, const char* name)
      : Napi::AsyncWorker(env, name), deferred_(Napi::Promise::Deferred::New(env)) {}

  Napi::Promise Start() {
    Napi::Promise promise = deferred_.Promise();
    Queue();
    return promise;
  }

  // Does the work on the calling (JS) thread and returns its result, throwing what the promise
  // would reject with: for work smaller than a hand-off to the thread pool and back.
  Napi::Value RunNow() {
    Napi::Env env = Env();
    try {
      Run();
    } catch (const InvalidInput& e) {
      throw Napi::TypeError::New(env, e.what());
    } catch (const std::bad_alloc&) {
      throw Napi::Error::New(env, "out of memory");
    } catch (const std::exception& e) {
      throw Napi::Error::New(env, e.what());
    }
    return Result(env);
  }

 protected:
  virtual void Run() = 0;
  virtual Napi::Value Result(Napi::Env env) { return env.Undefined(); }

  void Execute() final {
    try {
      Run();
    } catch (const InvalidInput& e) {
      invalid_input_ = true;
      SetError(e.what());
    } catch (const std::bad_alloc&) {
      SetError("out of memory");
    } catch (const std::exception& e) {
      SetError(e.what());
    } catch (...) {
      SetError("unknown native error");
    }
  }

  void OnOK() final {
    Napi::Env env = Env();
    try {
      deferred_.Resolve(Result(env));
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    } catch (const std::exception& e) {
      deferred_.Reject(Napi::Error::New(env, e.what()).Value());
    }
  }

  void OnError(const Napi::Error& e) final {
    if (invalid_input_) {
      deferred_.Reject(Napi::TypeError::New(Env(), e.Message()).Value());
    } else {
      deferred_.Reject(e.Value());
    }
  }

 private:
  Napi::Promise::Deferred deferred_;
  bool invalid_input_ = false;
};

class AddWorker : public PromiseWorker {
 public:
  AddWorker(Napi::Env env, CorePtr core, std::vector<uint32_t> labels, std::vector<float> vectors,
            size_t threads)
      : PromiseWorker(env, "mnemo_hnsw.add"),
        core_(std::move(core)),
        labels_(std::move(labels)),
        vectors_(std::move(vectors)),
        threads_(threads) {}

 protected:
  void Run() override {
    const size_t dim = core_->dim();
    const size_t n = labels_.size();
    // Validate and normalise everything before touching the index, so a bad
    // row rejects the whole batch.
    ParallelFor(n, ThreadsFor(n, threads_, 256), [&](size_t i) {
      float* row = vectors_.data() + i * dim;
      if (!Normalise(row, row, dim)) {
        throw InvalidInput("vector " + std::to_string(i) + " (label " +
                           std::to_string(labels_[i]) +
                           ") has zero norm or non-finite components and cannot be normalised");
      }
    });
    // A label repeated within the batch: the last occurrence wins.
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return labels_[a] < labels_[b]; });
    std::vector<size_t> keep;
    keep.reserve(n);
    for (size_t j = 0; j < n; ++j) {
      if (j + 1 == n || labels_[order[j + 1]] != labels_[order[j]]) keep.push_back(order[j]);
    }
    std::sort(keep.begin(), keep.end());  // insert in caller order
    ParallelFor(keep.size(), ThreadsFor(keep.size(), threads_, 2), [&](size_t j) {
      const size_t i = keep[j];
      core_->Upsert(labels_[i], vectors_.data() + i * dim);
    });
  }

 private:
  CorePtr core_;
  std::vector<uint32_t> labels_;
  std::vector<float> vectors_;
  size_t threads_;
};

class SearchWorkerBase : public PromiseWorker {
 public:
  SearchWorkerBase(Napi::Env env, const char* name, CorePtr core, std::vector<float> queries,
                   size_t threads)
      : PromiseWorker(env, name),
        core_(std::move(core)),
        queries_(std::move(queries)),
        threads_(threads) {}

 protected:
  size_t QueryCount() const { return queries_.size() / core_->dim(); }

  // Normalises query i in place (rejecting zero vectors) and returns it.
  const float* PrepareQuery(size_t i) {
    const size_t dim = core_->dim();
    float* row = queries_.data() + i * dim;
    if (!Normalise(row, row, dim)) {
      throw InvalidInput("query " + std::to_string(i) +
                         " has zero norm or non-finite components and cannot be normalised");
    }
    return row;
  }

  // { labels, distances, offsets }: query q's hits are [offsets[q], offsets[q + 1]);
  // computations[q]: the distances computed for query q.
  Napi::Value Result(Napi::Env env) override {
    const size_t nq = results_.size();
    size_t total = 0;
    for (const auto& r : results_) total += r.size();
    Napi::Uint32Array labels = Napi::Uint32Array::New(env, total);
    Napi::Float32Array distances = Napi::Float32Array::New(env, total);
    Napi::Uint32Array offsets = Napi::Uint32Array::New(env, nq + 1);
    Napi::Float64Array computations = Napi::Float64Array::New(env, nq);
    size_t pos = 0;
    for (size_t q = 0; q < nq; ++q) {
      offsets[q] = static_cast<uint32_t>(pos);
      computations[q] = static_cast<double>(computations_[q]);
      for (const Hit& hit : results_[q]) {
        labels[pos] = hit.label;
        distances[pos] = hit.distance;
        ++pos;
      }
    }
    offsets[nq] = static_cast<uint32_t>(pos);
    Napi::Object out = Napi::Object::New(env);
    out.Set("labels", labels);
    out.Set("distances", distances);
    out.Set("offsets", offsets);
    out.Set("computations", computations);
    return out;
  }

  CorePtr core_;
  std::vector<float> queries_;
  size_t threads_;
  std::vector<std::vector<Hit>> results_;
  std::vector<size_t> computations_;  // distances computed per query
};

// Which labels one or more queries of a search may return.
struct FilterSpec {
  bool has_bitmap = false;
  std::vector<uint32_t> bitmap;
  std::vector<RangeBound> ranges;
};

class SearchWorker : public SearchWorkerBase {
 public:
  // Query q returns ks[q] hits with a beam of efs[q], filtered by filters[filter_of[q] - 1]
  // (0: unfiltered).
  SearchWorker(Napi::Env env, CorePtr core, std::vector<float> queries, std::vector<uint32_t> ks,
               std::vector<uint32_t> efs, std::vector<FilterSpec> filters,
               std::vector<uint32_t> filter_of, std::vector<Napi::ObjectReference> columns,
               size_t threads)
      : SearchWorkerBase(env, "mnemo_hnsw.search", std::move(core), std::move(queries), threads),
        ks_(std::move(ks)),
        efs_(std::move(efs)),
        filters_(std::move(filters)),
        filter_of_(std::move(filter_of)),
        columns_(std::move(columns)) {}

 protected:
  void Run() override {
    const size_t nq = QueryCount();
    results_.assign(nq, {});
    computations_.assign(nq, 0);
    std::vector<LabelFilter> allowed;
    std::vector<bool> nothing;  // a bitmap allowing no label at all
    allowed.reserve(filters_.size());
    for (const FilterSpec& f : filters_) {
      allowed.emplace_back(f.has_bitmap ? &f.bitmap : nullptr, f.ranges);
      nothing.push_back(f.has_bitmap && std::all_of(f.bitmap.begin(), f.bitmap.end(),
                                                    [](uint32_t w) { return w == 0; }));
    }
    ParallelFor(nq, ThreadsFor(nq, threads_, 2), [&](size_t q) {
      std::vector<uint16_t> scratch;
      const void* query = core_->Encode(PrepareQuery(q), scratch);  // validates every query
      const size_t f = filter_of_[q];
      if (f > 0 && nothing[f - 1]) return;
      const FilterSpec* spec = f > 0 ? &filters_[f - 1] : nullptr;
      const bool filtered = spec != nullptr && (spec->has_bitmap || !spec->ranges.empty());
      computations_[q] =
          core_->Knn(query, ks_[q], efs_[q], filtered ? &allowed[f - 1] : nullptr, results_[q]);
    });
  }

 private:
  std::vector<uint32_t> ks_;
  std::vector<uint32_t> efs_;
  std::vector<FilterSpec> filters_;
  std::vector<uint32_t> filter_of_;
  // Keep the range columns alive until the search is done (released on the JS thread).
  std::vector<Napi::ObjectReference> columns_;
};

class ExactWorker : public SearchWorkerBase {
 public:
  ExactWorker(Napi::Env env, CorePtr core, std::vector<float> queries, size_t k,
              bool has_candidates, std::vector<uint32_t> candidates, size_t threads)
      : SearchWorkerBase(env, "mnemo_hnsw.searchExact", std::move(core), std::move(queries),
                         threads),
        k_(k),
        has_candidates_(has_candidates),
        candidate_labels_(std::move(candidates)) {}

 protected:
  void Run() override {
    const size_t nq = QueryCount();
    results_.assign(nq, {});
    computations_.assign(nq, 0);
    std::vector<Candidate> resolved;
    if (has_candidates_) resolved = core_->ResolveCandidates(candidate_labels_);
    const std::vector<Candidate>* candidates = has_candidates_ ? &resolved : nullptr;
    ParallelFor(nq, ThreadsFor(nq, threads_, 1), [&](size_t q) {
      std::vector<uint16_t> scratch;
      const void* query = core_->Encode(PrepareQuery(q), scratch);
      computations_[q] = core_->Exact(query, k_, candidates, results_[q]);
    });
  }

 private:
  size_t k_;
  bool has_candidates_;
  std::vector<uint32_t> candidate_labels_;
};

class SaveWorker : public PromiseWorker {
 public:
  SaveWorker(Napi::Env env, CorePtr core, std::string path)
      : PromiseWorker(env, "mnemo_hnsw.save"), core_(std::move(core)), path_(std::move(path)) {}

 protected:
  void Run() override { core_->Save(path_); }

 private:
  CorePtr core_;
  std::string path_;
};

// ---------------------------------------------------------------------------
// JS class

struct AddonData {
  Napi::FunctionReference index_ctor;
};

class HnswIndexWrap : public Napi::ObjectWrap<HnswIndexWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "HnswIndex",
                       {
                           InstanceAccessor<&HnswIndexWrap::Dim>("dim"),
                           InstanceAccessor<&HnswIndexWrap::Size>("size"),
                           InstanceMethod<&HnswIndexWrap::Add>("add"),
                           InstanceMethod<&HnswIndexWrap::Remove>("remove"),
                           InstanceMethod<&HnswIndexWrap::SearchEach>("searchEach"),
                           InstanceMethod<&HnswIndexWrap::SearchExact>("searchExact"),
                           InstanceMethod<&HnswIndexWrap::SearchExactNow>("searchExactNow"),
                           InstanceMethod<&HnswIndexWrap::GetVector>("getVector"),
                           InstanceMethod<&HnswIndexWrap::Save>("save"),
                           InstanceMethod<&HnswIndexWrap::GetStats>("stats"),
                       });
  }

  // new HnswIndex(dim, m, efConstruction, capacity, seed, half)
  // new HnswIndex(External<CorePtr>)   (internal, used by load)
  explicit HnswIndexWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<HnswIndexWrap>(info) {
    if (info.Length() == 1 && info[0].IsExternal()) {
      core_ = *info[0].As<Napi::External<CorePtr>>().Data();
      return;
    }
    const size_t dim = UintArg(info, 0, "dim", 1, 65536);
    const size_t m = UintArg(info, 1, "m", 2, 2048);
    const size_t ef_construction = UintArg(info, 2, "efConstruction", 1, 1u << 20);
    const size_t capacity = UintArg(info, 3, "initialCapacity", 0, kMaxCapacity);
    const size_t seed = UintArg(info, 4, "seed", 0, 0xFFFFFFFFu);
    auto core = std::make_shared<IndexCore>(dim, BoolArg(info, 5, "half"));
    core->Create(m, ef_construction, capacity, seed);
    core_ = std::move(core);
  }

  static Napi::Value Load(const Napi::CallbackInfo& info);

 private:
  class LoadWorker;

  size_t Threads(const Napi::CallbackInfo& info, size_t i) {
    return static_cast<size_t>(UintArg(info, i, "threads", 1, kMaxThreads));
  }

  Napi::Value Dim(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(core_->dim()));
  }

  Napi::Value Size(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(core_->Live()));
  }

  // add(labels: Uint32Array, vectors: Float32Array, threads): Promise<void>
  Napi::Value Add(const Napi::CallbackInfo& info) {
    auto labels = TypedArg<uint32_t>(info, 0, napi_uint32_array, "labels", "Uint32Array");
    auto vectors = TypedArg<float>(info, 1, napi_float32_array, "vectors", "Float32Array");
    const size_t threads = Threads(info, 2);
    if (vectors.ElementLength() != labels.ElementLength() * core_->dim()) {
      ThrowType(info.Env(), "vectors.length must equal labels.length * dim");
    }
    auto* worker =
        new AddWorker(info.Env(), core_, CopyOf(labels), CopyOf(vectors), threads);
    return worker->Start();
  }

  // remove(labels: Uint32Array): void
  Napi::Value Remove(const Napi::CallbackInfo& info) {
    auto labels = TypedArg<uint32_t>(info, 0, napi_uint32_array, "labels", "Uint32Array");
    core_->Remove(labels.Data(), labels.ElementLength());
    return info.Env().Undefined();
  }

  std::vector<float> Queries(const Napi::CallbackInfo& info) {
    auto queries = TypedArg<float>(info, 0, napi_float32_array, "queries", "Float32Array");
    if (queries.ElementLength() % core_->dim() != 0) {
      ThrowType(info.Env(), "queries.length must be a multiple of dim");
    }
    return CopyOf(queries);
  }

  // A filter's bitmap (nullish: none) and ranges ({column: Float64Array, low, high, lowOpen,
  // highOpen}[], nullish: none), read into spec; the columns are kept alive in columns.
  static void ParseFilter(Napi::Env env, const Napi::Value& bitmap, const Napi::Value& ranges,
                          FilterSpec& spec, std::vector<Napi::ObjectReference>& columns) {
    spec.has_bitmap = !IsNullish(bitmap);
    if (spec.has_bitmap) {
      if (!bitmap.IsTypedArray() ||
          bitmap.As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array) {
        ThrowType(env, "filter must be a Uint32Array");
      }
      spec.bitmap = CopyOf(bitmap.As<Napi::Uint32Array>());
    }
    if (IsNullish(ranges)) return;
    if (!ranges.IsArray()) ThrowType(env, "ranges must be an array or null");
    const Napi::Array list = ranges.As<Napi::Array>();
    for (uint32_t i = 0; i < list.Length(); ++i) {
      const Napi::Value item = list.Get(i);
      if (!item.IsObject()) ThrowType(env, "ranges[] must be objects");
      const Napi::Object range = item.As<Napi::Object>();
      const Napi::Value column = range.Get("column");
      if (!column.IsTypedArray() ||
          column.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
        ThrowType(env, "ranges[].column must be a Float64Array");
      }
      const Napi::Value low = range.Get("low");
      const Napi::Value high = range.Get("high");
      if (!low.IsNumber() || !high.IsNumber()) {
        ThrowType(env, "ranges[].low and ranges[].high must be numbers");
      }
      const auto values = column.As<Napi::Float64Array>();
      spec.ranges.push_back({values.Data(), values.ElementLength(),
                             low.As<Napi::Number>().DoubleValue(),
                             high.As<Napi::Number>().DoubleValue(),
                             range.Get("lowOpen").ToBoolean().Value(),
                             range.Get("highOpen").ToBoolean().Value()});
      columns.push_back(Napi::Persistent(column.As<Napi::Object>()));
    }
  }

  // searchEach(queries, ks: Uint32Array, efs: Uint32Array,
  //            filters: {bitmap: Uint32Array | null, ranges: [...] | null}[],
  //            filterOf: Uint32Array (query q uses filters[filterOf[q] - 1]; 0: none), threads)
  Napi::Value SearchEach(const Napi::CallbackInfo& info) {
    std::vector<float> queries = Queries(info);
    const size_t nq = queries.size() / core_->dim();
    std::vector<uint32_t> ks =
        CopyOf(TypedArg<uint32_t>(info, 1, napi_uint32_array, "ks", "Uint32Array"));
    std::vector<uint32_t> efs =
        CopyOf(TypedArg<uint32_t>(info, 2, napi_uint32_array, "efs", "Uint32Array"));
    if (!info[3].IsArray()) ThrowType(info.Env(), "filters must be an array");
    const Napi::Array list = info[3].As<Napi::Array>();
    std::vector<FilterSpec> filters(list.Length());
    std::vector<Napi::ObjectReference> columns;
    for (uint32_t i = 0; i < list.Length(); ++i) {
      const Napi::Value item = list.Get(i);
      if (!item.IsObject()) ThrowType(info.Env(), "filters[] must be objects");
      const Napi::Object filter = item.As<Napi::Object>();
      ParseFilter(info.Env(), filter.Get("bitmap"), filter.Get("ranges"), filters[i], columns);
    }
    std::vector<uint32_t> filter_of =
        CopyOf(TypedArg<uint32_t>(info, 4, napi_uint32_array, "filterOf", "Uint32Array"));
    if (ks.size() != nq || efs.size() != nq || filter_of.size() != nq) {
      ThrowType(info.Env(), "ks, efs and filterOf must have one entry per query");
    }
    for (size_t q = 0; q < nq; ++q) {
      if (ks[q] < 1) ThrowType(info.Env(), "ks[] must be at least 1");
      if (filter_of[q] > filters.size()) ThrowType(info.Env(), "filterOf[] must index filters");
    }
    const size_t threads = Threads(info, 5);
    auto* worker = new SearchWorker(info.Env(), core_, std::move(queries), std::move(ks),
                                    std::move(efs), std::move(filters), std::move(filter_of),
                                    std::move(columns), threads);
    return worker->Start();
  }

  // searchExact(queries, k, candidates: Uint32Array | null, threads)
  Napi::Value SearchExact(const Napi::CallbackInfo& info) {
    return ExactWorkerOf(info, Threads(info, 3))->Start();
  }

  // searchExactNow(queries, k, candidates): searchExact's result, computed on the JS thread.
  Napi::Value SearchExactNow(const Napi::CallbackInfo& info) {
    std::unique_ptr<ExactWorker> worker(ExactWorkerOf(info, 1));
    return worker->RunNow();
  }

  ExactWorker* ExactWorkerOf(const Napi::CallbackInfo& info, size_t threads) {
    std::vector<float> queries = Queries(info);
    const size_t k = UintArg(info, 1, "k", 1, 0xFFFFFFFFu);
    const bool has_candidates = !IsNullish(info[2]);
    std::vector<uint32_t> candidates;
    if (has_candidates) {
      candidates = CopyOf(
          TypedArg<uint32_t>(info, 2, napi_uint32_array, "candidates", "Uint32Array"));
    }
    return new ExactWorker(info.Env(), core_, std::move(queries), k, has_candidates,
                           std::move(candidates), threads);
  }

  // getVector(label): Float32Array | null
  Napi::Value GetVector(const Napi::CallbackInfo& info) {
    const uint32_t label = static_cast<uint32_t>(UintArg(info, 0, "label", 0, 0xFFFFFFFFu));
    std::vector<float> buffer(core_->dim());
    if (!core_->GetVector(label, buffer.data())) return info.Env().Null();
    Napi::Float32Array out = Napi::Float32Array::New(info.Env(), buffer.size());
    std::memcpy(out.Data(), buffer.data(), buffer.size() * sizeof(float));
    return out;
  }

  // save(path): Promise<void>
  Napi::Value Save(const Napi::CallbackInfo& info) {
    if (!info[0].IsString()) ThrowType(info.Env(), "path must be a string");
    auto* worker = new SaveWorker(info.Env(), core_, info[0].As<Napi::String>().Utf8Value());
    return worker->Start();
  }

  Napi::Value GetStats(const Napi::CallbackInfo& info) {
    const Stats s = core_->GetStats();
    Napi::Object out = Napi::Object::New(info.Env());
    out.Set("live", static_cast<double>(s.live));
    out.Set("slots", static_cast<double>(s.slots));
    out.Set("deleted", static_cast<double>(s.deleted));
    out.Set("capacity", static_cast<double>(s.capacity));
    return out;
  }

  CorePtr core_;
};

class HnswIndexWrap::LoadWorker : public PromiseWorker {
 public:
  LoadWorker(Napi::Env env, CorePtr core, std::string path, size_t capacity, size_t seed)
      : PromiseWorker(env, "mnemo_hnsw.load"),
        core_(std::move(core)),
        path_(std::move(path)),
        capacity_(capacity),
        seed_(seed) {}

 protected:
  void Run() override { core_->Load(path_, capacity_, seed_); }

  Napi::Value Result(Napi::Env env) override {
    CorePtr core = core_;
    auto external = Napi::External<CorePtr>::New(env, &core);
    return env.GetInstanceData<AddonData>()->index_ctor.New({external});
  }

 private:
  CorePtr core_;
  std::string path_;
  size_t capacity_;
  size_t seed_;
};

// load(path, dim, initialCapacity, seed, half): Promise<HnswIndex>
Napi::Value HnswIndexWrap::Load(const Napi::CallbackInfo& info) {
  if (!info[0].IsString()) ThrowType(info.Env(), "path must be a string");
  const std::string path = info[0].As<Napi::String>().Utf8Value();
  const size_t dim = UintArg(info, 1, "dim", 1, 65536);
  const size_t capacity = UintArg(info, 2, "initialCapacity", 0, kMaxCapacity);
  const size_t seed = UintArg(info, 3, "seed", 0, 0xFFFFFFFFu);
  // The space is built here, on the JS thread: its constructor writes
  // hnswlib's file-static SIMD function pointers.
  auto core = std::make_shared<IndexCore>(dim, BoolArg(info, 4, "half"));
  auto* worker = new LoadWorker(info.Env(), std::move(core), path, capacity, seed);
  return worker->Start();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  Napi::Function ctor = HnswIndexWrap::Define(env);
  auto* data = new AddonData();
  data->index_ctor = Napi::Persistent(ctor);
  env.SetInstanceData<AddonData>(data);
  exports.Set("HnswIndex", ctor);
  exports.Set("load", Napi::Function::New<HnswIndexWrap::Load>(env, "load"));
  return exports;
}

}  // namespace

NODE_API_MODULE(mnemo_hnsw, Init)
