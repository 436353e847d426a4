#include "thread_pool.h"

#include <cstdlib>

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#define RS_HAVE_MXCSR 1
#endif

namespace residual {

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
  // Leaked on purpose: destroying a mutex/condvar during static destruction
  // while detached workers might still touch it is undefined behaviour.
  static ThreadPool* pool = new ThreadPool();
  return *pool;
}

ThreadPool::ThreadPool() {
  unsigned hc = std::thread::hardware_concurrency();
  num_threads_ = hc == 0 ? 1 : static_cast<int>(hc);
  if (const char* v = std::getenv("RESIDUAL_POOL_SPIN")) spin_ = std::atoi(v);
}

void ThreadPool::set_num_threads(int n) {
  if (n <= 0) {
    unsigned hc = std::thread::hardware_concurrency();
    n = hc == 0 ? 1 : static_cast<int>(hc);
  }
  std::lock_guard<std::mutex> busy(busy_);
  if (n == num_threads_) return;
  stop_workers();
  num_threads_ = n;
  // Workers are started lazily by the next parallel_for.
}

void ThreadPool::shutdown() {
  std::lock_guard<std::mutex> busy(busy_);
  stop_workers();
}

void ThreadPool::start_workers(int nworkers) {
  stop_ = false;
  // The generation is read here, not in the new thread: a job posted before
  // the thread gets scheduled must still count as new for it.
  const unsigned gen = generation_.load();
  for (int i = 0; i < nworkers; ++i)
    workers_.emplace_back(&ThreadPool::worker_main, this, i + 1, gen);
}

void ThreadPool::stop_workers() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    generation_.fetch_add(1);
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
  workers_.clear();
  stop_ = false;
}

void ThreadPool::run_tasks(int thread_index) {
  for (;;) {
    int i = next_.fetch_add(1, std::memory_order_relaxed);
    if (i >= ntasks_) break;
    (*fn_)(i, thread_index);
  }
}

void ThreadPool::worker_main(int index, unsigned seen) {
  ScopedDenormalsOff denormals;  // for the whole life of the worker
  for (;;) {
    // Spin a little before sleeping: kernels are often called back to back.
    unsigned gen = seen;
    for (int spin = 0; spin < spin_; ++spin) {
      gen = generation_.load(std::memory_order_acquire);
      if (gen != seen) break;
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
    }
    if (gen == seen) {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [&] { return generation_.load() != seen; });
      gen = generation_.load();
    }
    seen = gen;
    if (stop_) return;
    run_tasks(index);
    if (active_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      std::lock_guard<std::mutex> lock(mu_);
      done_cv_.notify_one();
    }
  }
}

void ThreadPool::parallel_for(int ntasks,
                              const std::function<void(int, int)>& fn) {
  if (ntasks <= 0) return;
  ScopedDenormalsOff denormals;
  std::unique_lock<std::mutex> busy(busy_, std::try_to_lock);
  if (!busy.owns_lock() || num_threads_ <= 1 || ntasks == 1) {
    // Single-threaded path (also used when another caller owns the pool).
    for (int i = 0; i < ntasks; ++i) fn(i, 0);
    return;
  }
  int nworkers = num_threads_ - 1;
  if (static_cast<int>(workers_.size()) != nworkers) {
    stop_workers();
    start_workers(nworkers);
  }
  fn_ = &fn;
  ntasks_ = ntasks;
  next_.store(0, std::memory_order_relaxed);
  active_.store(nworkers, std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> lock(mu_);
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  run_tasks(0);
  // Wait for the workers: spin first, then sleep.
  for (int spin = 0; spin < spin_ && active_.load(std::memory_order_acquire);
       ++spin) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }
  if (active_.load(std::memory_order_acquire)) {
    std::unique_lock<std::mutex> lock(mu_);
    done_cv_.wait(lock, [&] { return active_.load() == 0; });
  }
  fn_ = nullptr;
}

}  // namespace residual

