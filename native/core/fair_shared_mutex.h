// A shared mutex that does not starve its writers.

#pragma once

#include <mutex>
#include <shared_mutex>

namespace mnemo {

// Writer-preferring shared mutex. glibc's rwlock (behind std::shared_mutex)
// prefers readers, so a steady flow of overlapping searches could postpone a
// resize forever. A writer holds the turnstile while it waits, which stops new
// readers from entering. A thread must never acquire it recursively.
class FairSharedMutex {
 public:
  void lock() {
    std::lock_guard<std::mutex> gate(turnstile_);
    rw_.lock();
  }
  void unlock() { rw_.unlock(); }
  void lock_shared() {
    std::lock_guard<std::mutex> gate(turnstile_);
    rw_.lock_shared();
  }
  void unlock_shared() { rw_.unlock_shared(); }

 private:
  std::mutex turnstile_;
  std::shared_mutex rw_;
};

}  // namespace mnemo
