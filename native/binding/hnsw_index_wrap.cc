#include "binding/hnsw_index_wrap.h"

#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include "binding/args.h"
#include "binding/filter_args.h"
#include "core/parallel.h"

namespace mnemo::binding {

Napi::Function HnswIndexWrap::Define(Napi::Env env) {
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
                         InstanceMethod<&HnswIndexWrap::LiveLabels>("liveLabels"),
                         InstanceMethod<&HnswIndexWrap::Save>("save"),
                         InstanceMethod<&HnswIndexWrap::GetStats>("stats"),
                     });
}

HnswIndexWrap::HnswIndexWrap(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<HnswIndexWrap>(info) {
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

Napi::Value HnswIndexWrap::Load(const Napi::CallbackInfo& info) {
  if (!info[0].IsString()) ThrowType(info.Env(), "path must be a string");
  const std::string path = info[0].As<Napi::String>().Utf8Value();
  const size_t dim = UintArg(info, 1, "dim", 1, 65536);
  const size_t capacity = UintArg(info, 2, "initialCapacity", 0, kMaxCapacity);
  const size_t seed = UintArg(info, 3, "seed", 0, 0xFFFFFFFFu);
  // The core (its space) is built here, on the JS thread, not on the worker's.
  const bool half = BoolArg(info, 4, "half");
  // Labels are uint32: without a limit, any label of that range is accepted.
  constexpr uint64_t kLabels = uint64_t{1} << 32;
  const uint64_t label_limit =
      IsNullish(info[5]) ? kLabels : UintArg(info, 5, "labelLimit", 0, kLabels);
  auto core = std::make_shared<IndexCore>(dim, half);
  auto* worker = new LoadWorker(info.Env(), std::move(core), path, capacity, seed, label_limit);
  return worker->Start();
}

size_t HnswIndexWrap::Threads(const Napi::CallbackInfo& info, size_t i) {
  return static_cast<size_t>(UintArg(info, i, "threads", 1, kMaxThreads));
}

Napi::Value HnswIndexWrap::Dim(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(core_->dim()));
}

Napi::Value HnswIndexWrap::Size(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(core_->Live()));
}

// add(labels: Uint32Array, vectors: Float32Array, threads): Promise<void>
Napi::Value HnswIndexWrap::Add(const Napi::CallbackInfo& info) {
  auto labels = TypedArg<uint32_t>(info, 0, napi_uint32_array, "labels", "Uint32Array");
  auto vectors = TypedArg<float>(info, 1, napi_float32_array, "vectors", "Float32Array");
  const size_t threads = Threads(info, 2);
  if (vectors.ElementLength() != labels.ElementLength() * core_->dim()) {
    ThrowType(info.Env(), "vectors.length must equal labels.length * dim");
  }
  auto* worker = new AddWorker(info.Env(), core_, CopyOf(labels), CopyOf(vectors), threads);
  return worker->Start();
}

// remove(labels: Uint32Array): void
Napi::Value HnswIndexWrap::Remove(const Napi::CallbackInfo& info) {
  auto labels = TypedArg<uint32_t>(info, 0, napi_uint32_array, "labels", "Uint32Array");
  core_->Remove(labels.Data(), labels.ElementLength());
  return info.Env().Undefined();
}

std::vector<float> HnswIndexWrap::Queries(const Napi::CallbackInfo& info) {
  auto queries = TypedArg<float>(info, 0, napi_float32_array, "queries", "Float32Array");
  if (queries.ElementLength() % core_->dim() != 0) {
    ThrowType(info.Env(), "queries.length must be a multiple of dim");
  }
  return CopyOf(queries);
}

