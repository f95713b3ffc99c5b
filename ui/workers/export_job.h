// Exporting the timeline (or one shot) to an MP4 with the engine's writer, on a worker thread, with
// progress and cancel.
#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

#include "models/sequence.h"

namespace kinema::studio {

class ExportJob : public QObject {
  Q_OBJECT
 public:
  ExportJob(Sequence sequence, QString path, QObject* parent = nullptr);
  ~ExportJob() override;  // cancels and waits

  void start();
  void cancel();
  bool running() const { return watcher_.isRunning(); }
  QString path() const { return path_; }

 signals:
  void progress(double fraction);
  void finished(const QString& path);
  void failed(const QString& message, bool cancelled);

 private:
  Sequence sequence_;
  QString path_;
  std::shared_ptr<std::atomic<bool>> cancel_ = std::make_shared<std::atomic<bool>>(false);
  std::shared_ptr<std::atomic<int>> permille_ = std::make_shared<std::atomic<int>>(-1);
  QFutureWatcher<QString> watcher_;
};

}  // namespace kinema::studio
