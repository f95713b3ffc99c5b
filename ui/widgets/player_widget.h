// The preview player's widgets: the picture, the transport buttons, the time, and a scrub bar over the
// whole timeline with its cuts marked.
#pragma once

#include <QImage>
#include <QWidget>

class QLabel;
class QToolButton;

namespace kinema::studio {

class PlayerController;

class VideoView : public QWidget {
  Q_OBJECT
 public:
  explicit VideoView(QWidget* parent = nullptr);
  void setImage(const QImage& image);
  void setPlaceholder(const QString& text);
  QSize sizeHint() const override { return {480, 360}; }

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  QImage image_;
  QString placeholder_;
};

// A bar over the whole sequence: shots as alternating bands, cuts as ticks, the playhead as a line.
// Press and drag to scrub.
class ScrubBar : public QWidget {
  Q_OBJECT
 public:
  explicit ScrubBar(QWidget* parent = nullptr);
  void setCuts(int frameCount, const QList<int>& cuts);
  void setFrame(int frame);
  int frameAt(int x) const;
  int xOf(int frame) const;
  QSize sizeHint() const override { return {400, 28}; }
  QSize minimumSizeHint() const override { return {80, 22}; }

 signals:
  void scrubStarted();
  void scrubbedTo(int frame);
  void scrubFinished();

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;

 private:
  int frames_ = 0;
  QList<int> cuts_;
  int frame_ = 0;
  bool dragging_ = false;
};

class PlayerWidget : public QWidget {
  Q_OBJECT
 public:
  PlayerWidget(PlayerController* controller, QWidget* parent = nullptr);
  VideoView* view() const { return view_; }
  ScrubBar* scrubBar() const { return scrub_; }

 private:
  void updateTransport();
  void updateTime(int frame);
  PlayerController* controller_;
  VideoView* view_;
  ScrubBar* scrub_;
  QToolButton* play_;
  QToolButton* back_;
  QToolButton* forward_;
  QToolButton* loop_;
  QLabel* time_;
  QLabel* speed_;
};

}  // namespace kinema::studio
