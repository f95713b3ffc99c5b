// Exporting the timeline (or one shot) to an MP4 through the engine's provenance door (visible mark,
// watermark, signed C2PA manifest), on a worker thread, with progress and cancel.
#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

#include "models/sequence.h"

namespace kinema::studio {

// What the export records about how the clip was made.
struct ExportProvenance {
  QString modelName;          // the model the takes were made with, when known
  QString modelVersion;
  bool visibleMark = true;    // the moving "Kinema · AI" mark; turning it off is recorded in the manifest
};

class ExportJob : public QObject {
  Q_OBJECT
 public:
  ExportJob(Sequence sequence, QString path, QObject* parent = nullptr);
  ~ExportJob() override;  // cancels and waits

  void setProvenance(const ExportProvenance& provenance) { provenance_ = provenance; }
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
  ExportProvenance provenance_;
  std::shared_ptr<std::atomic<bool>> cancel_ = std::make_shared<std::atomic<bool>>(false);
  std::shared_ptr<std::atomic<int>> permille_ = std::make_shared<std::atomic<int>>(-1);
  QFutureWatcher<QString> watcher_;
};

}  // namespace kinema::studio
