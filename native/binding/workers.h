// The async work of the HnswIndex methods: each worker owns copies of its
// inputs and settles the method's promise.

#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "binding/promise_worker.h"
#include "core/batch.h"
#include "core/index_core.h"

namespace mnemo::binding {

using CorePtr = std::shared_ptr<IndexCore>;

// add(): resolves to undefined.
class AddWorker : public PromiseWorker {
 public:
  AddWorker(Napi::Env env, CorePtr core, std::vector<uint32_t> labels, std::vector<float> vectors,
            size_t threads);

 protected:
  void Run() override;

 private:
  CorePtr core_;
  std::vector<uint32_t> labels_;
  std::vector<float> vectors_;
  size_t threads_;
};

// searchEach(): resolves to { labels, distances, offsets, computations } (see BatchToJs).
class SearchWorker : public PromiseWorker {
 public:
  // columns: the range columns of search.filters, kept alive until the search is done.
  SearchWorker(Napi::Env env, CorePtr core, GraphSearch search,
               std::vector<Napi::ObjectReference> columns, size_t threads);

 protected:
  void Run() override;
  Napi::Value Result(Napi::Env env) override;

 private:
  CorePtr core_;
  GraphSearch search_;
  // Released on the JS thread, with the worker.
  std::vector<Napi::ObjectReference> columns_;
  size_t threads_;
  BatchResult result_;
};

// searchExact(): results as SearchWorker's.
class ExactWorker : public PromiseWorker {
 public:
  ExactWorker(Napi::Env env, CorePtr core, ExactSearch search, size_t threads);

 protected:
  void Run() override;
  Napi::Value Result(Napi::Env env) override;

 private:
  CorePtr core_;
  ExactSearch search_;
  size_t threads_;
  BatchResult result_;
};

// searchExactNow(): ExactWorker's result, computed on the JS thread (RunOnJsThread).
Napi::Value ExactNow(Napi::Env env, const IndexCore& core, ExactSearch& search);

// save(): resolves to undefined.
class SaveWorker : public PromiseWorker {
 public:
  SaveWorker(Napi::Env env, CorePtr core, std::string path);

 protected:
  void Run() override;

 private:
  CorePtr core_;
  std::string path_;
};

// load(): reads the file into core, then resolves to a new HnswIndex around it.
class LoadWorker : public PromiseWorker {
 public:
  LoadWorker(Napi::Env env, CorePtr core, std::string path, size_t capacity, size_t seed,
             uint64_t label_limit);

 protected:
  void Run() override;
  Napi::Value Result(Napi::Env env) override;

 private:
  CorePtr core_;
  std::string path_;
  size_t capacity_;
  size_t seed_;
  uint64_t label_limit_;
};

}  // namespace mnemo::binding
