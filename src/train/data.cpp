// Training data made ahead on worker threads.
#include "train/data.h"

#include <chrono>

#include "core/error.h"

namespace kinema::train {

Prefetcher::Prefetcher(SampleSource source, uint64_t first, int workers, int ahead)
    : source_(std::move(source)), next_(first), claimed_(first), ahead_(std::max(1, ahead)) {
  for (int i = 0; i < std::max(1, workers); ++i) threads_.emplace_back([this] { work(); });
}

Prefetcher::~Prefetcher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  for (auto& t : threads_) t.join();
}

void Prefetcher::work() {
  for (;;) {
    uint64_t index;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return stopping_ || claimed_ < next_ + ahead_; });
      if (stopping_) return;
      index = claimed_++;
    }
    Sample sample;
    std::string error;
    try {
      sample = source_(index);
      sample.index = index;
    } catch (const std::exception& e) {
      error = "training sample " + std::to_string(index) + ": " + e.what();
    }
    {
      std::lock_guard lock(mutex_);
      if (!error.empty() && error_.empty()) error_ = error;
      ready_[index] = std::move(sample);
    }
    changed_.notify_all();
  }
}

Sample Prefetcher::next() {
  const auto start = std::chrono::steady_clock::now();
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return !error_.empty() || ready_.count(next_) != 0; });
  if (!error_.empty()) fail(ErrorKind::internal, error_);
  Sample sample = std::move(ready_.at(next_));
  ready_.erase(next_);
  ++next_;
  lock.unlock();
  changed_.notify_all();
  wait_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return sample;
}

}  // namespace kinema::train