// searchEach(queries, ks: Uint32Array, efs: Uint32Array,
//            filters: {bitmap: Uint32Array | null, ranges: [...] | null}[],
//            filterOf: Uint32Array (query q uses filters[filterOf[q] - 1]; 0: none), threads)
Napi::Value HnswIndexWrap::SearchEach(const Napi::CallbackInfo& info) {
  GraphSearch search;
  search.vectors = Queries(info);
  const size_t nq = search.vectors.size() / core_->dim();
  search.ks = CopyOf(TypedArg<uint32_t>(info, 1, napi_uint32_array, "ks", "Uint32Array"));
  search.efs = CopyOf(TypedArg<uint32_t>(info, 2, napi_uint32_array, "efs", "Uint32Array"));
  std::vector<Napi::ObjectReference> columns;
  search.filters = ParseFilters(info.Env(), info[3], columns);
  search.filter_of =
      CopyOf(TypedArg<uint32_t>(info, 4, napi_uint32_array, "filterOf", "Uint32Array"));
  if (search.ks.size() != nq || search.efs.size() != nq || search.filter_of.size() != nq) {
    ThrowType(info.Env(), "ks, efs and filterOf must have one entry per query");
  }
  for (size_t q = 0; q < nq; ++q) {
    if (search.ks[q] < 1) ThrowType(info.Env(), "ks[] must be at least 1");
    if (search.filter_of[q] > search.filters.size()) {
      ThrowType(info.Env(), "filterOf[] must index filters");
    }
  }
  const size_t threads = Threads(info, 5);
  auto* worker =
      new SearchWorker(info.Env(), core_, std::move(search), std::move(columns), threads);
  return worker->Start();
}

// searchExact(queries, k, candidates: Uint32Array | null, threads)
Napi::Value HnswIndexWrap::SearchExact(const Napi::CallbackInfo& info) {
  ExactSearch search = ExactSearchOf(info);
  return (new ExactWorker(info.Env(), core_, std::move(search), Threads(info, 3)))->Start();
}

// searchExactNow(queries, k, candidates): searchExact's result, computed on the JS thread.
Napi::Value HnswIndexWrap::SearchExactNow(const Napi::CallbackInfo& info) {
  ExactSearch search = ExactSearchOf(info);
  return ExactNow(info.Env(), *core_, search);
}

ExactSearch HnswIndexWrap::ExactSearchOf(const Napi::CallbackInfo& info) {
  ExactSearch search;
  search.vectors = Queries(info);
  search.k = UintArg(info, 1, "k", 1, 0xFFFFFFFFu);
  search.has_candidates = !IsNullish(info[2]);
  if (search.has_candidates) {
    search.candidates =
        CopyOf(TypedArg<uint32_t>(info, 2, napi_uint32_array, "candidates", "Uint32Array"));
  }
  return search;
}

// getVector(label): Float32Array | null
Napi::Value HnswIndexWrap::GetVector(const Napi::CallbackInfo& info) {
  const uint32_t label = static_cast<uint32_t>(UintArg(info, 0, "label", 0, 0xFFFFFFFFu));
  std::vector<float> buffer(core_->dim());
  if (!core_->GetVector(label, buffer.data())) return info.Env().Null();
  Napi::Float32Array out = Napi::Float32Array::New(info.Env(), buffer.size());
  std::memcpy(out.Data(), buffer.data(), buffer.size() * sizeof(float));
  return out;
}

// liveLabels(): Uint32Array, the labels of the live elements in slot order.
Napi::Value HnswIndexWrap::LiveLabels(const Napi::CallbackInfo& info) {
  const std::vector<uint32_t> labels = core_->LiveLabels();
  Napi::Uint32Array out = Napi::Uint32Array::New(info.Env(), labels.size());
  if (!labels.empty()) std::memcpy(out.Data(), labels.data(), labels.size() * sizeof(uint32_t));
  return out;
}

// save(path): Promise<void>
Napi::Value HnswIndexWrap::Save(const Napi::CallbackInfo& info) {
  if (!info[0].IsString()) ThrowType(info.Env(), "path must be a string");
  auto* worker = new SaveWorker(info.Env(), core_, info[0].As<Napi::String>().Utf8Value());
  return worker->Start();
}

// stats(): { live, slots, deleted, capacity, hugePageBytes }
Napi::Value HnswIndexWrap::GetStats(const Napi::CallbackInfo& info) {
  const Stats s = core_->GetStats();
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("live", static_cast<double>(s.live));
  out.Set("slots", static_cast<double>(s.slots));
  out.Set("deleted", static_cast<double>(s.deleted));
  out.Set("capacity", static_cast<double>(s.capacity));
  out.Set("hugePageBytes", static_cast<double>(s.huge_page_bytes));
  return out;
}

}  // namespace mnemo::binding
