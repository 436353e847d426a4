// Small persistent thread pool for synchronous, fork-join parallel loops.
//
// The calling (JavaScript) thread always participates, so N threads means
// N-1 background workers. Workers spin briefly after a job (to make
// back-to-back kernel calls cheap) and then sleep on a condition variable.
// If the pool is already busy (e.g. a call from another worker_thread), the
// loop runs inline on the caller instead of blocking.
#pragma once
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace residual {

class ThreadPool {
 public:
  // Process-wide instance (deliberately leaked; see shutdown()).
  static ThreadPool& instance();

  // Number of threads used by parallel_for, including the caller (>= 1).
  int num_threads() const { return num_threads_; }
  // Resizes the pool; 0 picks std::thread::hardware_concurrency().
  void set_num_threads(int n);

  // Calls fn(task, thread_index) for task in [0, ntasks). thread_index is in
  // [0, num_threads()) and unique among concurrently running calls, so it can
  // index per-thread scratch buffers. Blocks until all tasks are done.
  void parallel_for(int ntasks, const std::function<void(int, int)>& fn);

  // Stops and joins the workers (called from the N-API env cleanup hook).
  void shutdown();

 private:
  ThreadPool();
  void start_workers(int nworkers);
  void stop_workers();
  void worker_main(int index, unsigned seen_generation);
  void run_tasks(int thread_index);

  int num_threads_ = 1;
  int spin_ = 2000;  // pause iterations before sleeping
  std::vector<std::thread> workers_;

  std::mutex busy_;  // held by the thread that owns the current job

  std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable done_cv_;
  std::atomic<unsigned> generation_{0};
  bool stop_ = false;

  // Current job.
  const std::function<void(int, int)>* fn_ = nullptr;
  int ntasks_ = 0;
  std::atomic<int> next_{0};
  std::atomic<int> active_{0};
};

// Sets flush-to-zero / denormals-are-zero for the current thread and restores
// the previous mode on destruction (the JS thread's mode must not leak).
class ScopedDenormalsOff {
 public:
  ScopedDenormalsOff();
  ~ScopedDenormalsOff();

 private:
  unsigned saved_;
};

}  // namespace residual
