// IndexCore: construction, inserts, removals, stored vectors and slot
// bookkeeping.

#include "core/index_core.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "core/huge_pages.h"
#include "core/inner_product_space.h"

namespace mnemo {
namespace {

constexpr size_t kMinGrowth = 1024;

}  // namespace

IndexCore::IndexCore(size_t dim, bool half)
    : dim_(dim),
      half_(half),
      kernels_(ActiveKernels()),
      space_(std::make_unique<InnerProductSpace>(dim, half)) {}

void IndexCore::Create(size_t m, size_t ef_construction, size_t capacity, size_t seed) {
  hnsw_ = std::make_unique<Hnsw>(space_.get(), std::max<size_t>(1, capacity), m, ef_construction,
                                 seed, /*allow_replace_deleted=*/false);
  huge_page_bytes_.store(MoveLevelZeroToHugePages(*hnsw_));
  InitBookkeeping();
}

void IndexCore::Upsert(uint32_t label, const float* normalised) {
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

void IndexCore::Remove(const uint32_t* labels, size_t n) {
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

bool IndexCore::GetVector(uint32_t label, float* out) const {
  std::shared_lock<FairSharedMutex> layout(layout_mu_);
  std::lock_guard<std::mutex> label_lock(hnsw_->getLabelOpMutex(label));
  tableint slot;
  if (!FindSlot(label, &slot) || !IsReady(slot) || hnsw_->isMarkedDeleted(slot)) return false;
  const char* stored = hnsw_->getDataByInternalId(slot);
  if (half_) {
    kernels_.from_half(reinterpret_cast<const uint16_t*>(stored), out, dim_);
  } else {
    std::memcpy(out, stored, hnsw_->data_size_);
  }
  return true;
}

std::vector<uint32_t> IndexCore::LiveLabels() const {
  std::shared_lock<FairSharedMutex> layout(layout_mu_);
  std::vector<uint32_t> labels;
  const size_t count = hnsw_->cur_element_count;
  labels.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const auto slot = static_cast<tableint>(i);
    if (!IsReady(slot) || hnsw_->isMarkedDeleted(slot)) continue;
    labels.push_back(static_cast<uint32_t>(hnsw_->getExternalLabel(slot)));
  }
  return labels;
}

Stats IndexCore::GetStats() const {
  return Stats{live_.load(std::memory_order_relaxed), hnsw_->cur_element_count.load(),
               hnsw_->num_deleted_.load(), capacity_.load(std::memory_order_relaxed),
               huge_page_bytes_.load(std::memory_order_relaxed)};
}

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
IndexCore::Plan IndexCore::PlanInsert(uint32_t label) {
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

void IndexCore::Grow() {
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
  huge_page_bytes_.store(AdviseLevelZero(*hnsw_), std::memory_order_relaxed);
  ready_.swap(ready);
  capacity_.store(grown, std::memory_order_relaxed);
}

void IndexCore::InitBookkeeping() {
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

bool IndexCore::FindSlot(uint32_t label, tableint* slot) const {
  std::lock_guard<std::mutex> lookup(hnsw_->label_lookup_lock);
  const auto it = hnsw_->label_lookup_.find(label);
  if (it == hnsw_->label_lookup_.end()) return false;
  *slot = it->second;
  return true;
}

}  // namespace mnemo
