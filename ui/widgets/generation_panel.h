// The generation panel: the running request's progress (stage, step, ETA) with Cancel, and the queue.
#pragma once

#include <QWidget>

class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;

namespace kinema::studio {

class GenerationQueue;
class TimelineModel;
struct GenerationProgressInfo;

class GenerationPanel : public QWidget {
  Q_OBJECT
 public:
  GenerationPanel(GenerationQueue* queue, TimelineModel* timeline, QWidget* parent = nullptr);
  QProgressBar* progressBar() const { return bar_; }
  QLabel* statusLabel() const { return label_; }

 private:
  QString shotName(const QString& shotId) const;
  void showProgress(quint64 id, const QString& shotId, const GenerationProgressInfo& p);
  void refreshQueue();

  GenerationQueue* queue_;
  TimelineModel* timeline_;
  QProgressBar* bar_;
  QLabel* label_;
  QPushButton* cancel_;
  QPushButton* cancelAll_;
  QListWidget* waiting_;
};

}  // namespace kinema::studio
