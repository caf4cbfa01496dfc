// Running a loop over a few threads.

#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace mnemo {

// The most threads one call may ask for.
constexpr size_t kMaxThreads = 256;

// Runs fn(i) for i in [0, n) on up to `threads` threads (the calling thread
// plus helpers). Items are handed out one by one through an atomic counter.
// The first exception stops the loop and is rethrown.
template <typename Fn>
void ParallelFor(size_t n, size_t threads, const Fn& fn) {
  threads = std::min(threads, n);
  if (threads <= 1) {
    for (size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex error_mu;
  auto work = [&]() {
    try {
      for (;;) {
        if (failed.load(std::memory_order_relaxed)) return;
        const size_t i = next.fetch_add(1, std::memory_order_relaxed);
        if (i >= n) return;
        fn(i);
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mu);
      if (!error) error = std::current_exception();
      failed.store(true, std::memory_order_relaxed);
    }
  };
  std::vector<std::thread> helpers;
  helpers.reserve(threads - 1);
  for (size_t t = 1; t < threads; ++t) {
    try {
      helpers.emplace_back(work);
    } catch (const std::system_error&) {
      break;  // could not start a thread: run with fewer
    }
  }
  work();
  for (auto& t : helpers) t.join();
  if (error) std::rethrow_exception(error);
}

// Threads for `items` items: at most `requested` (and kMaxThreads), at least
// min_items_per_thread items each, at least one.
inline size_t ThreadsFor(size_t items, size_t requested, size_t min_items_per_thread) {
  const size_t by_work = std::max<size_t>(1, items / min_items_per_thread);
  return std::max<size_t>(1, std::min({requested, by_work, kMaxThreads}));
}

}  // namespace mnemo
