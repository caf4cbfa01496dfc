// Checks of saved graphs before and after hnswlib loads them (graph_checks.h).

#include "core/graph_checks.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace mnemo {
namespace {

// No sane graph has more levels: a level is ⌊-ln(u)·mult⌋ with mult = 1/ln(M)
// ≤ 1/ln 2, and u a double in (0, 1).
constexpr int kMaxLevel = 1100;
constexpr size_t kMaxM = 10000;  // hnswlib caps M at 10000
constexpr size_t kHeaderBytes = 6 * sizeof(size_t) + sizeof(int) + sizeof(tableint) +
                                3 * sizeof(size_t) + sizeof(double) + sizeof(size_t);

[[noreturn]] void Fail(const std::string& path, const std::string& what) {
  throw std::runtime_error("cannot load HNSW index from '" + path + "': corrupted: " + what);
}

template <typename T>
T Read(std::ifstream& in, const std::string& path) {
  T value;
  if (!in.read(reinterpret_cast<char*>(&value), sizeof value)) Fail(path, "truncated");
  return value;
}

}  // namespace

GraphHeader CheckGraphFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in.is_open()) {
    throw std::runtime_error("cannot load HNSW index from '" + path + "': cannot open the file");
  }
  const std::streamoff file_size = in.tellg();
  in.seekg(0);
  if (file_size < static_cast<std::streamoff>(kHeaderBytes)) Fail(path, "shorter than a header");
  const auto offset_level0 = Read<size_t>(in, path);
  const auto max_elements = Read<size_t>(in, path);
  const auto count = Read<size_t>(in, path);
  const auto per_element = Read<size_t>(in, path);
  const auto label_offset = Read<size_t>(in, path);
  const auto offset_data = Read<size_t>(in, path);
  const auto max_level = Read<int>(in, path);
  const auto entry = Read<tableint>(in, path);
  const auto max_m = Read<size_t>(in, path);
  const auto max_m0 = Read<size_t>(in, path);
  const auto m = Read<size_t>(in, path);
  const auto mult = Read<double>(in, path);
  const auto ef_construction = Read<size_t>(in, path);

  if (m < 2 || m > kMaxM || max_m != m || max_m0 != 2 * m) Fail(path, "M out of range");
  // hnswlib sets mult = 1/ln M, and efConstruction ≥ M; the binding takes at most 2^20.
  const double expected_mult = 1 / std::log(static_cast<double>(m));
  if (!(std::fabs(mult - expected_mult) <= 1e-9 * expected_mult) || ef_construction < 1 ||
      ef_construction > std::max<size_t>(m, size_t{1} << 20)) {
    Fail(path, "construction parameters out of range");
  }
  const size_t links_level0 = max_m0 * sizeof(tableint) + sizeof(hnswlib::linklistsizeint);
  if (offset_level0 != 0 || offset_data != links_level0 || label_offset < offset_data ||
      label_offset - offset_data > (size_t{1} << 20) ||
      per_element != label_offset + sizeof(labeltype)) {
    Fail(path, "element layout out of range");
  }
  if (count > kMaxCapacity || count > max_elements) Fail(path, "element count out of range");
  if (count == 0 ? max_level != -1 : (max_level < 0 || max_level > kMaxLevel || entry >= count)) {
    Fail(path, "entry point or top level out of range");
  }
  const auto body = static_cast<size_t>(file_size) - kHeaderBytes;
  if (count > body / per_element) Fail(path, "element count exceeds the file");

  // The upper-layer link lists: a size each, then that many bytes.
  const size_t links_upper = max_m * sizeof(tableint) + sizeof(hnswlib::linklistsizeint);
  size_t remaining = body - count * per_element;
  in.seekg(static_cast<std::streamoff>(kHeaderBytes + count * per_element));
  int top = count == 0 ? -1 : 0;
  for (size_t i = 0; i < count; ++i) {
    if (remaining < sizeof(uint32_t)) Fail(path, "link lists truncated");
    const auto size = Read<uint32_t>(in, path);
    remaining -= sizeof(uint32_t);
    if (size % links_upper != 0 || size / links_upper > static_cast<size_t>(max_level) ||
        size > remaining) {
      Fail(path, "link list size of element " + std::to_string(i) + " out of range");
    }
    const int level = static_cast<int>(size / links_upper);
    if (level > top) top = level;
    if (i == entry && level != max_level) Fail(path, "entry point is not on the top level");
    remaining -= size;
    if (size > 0) in.ignore(size);
  }
  if (remaining != 0) Fail(path, "trailing bytes after the link lists");
  if (top != max_level) Fail(path, "top level has no element");
  return GraphHeader{count, label_offset - offset_data};
}

void CheckLoadedGraph(const Hnsw& h, bool half, uint64_t label_limit, const std::string& where) {
  const size_t count = h.cur_element_count;
  if (h.label_lookup_.size() != count) {
    Fail(where, "labels are not unique (" + std::to_string(h.label_lookup_.size()) +
                    " labels for " + std::to_string(count) + " elements)");
  }
  const size_t scalars = h.data_size_ / (half ? sizeof(uint16_t) : sizeof(float));
  for (size_t i = 0; i < count; ++i) {
    const auto slot = static_cast<tableint>(i);
    const labeltype label = h.getExternalLabel(slot);
    if (label >= label_limit || label > UINT32_MAX) {
      Fail(where, "label " + std::to_string(label) + " of element " + std::to_string(i) +
                      " out of range");
    }
    const auto* header = reinterpret_cast<const unsigned char*>(h.get_linklist0(slot));
    if ((header[2] & ~Hnsw::DELETE_MARK) != 0 || header[3] != 0) {
      Fail(where, "unknown flags on element " + std::to_string(i));
    }
    for (int level = 0; level <= h.element_levels_[i]; ++level) {
      hnswlib::linklistsizeint* list = h.get_linklist_at_level(slot, level);
      const size_t size = h.getListCount(list);
      if (size > (level == 0 ? h.maxM0_ : h.maxM_)) {
        Fail(where, "too many links of element " + std::to_string(i) + " on level " +
                        std::to_string(level));
      }
      const tableint* links = reinterpret_cast<const tableint*>(list + 1);
      for (size_t j = 0; j < size; ++j) {
        if (links[j] >= count || h.element_levels_[links[j]] < level) {
          Fail(where, "link of element " + std::to_string(i) + " on level " +
                          std::to_string(level) + " out of range");
        }
      }
    }
    const char* data = h.getDataByInternalId(slot);
    for (size_t d = 0; d < scalars; ++d) {
      bool finite;
      if (half) {
        uint16_t bits;
        std::memcpy(&bits, data + d * sizeof bits, sizeof bits);
        finite = (bits & 0x7C00u) != 0x7C00u;
      } else {
        float value;
        std::memcpy(&value, data + d * sizeof value, sizeof value);
        finite = std::isfinite(value);
      }
      if (!finite) Fail(where, "vector of element " + std::to_string(i) + " not finite");
    }
  }
}

}  // namespace mnemo
