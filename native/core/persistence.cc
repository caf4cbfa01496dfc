// IndexCore's persistence: hnswlib's saveIndex format, written atomically.

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "core/graph_checks.h"
#include "core/huge_pages.h"
#include "core/index_core.h"
#include "core/invalid_input.h"

namespace mnemo {

void IndexCore::Load(const std::string& path, size_t capacity, size_t seed,
                     uint64_t label_limit) {
  // The file is checked before hnswlib reads it: its loader trusts the header's
  // sizes and counts, and the graph it reads is trusted by every search.
  const GraphHeader header = CheckGraphFile(path);
  const size_t element_bytes = dim_ * (half_ ? sizeof(uint16_t) : sizeof(float));
  if (header.vector_bytes != element_bytes) {
    throw InvalidInput("HNSW index at '" + path + "' holds vectors of " +
                       std::to_string(header.vector_bytes) + " bytes, expected " +
                       std::to_string(element_bytes) + " (dimension " + std::to_string(dim_) +
                       (half_ ? ", float16)" : ", float32)"));
  }
  std::unique_ptr<Hnsw> loaded;
  try {
    // A capacity of at least the count: hnswlib would otherwise size the
    // index by the file's max_elements, which nothing else bounds.
    loaded = std::make_unique<Hnsw>(space_.get(), path, false,
                                    std::max<size_t>({capacity, header.count, 1}), false);
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot load HNSW index from '" + path + "': " + e.what());
  }
  CheckLoadedGraph(*loaded, half_, label_limit, path);
  loaded->level_generator_.seed(seed);
  loaded->update_probability_generator_.seed(seed + 1);
  huge_page_bytes_.store(MoveLevelZeroToHugePages(*loaded));
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
