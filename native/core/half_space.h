// hnswlib space over vectors stored as float16.

#pragma once

#include <cstddef>
#include <cstdint>

#include "core/hnsw.h"

namespace mnemo {

// 1 - <a, b> over float16 vectors (dimension at *param): AVX-512, or F16C with
// FMA, where the build targets them, and portable code for the rest.
float HalfInnerProductDistance(const void* a, const void* b, const void* param);

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

}  // namespace mnemo
