// The hnswlib space of mnemo's indexes: inner-product distance 1 - <a, b>
// over vectors stored as float32 or as IEEE float16, with the distance kernel
// of the SIMD path active when the space is constructed (core/simd.h). It
// replaces hnswlib's InnerProductSpace, whose kernels are chosen by the
// build's -march.

#pragma once

#include <cstddef>
#include <cstdint>

#include "core/hnsw.h"
#include "core/simd.h"

namespace mnemo {

class InnerProductSpace : public hnswlib::SpaceInterface<float> {
 public:
  // `half`: vectors are stored as float16 (half the bytes, so half the memory
  // read per distance); otherwise as float32.
  InnerProductSpace(size_t dim, bool half)
      : dim_(dim),
        element_size_(half ? sizeof(uint16_t) : sizeof(float)),
        distance_(half ? ActiveKernels().float16 : ActiveKernels().float32) {}

  size_t get_data_size() override { return dim_ * element_size_; }
  hnswlib::DISTFUNC<float> get_dist_func() override { return distance_; }
  void* get_dist_func_param() override { return &dim_; }

 private:
  size_t dim_;
  size_t element_size_;
  hnswlib::DISTFUNC<float> distance_;
};

}  // namespace mnemo
