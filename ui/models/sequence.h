// The timeline as something to play or export: the shown part of each shot's current take, end to end,
// with one continuous sound track.
#pragma once

#include <QImage>
#include <QList>
#include <QString>

#include <vector>

#include "media/clip.h"
#include "models/media_library.h"

namespace kinema::studio {

class TimelineModel;

struct SequenceSegment {
  QString shotId;
  int row = -1;
  ClipPtr clip;
  int firstFrame = 0;  // first frame of the clip that is shown (after the frames held from the shot before)
  int frames = 0;      // frames shown
  int start = 0;       // where it starts in the sequence, in frames
};

class Sequence {
 public:
  QList<SequenceSegment> segments;
  int fps = 0;
  int width = 0;
  int height = 0;
  QString problem;  // why a shot was left out (different size or frame rate, media missing), empty if none

  int frameCount() const { return segments.isEmpty() ? 0 : segments.back().start + segments.back().frames; }
  double duration() const { return fps > 0 ? static_cast<double>(frameCount()) / fps : 0.0; }
  bool empty() const { return segments.isEmpty(); }
  int segmentAt(int frame) const;  // index of the segment showing sequence frame `frame`, or -1
  QImage image(int frame) const;   // the picture at sequence frame `frame` (null outside)

  // The sound of the sequence at `rate` Hz with `channels` channels, exactly as long as the picture.
  // Each shot's sound starts where its picture starts (its held frames' sound is left out with them);
  // a take without sound gives silence; other rates and channel counts are converted.
  std::vector<float> audio(int rate, int channels) const;
  // The sample rate and channels the takes mostly have (48 kHz stereo from the MP4 reader).
  int naturalSampleRate() const;
  int naturalChannels() const;

  // Frames and sound as one clip, for the MP4 writer.
  media::Clip assemble() const;
};

// The timeline's shots that have a decoded current take, in order; `onlyRow` >= 0 takes just that shot.
// Takes still decoding are left out (and start decoding); shots whose size or frame rate differ from the
// first shot's are left out and named in `problem`.
Sequence buildSequence(const TimelineModel& timeline, MediaLibrary& media, int onlyRow = -1);

}  // namespace kinema::studio
