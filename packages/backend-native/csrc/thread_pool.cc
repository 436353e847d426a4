#include "thread_pool.h"

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#define RS_HAVE_MXCSR 1
#endif

namespace residual {
namespace {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

int logical_cpus() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

// Waits for `done()`, spinning first and then yielding the CPU.
template <class Done>
void wait_until(const Done& done) {
  for (int spin = 0; spin < 1000; ++spin) {
    if (done()) return;
    cpu_relax();
  }
  while (!done()) std::this_thread::yield();
}

}  // namespace

ScopedDenormalsOff::ScopedDenormalsOff() {
#ifdef RS_HAVE_MXCSR
  saved_ = _mm_getcsr();
  _mm_setcsr(saved_ | 0x8040);  // FTZ (bit 15) | DAZ (bit 6)
#else
  saved_ = 0;
#endif
}

ScopedDenormalsOff::~ScopedDenormalsOff() {
#ifdef RS_HAVE_MXCSR
  _mm_setcsr(saved_);
#endif
}

ThreadPool& ThreadPool::instance() {
  // Leaked on purpose: destroying a mutex or condition variable during static destruction while
  // a worker might still touch it is undefined behaviour.
  static ThreadPool* pool = new ThreadPool();
  return *pool;
}

ThreadPool::ThreadPool() : num_threads_(logical_cpus()) {}

void ThreadPool::set_num_threads(int n) {
  if (n <= 0) n = logical_cpus();
  std::lock_guard<std::mutex> busy(busy_);
  if (n == num_threads_) return;
  stop_workers();
  num_threads_ = n;  // workers start with the next parallel_for
}

void ThreadPool::shutdown() {
  std::lock_guard<std::mutex> busy(busy_);
  stop_workers();
}

void ThreadPool::start_workers() {
  stop_.store(false);
  // Read here, not in the new thread: a job or a stop posted before the thread runs must still
  // count as new for it.
  const unsigned generation = generation_.load();
  for (int i = 1; i < num_threads_; ++i) {
    workers_.emplace_back(&ThreadPool::worker_main, this, i, generation);
  }
}

void ThreadPool::stop_workers() {
  if (workers_.empty()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_.store(true);
    generation_.fetch_add(1);
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
  workers_.clear();
  stop_.store(false);
}

// Set while this thread runs tasks: a parallel_for inside a task runs on that thread alone.
thread_local bool t_inside_task = false;

void ThreadPool::run(Job* job, int thread_index) {
  const bool outer = t_inside_task;
  t_inside_task = true;
  for (;;) {
    const int i = job->next.fetch_add(1);
    if (i >= job->ntasks) break;
    (*job->fn)(i, thread_index);
    job->done.fetch_add(1, std::memory_order_release);
  }
  t_inside_task = outer;
}

void ThreadPool::worker_main(int index, unsigned seen) {
  ScopedDenormalsOff denormals;  // for the worker's whole life
  for (;;) {
    unsigned gen = seen;
    for (int spin = 0; spin < spin_ && gen == seen; ++spin) {
      cpu_relax();
      gen = generation_.load(std::memory_order_acquire);
    }
    if (gen == seen) {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [&] { return generation_.load() != seen || stop_.load(); });
      gen = generation_.load();
    }
    seen = gen;
    if (stop_.load()) return;
    // Announce before looking: the caller clears job_ and then waits until no worker is inside,
    // so a worker either sees the current job or none (sequentially consistent atomics).
    inside_.fetch_add(1);
    if (Job* job = job_.load()) run(job, index);
    inside_.fetch_sub(1);
  }
}

void ThreadPool::parallel_for(int ntasks, const std::function<void(int, int)>& fn) {
  if (ntasks <= 0) return;
  ScopedDenormalsOff denormals;
  if (t_inside_task) {  // nested: this thread's task runs the inner loop itself
    for (int i = 0; i < ntasks; ++i) fn(i, 0);
    return;
  }
  std::unique_lock<std::mutex> busy(busy_, std::try_to_lock);
  if (!busy.owns_lock() || num_threads_ <= 1 || ntasks == 1) {
    for (int i = 0; i < ntasks; ++i) fn(i, 0);
    return;
  }
  if (static_cast<int>(workers_.size()) != num_threads_ - 1) {
    stop_workers();
    start_workers();
  }
  Job job;
  job.fn = &fn;
  job.ntasks = ntasks;
  job_.store(&job);
  {
    std::lock_guard<std::mutex> lock(mu_);
    generation_.fetch_add(1);
  }
  wake_.notify_all();
  run(&job, 0);
  wait_until([&] { return job.done.load(std::memory_order_acquire) == ntasks; });
  job_.store(nullptr);
  wait_until([&] { return inside_.load() == 0; });
}

}  // namespace residual
