// Player widgets: painting the frame, the scrub bar, and the transport row.
#include "widgets/player_widget.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "playback/player_controller.h"

namespace kinema::studio {

VideoView::VideoView(QWidget* parent) : QWidget(parent) {
  setMinimumSize(160, 120);
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
  setAttribute(Qt::WA_OpaquePaintEvent);
}

void VideoView::setImage(const QImage& image) {
  image_ = image;
  update();
}

void VideoView::setPlaceholder(const QString& text) {
  placeholder_ = text;
  update();
}

void VideoView::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  painter.fillRect(rect(), QColor(18, 18, 20));
  if (image_.isNull()) {
    painter.setPen(QColor(160, 160, 165));
    painter.drawText(rect().adjusted(20, 20, -20, -20), Qt::AlignCenter | Qt::TextWordWrap, placeholder_);
    return;
  }
  const QSize fitted = image_.size().scaled(size(), Qt::KeepAspectRatio);
  const QRect target(QPoint((width() - fitted.width()) / 2, (height() - fitted.height()) / 2), fitted);
  // Small model frames are shown as their pixels rather than blurred; larger ones smoothly.
  painter.setRenderHint(QPainter::SmoothPixmapTransform, image_.width() >= 128);
  painter.drawImage(target, image_);
}

ScrubBar::ScrubBar(QWidget* parent) : QWidget(parent) {
  setObjectName("scrubBar");
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
  setCursor(Qt::PointingHandCursor);
}

void ScrubBar::setCuts(int frameCount, const QList<int>& cuts) {
  frames_ = frameCount;
  cuts_ = cuts;
  update();
}

void ScrubBar::setFrame(int frame) {
  frame_ = frame;
  update();
}

int ScrubBar::frameAt(int x) const {
  if (frames_ <= 0) return 0;
  const double fraction = std::clamp(static_cast<double>(x - 4) / std::max(1, width() - 8), 0.0, 1.0);
  return std::clamp(static_cast<int>(fraction * frames_), 0, frames_ - 1);
}

int ScrubBar::xOf(int frame) const {
  if (frames_ <= 0) return 4;
  return 4 + static_cast<int>(std::lround((frame + 0.5) / frames_ * (width() - 8)));
}

void ScrubBar::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  const QRect track = rect().adjusted(4, 6, -4, -6);
  painter.fillRect(track, palette().color(QPalette::Base).darker(110));
  if (frames_ <= 0) return;
  QList<int> bounds = cuts_;
  bounds.prepend(0);
  bounds.append(frames_);
  for (int i = 0; i + 1 < bounds.size(); ++i) {
    const int x0 = 4 + bounds[i] * (width() - 8) / frames_, x1 = 4 + bounds[i + 1] * (width() - 8) / frames_;
    painter.fillRect(QRect(x0, track.top(), x1 - x0, track.height()),
                     i % 2 ? QColor(70, 110, 160) : QColor(90, 135, 190));
  }
  painter.setPen(QPen(QColor(240, 240, 240), 2));
  for (int cut : cuts_) {
    const int x = 4 + cut * (width() - 8) / frames_;
    painter.drawLine(x, 2, x, height() - 2);
  }
  painter.setPen(QPen(QColor(250, 70, 60), 2));
  const int x = xOf(frame_);
  painter.drawLine(x, 0, x, height());
}

void ScrubBar::mousePressEvent(QMouseEvent* event) {
  if (event->button() != Qt::LeftButton || frames_ <= 0) return;
  dragging_ = true;
  emit scrubStarted();
  emit scrubbedTo(frameAt(event->position().toPoint().x()));
}

void ScrubBar::mouseMoveEvent(QMouseEvent* event) {
  if (dragging_) emit scrubbedTo(frameAt(event->position().toPoint().x()));
}

void ScrubBar::mouseReleaseEvent(QMouseEvent* event) {
  if (!dragging_ || event->button() != Qt::LeftButton) return;
  dragging_ = false;
  emit scrubbedTo(frameAt(event->position().toPoint().x()));
  emit scrubFinished();
}

