// An async worker whose outcome settles a promise.

#pragma once

#include <napi.h>

#include <exception>
#include <new>
#include <utility>

#include "core/invalid_input.h"

namespace mnemo::binding {

// Runs `work` on the calling (JS) thread and returns its result, throwing what a PromiseWorker's
// promise would reject with (a TypeError for InvalidInput, an Error otherwise): for work smaller
// than a hand-off to the thread pool and back, which then costs no async resource or promise.
template <typename Work>
auto RunOnJsThread(Napi::Env env, Work&& work) -> decltype(work()) {
  try {
    return std::forward<Work>(work)();
  } catch (const InvalidInput& e) {
    throw Napi::TypeError::New(env, e.what());
  } catch (const std::bad_alloc&) {
    throw Napi::Error::New(env, "out of memory");
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, e.what());
  }
}

// Runs Run() on a libuv pool thread and settles a promise with Result(): an
// InvalidInput rejects it with a TypeError, any other exception with an Error.
class PromiseWorker : public Napi::AsyncWorker {
 public:
  PromiseWorker(Napi::Env env, const char* name);

  // Queues the work; the worker deletes itself once the promise is settled.
  Napi::Promise Start();

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
