// Measures how long the GUI thread's event loop goes without running a 1 ms timer: the longest stall a
// user would feel as a frozen window.
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace kinema::studio::testing {

// The longest stall the studio's tests accept while the engine works: work done on the GUI thread (a
// generation, an encode, a file written) freezes it for seconds; under 250 ms is the scheduler's jitter on
// a 2-core machine running `ctest -j2`, where a 50 ms limit failed now and then although nothing blocked.
inline constexpr double kFrozenWindowMs = 250.0;

class StallMeter : public QObject {
 public:
  StallMeter() {
    timer_.setTimerType(Qt::PreciseTimer);
    timer_.setInterval(1);
    connect(&timer_, &QTimer::timeout, this, [this] {
      const qint64 now = clock_.nsecsElapsed();
      if (last_ >= 0) longest_ = std::max(longest_, now - last_);
      last_ = now;
    });
  }
  void start() {
    clock_.start();
    last_ = -1;
    longest_ = 0;
    timer_.start();
  }
  void stop() { timer_.stop(); }
  double longestMs() const { return static_cast<double>(longest_) / 1e6; }

 private:
  QTimer timer_;
  QElapsedTimer clock_;
  qint64 last_ = -1;
  qint64 longest_ = 0;
};

}  // namespace kinema::studio::testing
