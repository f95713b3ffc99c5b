// Progress text and queue list for the generation panel.
#include "widgets/generation_panel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

#include "models/timeline_model.h"
#include "workers/generation_queue.h"

namespace kinema::studio {

GenerationPanel::GenerationPanel(GenerationQueue* queue, TimelineModel* timeline, QWidget* parent)
    : QWidget(parent), queue_(queue), timeline_(timeline) {
  auto* layout = new QVBoxLayout(this);
  label_ = new QLabel(tr("Idle"));
  label_->setObjectName("generationStatus");
  label_->setWordWrap(true);
  label_->setTextFormat(Qt::PlainText);
  label_->setMaximumHeight(label_->fontMetrics().lineSpacing() * 4 + 4);
  label_->setAlignment(Qt::AlignLeft | Qt::AlignTop);
  layout->addWidget(label_);
  auto* row = new QHBoxLayout;
  bar_ = new QProgressBar;
  bar_->setObjectName("generationProgress");
  bar_->setRange(0, 1);
  bar_->setValue(0);
  row->addWidget(bar_, 1);
  cancel_ = new QPushButton(tr("Cancel"));
  cancel_->setObjectName("cancelGeneration");
  cancel_->setEnabled(false);
  row->addWidget(cancel_);
  layout->addLayout(row);
  waiting_ = new QListWidget;
  waiting_->setObjectName("generationQueue");
  waiting_->setMaximumHeight(80);
  layout->addWidget(waiting_);
  cancelAll_ = new QPushButton(tr("Cancel all"));
  cancelAll_->setObjectName("cancelAllGenerations");
  cancelAll_->setEnabled(false);
  layout->addWidget(cancelAll_, 0, Qt::AlignRight);
  layout->addStretch(1);

  connect(cancel_, &QPushButton::clicked, this, [this] { queue_->cancel(queue_->runningJob()); });
  connect(cancelAll_, &QPushButton::clicked, queue_, &GenerationQueue::cancelAll);
  connect(queue_, &GenerationQueue::jobStarted, this, [this](quint64, const QString& shotId) {
    bar_->setRange(0, 0);  // busy until the first step is known
    label_->setText(tr("%1: starting").arg(shotName(shotId)));
  });
  connect(queue_, &GenerationQueue::jobProgress, this, &GenerationPanel::showProgress);
  connect(queue_, &GenerationQueue::jobFinished, this, [this](const GenerationOutcome& outcome) {
    bar_->setRange(0, 1);
    bar_->setValue(1);
    label_->setText(tr("%1: new take, %2 s, made in %3 s")
                        .arg(shotName(outcome.shotId))
                        .arg(outcome.take.shownSeconds(), 0, 'f', 2)
                        .arg(outcome.take.wallSeconds, 0, 'f', 1));
  });
  connect(queue_, &GenerationQueue::jobFailed, this, [this](quint64, const QString& shotId, const QString& message, bool cancelled) {
    bar_->setRange(0, 1);
    bar_->setValue(0);
    // The whole message is in the dialog and the tooltip; the panel keeps to a few lines.
    label_->setText(cancelled ? tr("%1: cancelled").arg(shotName(shotId))
                              : tr("%1 failed: %2").arg(shotName(shotId), message.left(160)));
    label_->setToolTip(message);
  });
  connect(queue_, &GenerationQueue::queueChanged, this, &GenerationPanel::refreshQueue);
  connect(queue_, &GenerationQueue::modelLoadStarted, this, [this](const QString& folder) {
    label_->setText(tr("Loading model %1 …").arg(folder));
  });
  connect(queue_, &GenerationQueue::modelLoaded, this, [this] { label_->setText(tr("Model loaded. Idle.")); });
  connect(queue_, &GenerationQueue::modelFailed, this, [this](const QString& message) {
    label_->setText(tr("No model: %1").arg(message.left(160)));
    label_->setToolTip(message);
  });
}

QString GenerationPanel::shotName(const QString& shotId) const {
  const int row = timeline_->rowOf(shotId);
  return row >= 0 ? tr("Shot %1").arg(row + 1) : tr("A deleted shot");
}

void GenerationPanel::showProgress(quint64, const QString& shotId, const GenerationProgressInfo& p) {
  if (p.steps > 0 && p.stage == QLatin1String("denoising")) {
    bar_->setRange(0, p.steps);
    bar_->setValue(p.step);
  } else if (bar_->maximum() == 0) {
    bar_->setRange(0, 0);
  }
  QString text = tr("%1 · %2").arg(shotName(shotId), p.stage);
  if (p.steps > 0) text += tr(" · step %1/%2").arg(p.step).arg(p.steps);
  if (p.etaSeconds >= 0) text += tr(" · ETA %1 s").arg(p.etaSeconds, 0, 'f', p.etaSeconds < 10 ? 1 : 0);
  label_->setText(text);
}

void GenerationPanel::refreshQueue() {
  waiting_->clear();
  for (const GenerationJob& job : queue_->queued()) waiting_->addItem(tr("%1 (queued)").arg(shotName(job.shotId)));
  cancel_->setEnabled(queue_->runningJob() != 0);
  cancelAll_->setEnabled(queue_->busy());
}

}  // namespace kinema::studio
