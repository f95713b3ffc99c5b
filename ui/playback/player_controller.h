// The preview player's logic: the sequence's sound plays through OpenAL and its clock is the master;
// the picture follows it, switching frames when the clock crosses a frame boundary. Also the transport:
// play/pause, one frame back/forward, J/K/L shuttle, loop, scrubbing.
#pragma once

#include <QElapsedTimer>
#include <QImage>
#include <QObject>
#include <QTimer>

#include <memory>

#include "media/audio_output.h"
#include "models/sequence.h"

namespace kinema::studio {

class PlayerController : public QObject {
  Q_OBJECT
 public:
  explicit PlayerController(QObject* parent = nullptr);  // opens the default audio device, or none
  ~PlayerController() override;

  QString audioStatus() const;
  bool hasAudioDevice() const;
  const media::AudioOutput& audio() const { return *audio_; }

  // Shows a new sequence, keeping the current frame where it can (and playing on if it was).
  void setSequence(Sequence sequence);
  const Sequence& sequence() const { return sequence_; }

  int frame() const { return frame_; }
  int frameCount() const { return sequence_.frameCount(); }
  double position() const;  // seconds, by the master clock
  bool isPlaying() const { return playing_; }
  double speed() const { return speed_; }  // negative: backwards
  bool loop() const { return loop_; }
  QImage image() const { return image_; }

 public slots:
  void play();
  void pause();
  void togglePlay();
  void stepForward();
  void stepBackward();
  void shuttleForward();   // L: play forward; again: 2x, 4x
  void shuttleBackward();  // J: play backward; again: 2x, 4x
  void shuttleStop();      // K
  void setLoop(bool loop);
  void seekFrame(int frame);
  void beginScrub();
  void scrubTo(int frame);
  void endScrub();

 signals:
  void frameChanged(int frame, const QImage& image);
  void stateChanged();  // playing, speed or loop changed
  void sequenceChanged();

 private:
  void start(double speed);
  void tick();
  void scheduleTick();
  void show(int frame, bool force = false);
  int frameAt(double seconds) const;
  double reversePosition() const;

  std::unique_ptr<media::AudioOutput> audio_;
  Sequence sequence_;
  QTimer timer_;
  bool playing_ = false;
  double speed_ = 1.0;
  bool loop_ = false;
  bool scrubbing_ = false;
  bool playAfterScrub_ = false;
  int frame_ = 0;
  QImage image_;
  // Backwards there is no sound to follow: the wall clock runs from here.
  double reverseFrom_ = 0.0;
  QElapsedTimer reverseClock_;
};

}  // namespace kinema::studio