PlayerWidget::PlayerWidget(PlayerController* controller, QWidget* parent) : QWidget(parent), controller_(controller) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  view_ = new VideoView;
  view_->setObjectName("videoView");
  view_->setPlaceholder(tr("No take yet.\nWrite a prompt and press Generate."));
  layout->addWidget(view_, 1);
  scrub_ = new ScrubBar;
  layout->addWidget(scrub_);

  auto* row = new QHBoxLayout;
  const auto button = [this, row](const QString& name, QStyle::StandardPixmap icon, const QString& tip) {
    auto* b = new QToolButton;
    b->setObjectName(name);
    b->setIcon(style()->standardIcon(icon));
    b->setToolTip(tip);
    b->setFocusPolicy(Qt::NoFocus);
    row->addWidget(b);
    return b;
  };
  back_ = button("frameBack", QStyle::SP_MediaSeekBackward, tr("One frame back (Left)"));
  play_ = button("playPause", QStyle::SP_MediaPlay, tr("Play / pause (Space); J/K/L shuttle"));
  forward_ = button("frameForward", QStyle::SP_MediaSeekForward, tr("One frame forward (Right)"));
  loop_ = button("loop", QStyle::SP_BrowserReload, tr("Loop"));
  loop_->setCheckable(true);
  time_ = new QLabel;
  time_->setObjectName("timeLabel");
  time_->setMinimumWidth(190);
  speed_ = new QLabel;
  speed_->setObjectName("speedLabel");
  row->addSpacing(8);
  row->addWidget(time_);
  row->addWidget(speed_);
  row->addStretch(1);
  layout->addLayout(row);

  connect(back_, &QToolButton::clicked, controller_, &PlayerController::stepBackward);
  connect(forward_, &QToolButton::clicked, controller_, &PlayerController::stepForward);
  connect(play_, &QToolButton::clicked, controller_, &PlayerController::togglePlay);
  connect(loop_, &QToolButton::toggled, controller_, &PlayerController::setLoop);
  connect(scrub_, &ScrubBar::scrubStarted, controller_, &PlayerController::beginScrub);
  connect(scrub_, &ScrubBar::scrubbedTo, controller_, &PlayerController::scrubTo);
  connect(scrub_, &ScrubBar::scrubFinished, controller_, &PlayerController::endScrub);
  connect(controller_, &PlayerController::frameChanged, this, [this](int frame, const QImage& image) {
    view_->setImage(image);
    scrub_->setFrame(frame);
    updateTime(frame);
  });
  connect(controller_, &PlayerController::stateChanged, this, &PlayerWidget::updateTransport);
  connect(controller_, &PlayerController::sequenceChanged, this, [this] {
    const Sequence& s = controller_->sequence();
    QList<int> cuts;
    for (int i = 1; i < s.segments.size(); ++i) cuts << s.segments[i].start;
    scrub_->setCuts(s.frameCount(), cuts);
    updateTime(controller_->frame());
  });
  updateTransport();
  updateTime(0);
}

void PlayerWidget::updateTransport() {
  play_->setIcon(style()->standardIcon(controller_->isPlaying() ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
  const QSignalBlocker block(loop_);
  loop_->setChecked(controller_->loop());
  const double speed = controller_->speed();
  speed_->setText(controller_->isPlaying() && speed != 1.0 ? QStringLiteral("%1×").arg(speed) : QString());
}

void PlayerWidget::updateTime(int frame) {
  const Sequence& s = controller_->sequence();
  if (s.empty()) {
    time_->setText(tr("--:--.-- / --:--.--"));
    return;
  }
  const auto clock = [&](int f) {
    const double t = static_cast<double>(f) / s.fps;
    const int minutes = static_cast<int>(t) / 60;
    return QStringLiteral("%1:%2").arg(minutes, 2, 10, QChar('0')).arg(t - minutes * 60, 5, 'f', 2, QChar('0'));
  };
  const int segment = s.segmentAt(frame);
  time_->setText(tr("%1 / %2 · frame %3 · shot %4")
                     .arg(clock(frame), clock(s.frameCount()))
                     .arg(frame + 1)
                     .arg(segment >= 0 ? s.segments[segment].row + 1 : 0));
}

}  // namespace kinema::studio
