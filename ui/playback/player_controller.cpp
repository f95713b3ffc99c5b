// Player: audio master clock, frame switching on the clock, transport.
#include "playback/player_controller.h"

#include <algorithm>
#include <cmath>

#include "core/log.h"

namespace kinema::studio {

PlayerController::PlayerController(QObject* parent)
    : QObject(parent), audio_(std::make_unique<media::AudioOutput>()) {
  timer_.setSingleShot(true);
  timer_.setTimerType(Qt::PreciseTimer);
  connect(&timer_, &QTimer::timeout, this, &PlayerController::tick);
}

PlayerController::~PlayerController() = default;

QString PlayerController::audioStatus() const { return QString::fromStdString(audio_->device_status()); }
bool PlayerController::hasAudioDevice() const { return audio_->has_device(); }

void PlayerController::setSequence(Sequence sequence) {
  const bool wasPlaying = playing_;
  const double wasSpeed = speed_;
  if (playing_) pause();
  sequence_ = std::move(sequence);
  const int rate = sequence_.naturalSampleRate(), channels = sequence_.naturalChannels();
  try {
    audio_->load(sequence_.empty() ? std::vector<float>() : sequence_.audio(rate, channels), channels, rate);
  } catch (const std::exception& e) {
    logger("ui")->warn("player: {}", e.what());
    audio_->load({}, 1, rate);
  }
  const int frame = std::clamp(frame_, 0, std::max(0, frameCount() - 1));
  emit sequenceChanged();
  seekFrame(frame);
  show(frame, true);
  if (wasPlaying && frame < frameCount() - 1) start(wasSpeed);
}

double PlayerController::position() const {
  if (playing_ && speed_ < 0) return reversePosition();
  return audio_->position();
}

int PlayerController::frameAt(double seconds) const {
  if (sequence_.fps <= 0 || frameCount() == 0) return 0;
  return std::clamp(static_cast<int>(std::floor(seconds * sequence_.fps + 1e-6)), 0, frameCount() - 1);
}

double PlayerController::reversePosition() const {
  return std::max(0.0, reverseFrom_ + speed_ * static_cast<double>(reverseClock_.nsecsElapsed()) * 1e-9);
}

void PlayerController::show(int frame, bool force) {
  if (frame == frame_ && !force && !image_.isNull()) return;
  frame_ = frame;
  image_ = sequence_.image(frame);
  emit frameChanged(frame_, image_);
}

void PlayerController::start(double speed) {
  if (frameCount() == 0) return;
  speed_ = speed;
  if (speed > 0) {
    // Playing on from the last frame starts over, as players do.
    if (frame_ >= frameCount() - 1) seekFrame(0);
    audio_->set_speed(speed);
    audio_->set_muted(false);
    audio_->play();
  } else {
    if (frame_ <= 0) seekFrame(frameCount() - 1);
    audio_->pause();
    reverseFrom_ = static_cast<double>(frame_ + 1) / sequence_.fps - 1e-6;
    reverseClock_.start();
  }
  playing_ = true;
  emit stateChanged();
  tick();
}

void PlayerController::play() {
  if (!playing_ || speed_ != 1.0) start(1.0);
}

void PlayerController::pause() {
  if (!playing_) return;
  const double at = position();
  playing_ = false;
  timer_.stop();
  audio_->pause();
  if (speed_ < 0) audio_->seek(at);
  speed_ = 1.0;
  audio_->set_speed(1.0);
  show(frameAt(at));
  emit stateChanged();
}

void PlayerController::togglePlay() {
  if (playing_)
    pause();
  else
    play();
}

void PlayerController::stepForward() {
  pause();
  seekFrame(frame_ + 1);
}

void PlayerController::stepBackward() {
  pause();
  seekFrame(frame_ - 1);
}

void PlayerController::shuttleForward() {
  start(playing_ && speed_ > 0 ? std::min(speed_ * 2, 4.0) : 1.0);
}

void PlayerController::shuttleBackward() {
  start(playing_ && speed_ < 0 ? std::max(speed_ * 2, -4.0) : -1.0);
}

void PlayerController::shuttleStop() { pause(); }

void PlayerController::setLoop(bool loop) {
  if (loop_ == loop) return;
  loop_ = loop;
  emit stateChanged();
}

void PlayerController::seekFrame(int frame) {
  if (frameCount() == 0) {
    audio_->seek(0);
    show(0, true);
    return;
  }
  frame = std::clamp(frame, 0, frameCount() - 1);
  audio_->seek(static_cast<double>(frame) / sequence_.fps);
  if (playing_ && speed_ < 0) {
    reverseFrom_ = static_cast<double>(frame + 1) / sequence_.fps - 1e-6;
    reverseClock_.start();
  }
  show(frame);
}

void PlayerController::beginScrub() {
  scrubbing_ = true;
  playAfterScrub_ = playing_;
  pause();
}

void PlayerController::scrubTo(int frame) { seekFrame(frame); }

void PlayerController::endScrub() {
  if (!scrubbing_) return;
  scrubbing_ = false;
  if (playAfterScrub_) play();
}

void PlayerController::tick() {
  if (!playing_) return;
  if (speed_ > 0) {
    if (audio_->finished()) {
      if (loop_) {
        seekFrame(0);
        audio_->play();
      } else {
        show(frameCount() - 1);
        playing_ = false;
        speed_ = 1.0;
        audio_->set_speed(1.0);
        emit stateChanged();
        return;
      }
    }
    show(frameAt(audio_->position()));
  } else {
    const double at = reversePosition();
    if (at <= 0.0) {
      if (loop_) {
        seekFrame(frameCount() - 1);
      } else {
        playing_ = false;
        speed_ = 1.0;
        audio_->seek(0);
        show(0);
        emit stateChanged();
        return;
      }
    } else {
      show(frameAt(at));
    }
  }
  scheduleTick();
}

// Wakes up just after the clock crosses the next frame boundary (and at least every 10 ms, so the
// clock's small corrections are picked up), rather than polling at a fixed rate.
void PlayerController::scheduleTick() {
  const double at = position();
  const double fps = sequence_.fps;
  double next = speed_ > 0 ? (std::floor(at * fps + 1e-6) + 1) / fps - at : at - std::floor(at * fps - 1e-6) / fps;
  next /= std::abs(speed_);
  const int ms = std::clamp(static_cast<int>(std::ceil(next * 1000.0)), 1, 10);
  timer_.start(ms);
}

}  // namespace kinema::studio
