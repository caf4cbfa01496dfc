#include "binding/workers.h"

#include <utility>

#include "binding/addon_data.h"

namespace mnemo::binding {
namespace {

// { labels, distances, offsets, computations }: query q's hits are
// [offsets[q], offsets[q + 1]); computations[q]: the distances computed for query q. The four
// arrays are views of one ArrayBuffer (one allocation per answer, not four).
Napi::Value BatchToJs(Napi::Env env, const BatchResult& result) {
  const size_t nq = result.hits.size();
  size_t total = 0;
  for (const auto& r : result.hits) total += r.size();
  // float64 first, so that every view starts at a multiple of its element size.
  const size_t labels_at = nq * sizeof(double);
  const size_t distances_at = labels_at + total * sizeof(uint32_t);
  const size_t offsets_at = distances_at + total * sizeof(float);
  Napi::ArrayBuffer buffer =
      Napi::ArrayBuffer::New(env, offsets_at + (nq + 1) * sizeof(uint32_t));
  Napi::Float64Array computations = Napi::Float64Array::New(env, nq, buffer, 0);
  Napi::Uint32Array labels = Napi::Uint32Array::New(env, total, buffer, labels_at);
  Napi::Float32Array distances = Napi::Float32Array::New(env, total, buffer, distances_at);
  Napi::Uint32Array offsets = Napi::Uint32Array::New(env, nq + 1, buffer, offsets_at);
  size_t pos = 0;
  for (size_t q = 0; q < nq; ++q) {
    offsets[q] = static_cast<uint32_t>(pos);
    computations[q] = static_cast<double>(result.computations[q]);
    for (const Hit& hit : result.hits[q]) {
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

}  // namespace

AddWorker::AddWorker(Napi::Env env, CorePtr core, std::vector<uint32_t> labels,
                     std::vector<float> vectors, size_t threads)
    : PromiseWorker(env, "mnemo_hnsw.add"),
      core_(std::move(core)),
      labels_(std::move(labels)),
      vectors_(std::move(vectors)),
      threads_(threads) {}

void AddWorker::Run() { AddBatch(*core_, labels_, vectors_, threads_); }

SearchWorker::SearchWorker(Napi::Env env, CorePtr core, GraphSearch search,
                           std::vector<Napi::ObjectReference> columns, size_t threads)
    : PromiseWorker(env, "mnemo_hnsw.search"),
      core_(std::move(core)),
      search_(std::move(search)),
      columns_(std::move(columns)),
      threads_(threads) {}

void SearchWorker::Run() { result_ = SearchBatch(*core_, search_, threads_); }

Napi::Value SearchWorker::Result(Napi::Env env) { return BatchToJs(env, result_); }

ExactWorker::ExactWorker(Napi::Env env, CorePtr core, ExactSearch search, size_t threads)
    : PromiseWorker(env, "mnemo_hnsw.searchExact"),
      core_(std::move(core)),
      search_(std::move(search)),
      threads_(threads) {}

void ExactWorker::Run() { result_ = ExactBatch(*core_, search_, threads_); }

Napi::Value ExactWorker::Result(Napi::Env env) { return BatchToJs(env, result_); }

Napi::Value ExactNow(Napi::Env env, const IndexCore& core, ExactSearch& search) {
  return BatchToJs(env, RunOnJsThread(env, [&] { return ExactBatch(core, search, 1); }));
}

SaveWorker::SaveWorker(Napi::Env env, CorePtr core, std::string path)
    : PromiseWorker(env, "mnemo_hnsw.save"), core_(std::move(core)), path_(std::move(path)) {}

void SaveWorker::Run() { core_->Save(path_); }

LoadWorker::LoadWorker(Napi::Env env, CorePtr core, std::string path, size_t capacity,
                       size_t seed, uint64_t label_limit)
    : PromiseWorker(env, "mnemo_hnsw.load"),
      core_(std::move(core)),
      path_(std::move(path)),
      capacity_(capacity),
      seed_(seed),
      label_limit_(label_limit) {}

void LoadWorker::Run() { core_->Load(path_, capacity_, seed_, label_limit_); }

Napi::Value LoadWorker::Result(Napi::Env env) {
  CorePtr core = core_;
  auto external = Napi::External<CorePtr>::New(env, &core);
  return env.GetInstanceData<AddonData>()->index_ctor.New({external});
}

}  // namespace mnemo::binding
