// The export worker: assemble the sequence's frames and continuous sound, then export_clip (marks and signs).
#include "workers/export_job.h"

#include <QMetaObject>
#include <QtConcurrent>

#include "core/error.h"
#include "safety/provenance.h"

namespace kinema::studio {

ExportJob::ExportJob(Sequence sequence, QString path, QObject* parent)
    : QObject(parent), sequence_(std::move(sequence)), path_(std::move(path)) {
  connect(&watcher_, &QFutureWatcher<QString>::finished, this, [this] {
    const QString error = watcher_.result();
    if (error.isEmpty())
      emit finished(path_);
    else
      emit failed(error, cancel_->load());
  });
}

ExportJob::~ExportJob() {
  cancel_->store(true);
  watcher_.waitForFinished();
}

void ExportJob::start() {
  if (sequence_.empty()) {
    QMetaObject::invokeMethod(this, [this] { emit failed(tr("There is nothing to export: no shot has a take yet."), false); },
                              Qt::QueuedConnection);
    return;
  }
  auto cancel = cancel_;
  auto permille = permille_;
  // `this` outlives the run: the destructor cancels and waits for it.
  safety::ProvenanceFacts facts;
  facts.model_name = provenance_.modelName.toStdString();
  facts.model_version = provenance_.modelVersion.toStdString();
  facts.visible_mark = provenance_.visibleMark;
  facts.front_end = "Kinema Studio export";
  facts.title = "Kinema Studio export";
  watcher_.setFuture(QtConcurrent::run([this, sequence = sequence_, path = path_.toStdString(), facts, cancel,
                                        permille]() -> QString {
    try {
      media::Clip clip = sequence.assemble();
      if (cancel->load()) fail(ErrorKind::cancelled, "export cancelled");
      safety::ExportOptions options;
      options.mp4.title = facts.title;
      // The takes carry the project's watermark: keep it rather than add a second one over it.
      options.frames_may_carry_watermark = true;
      safety::export_clip(std::move(clip), path, facts, options, [&](double fraction) {
        const int now = static_cast<int>(fraction * 1000);
        if (permille->exchange(now) != now)  // report each 0.1 %, not every call
          QMetaObject::invokeMethod(this, [this, fraction] { emit progress(fraction); }, Qt::QueuedConnection);
        return !cancel->load();
      });
      return {};
    } catch (const std::exception& e) {
      return QString::fromStdString(e.what());
    }
  }));
}

void ExportJob::cancel() { cancel_->store(true); }

}  // namespace kinema::studio
