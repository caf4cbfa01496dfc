// IndexCore's persistence: hnswlib's saveIndex format, written atomically.

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "core/index_core.h"
#include "core/invalid_input.h"

namespace mnemo {

void IndexCore::Load(const std::string& path, size_t capacity, size_t seed) {
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

void IndexCore::Save(const std::string& path) {
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

}  // namespace mnemo
