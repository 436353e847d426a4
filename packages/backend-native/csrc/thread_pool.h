// A small persistent thread pool for synchronous fork-join loops.
//
// The calling (JavaScript) thread always takes part, so N threads means N-1 workers. Tasks are
// claimed one at a time from a shared counter, and the caller waits only for tasks a worker
// has actually claimed: on a busy machine, a worker that is not scheduled in time simply gets
// no task, instead of holding the caller up until it wakes. Workers spin briefly after a job
// (kernels come back to back) and then sleep. If another thread owns the pool (a call from a
// worker_thread), or the call comes from inside a task (a nested loop), the loop runs on the
// calling thread alone. Kept over OpenMP for its per-call cost on a busy machine (README.md).
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
  // The process-wide pool (deliberately leaked; see shutdown()).
  static ThreadPool& instance();

  // Threads parallel_for uses, the caller included (>= 1).
  int num_threads() const { return num_threads_; }
  // Resizes the pool; 0 means one per logical CPU.
  void set_num_threads(int n);

  // Calls fn(task, thread_index) for every task in [0, ntasks) and returns when all are done.
  // thread_index is in [0, num_threads()) and unique among the threads running this loop, for
  // per-thread scratch buffers. Which thread runs a task varies; results must not depend on it.
  void parallel_for(int ntasks, const std::function<void(int, int)>& fn);

  // Stops and joins the workers (from the N-API environment's cleanup hook).
  void shutdown();

 private:
  struct Job {
    const std::function<void(int, int)>* fn;
    int ntasks;
    std::atomic<int> next{0};
    std::atomic<int> done{0};
  };

  ThreadPool();
  void start_workers();
  void stop_workers();
  void worker_main(int index, unsigned seen_generation);
  static void run(Job* job, int thread_index);

  int num_threads_ = 1;
  int spin_ = 4000;  // pause iterations a worker spins before sleeping
  std::vector<std::thread> workers_;
  std::mutex busy_;  // held by the thread running a parallel_for

  std::mutex mu_;
  std::condition_variable wake_;
  std::atomic<unsigned> generation_{0};
  std::atomic<bool> stop_{false};
  std::atomic<Job*> job_{nullptr};
  std::atomic<int> inside_{0};  // workers that may be looking at job_
};

// Sets flush-to-zero / denormals-are-zero for the current thread and restores the previous mode
// on destruction (the JavaScript thread's mode must not leak). Every task runs in this mode,
// on whichever thread, so results do not depend on the thread count.
class ScopedDenormalsOff {
 public:
  ScopedDenormalsOff();
  ~ScopedDenormalsOff();

 private:
  unsigned saved_;
};

}  // namespace residual
