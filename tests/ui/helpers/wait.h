// Waiting in a real event loop (QEventLoop::exec), as the app runs: QTest::qWait sleeps up to 10 ms
// between event batches, which would make timers late and show up as stalls that the app does not have.
#pragma once

#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>

#include <functional>

namespace kinema::studio::testing {

inline bool waitUntil(const std::function<bool()>& done, int timeoutMs) {
  if (done()) return true;
  QEventLoop loop;
  QElapsedTimer elapsed;
  elapsed.start();
  QTimer poll;
  poll.setInterval(5);
  QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
    if (done() || elapsed.elapsed() > timeoutMs) loop.quit();
  });
  poll.start();
  loop.exec();
  return done();
}

}  // namespace kinema::studio::testing
