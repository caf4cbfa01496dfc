// An async worker whose outcome settles a promise.

#pragma once

#include <napi.h>

namespace mnemo::binding {

// Runs Run() on a libuv pool thread and settles a promise with Result(): an
// InvalidInput rejects it with a TypeError, any other exception with an Error.
class PromiseWorker : public Napi::AsyncWorker {
 public:
  PromiseWorker(Napi::Env env, const char* name);

  // Queues the work; the worker deletes itself once the promise is settled.
  Napi::Promise Start();

  // Does the work on the calling (JS) thread and returns its result, throwing what the promise
  // would reject with: for work smaller than a hand-off to the thread pool and back. The worker
  // is not queued; its owner deletes it.
  Napi::Value RunNow();

 protected:
  virtual void Run() = 0;
  virtual Napi::Value Result(Napi::Env env) { return env.Undefined(); }

  void Execute() final;
  void OnOK() final;
  void OnError(const Napi::Error& e) final;

 private:
  Napi::Promise::Deferred deferred_;
  bool invalid_input_ = false;
};

}  // namespace mnemo::binding
