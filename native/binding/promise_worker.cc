#include "binding/promise_worker.h"

#include <exception>
#include <new>

#include "core/invalid_input.h"

namespace mnemo::binding {

PromiseWorker::PromiseWorker(Napi::Env env, const char* name)
    : Napi::AsyncWorker(env, name), deferred_(Napi::Promise::Deferred::New(env)) {}

Napi::Promise PromiseWorker::Start() {
  Napi::Promise promise = deferred_.Promise();
  Queue();
  return promise;
}

void PromiseWorker::Execute() {
  try {
    Run();
  } catch (const InvalidInput& e) {
    invalid_input_ = true;
    SetError(e.what());
  } catch (const std::bad_alloc&) {
    SetError("out of memory");
  } catch (const std::exception& e) {
    SetError(e.what());
  } catch (...) {
    SetError("unknown native error");
  }
}

void PromiseWorker::OnOK() {
  Napi::Env env = Env();
  try {
    deferred_.Resolve(Result(env));
  } catch (const Napi::Error& e) {
    deferred_.Reject(e.Value());
  } catch (const std::exception& e) {
    deferred_.Reject(Napi::Error::New(env, e.what()).Value());
  }
}

void PromiseWorker::OnError(const Napi::Error& e) {
  if (invalid_input_) {
    deferred_.Reject(Napi::TypeError::New(Env(), e.Message()).Value());
  } else {
    deferred_.Reject(e.Value());
  }
}

}  // namespace mnemo::binding
