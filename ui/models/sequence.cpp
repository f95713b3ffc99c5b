// Building the playable/exportable sequence from the timeline, and its continuous sound.
#include "models/sequence.h"

#include <QObject>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "models/timeline_model.h"

namespace kinema::studio {
namespace {

// Linear interpolation of channel `channel` (mapped onto the clip's channels) at fractional sample `pos`.
float sampleAt(const media::Clip& clip, double pos, int channel, int outChannels) {
  const int64_t count = clip.audio_samples();
  if (count == 0 || pos < 0 || pos > static_cast<double>(count - 1)) return 0.0f;
  const auto i = static_cast<int64_t>(std::floor(pos));
  const double frac = pos - static_cast<double>(i);
  const int64_t j = std::min(i + 1, count - 1);
  const auto value = [&](int64_t n) {
    if (clip.channels == outChannels) return clip.audio[n * clip.channels + channel];
    if (clip.channels == 1) return clip.audio[n];
    float sum = 0.0f;  // more channels than wanted: mix them down
    for (int c = 0; c < clip.channels; ++c) sum += clip.audio[n * clip.channels + c];
    return sum / static_cast<float>(clip.channels);
  };
  return static_cast<float>(value(i) * (1.0 - frac) + value(j) * frac);
}

}  // namespace

int Sequence::segmentAt(int frame) const {
  if (frame < 0) return -1;
  for (int i = 0; i < segments.size(); ++i)
    if (frame < segments[i].start + segments[i].frames) return i;
  return -1;
}

QImage Sequence::image(int frame) const {
  const int i = segmentAt(frame);
  if (i < 0) return {};
  const SequenceSegment& s = segments[i];
  return frameImage(*s.clip, s.firstFrame + frame - s.start);
}

int Sequence::naturalSampleRate() const {
  for (const auto& s : segments)
    if (s.clip->sample_rate > 0) return s.clip->sample_rate;
  return 48000;
}

int Sequence::naturalChannels() const {
  int channels = 1;
  for (const auto& s : segments)
    if (s.clip->sample_rate > 0) channels = std::max(channels, std::min(s.clip->channels, 2));
  return channels;
}

std::vector<float> Sequence::audio(int rate, int channels) const {
  const auto boundary = [&](int frame) { return static_cast<int64_t>(std::llround(static_cast<double>(frame) * rate / fps)); };
  std::vector<float> out(static_cast<size_t>(boundary(frameCount()) * channels), 0.0f);
  for (const SequenceSegment& s : segments) {
    const media::Clip& clip = *s.clip;
    if (clip.sample_rate <= 0 || clip.audio.empty()) continue;
    const int64_t from = boundary(s.start), to = boundary(s.start + s.frames);
    const double sourceStart = static_cast<double>(s.firstFrame) / fps * clip.sample_rate;
    const double step = static_cast<double>(clip.sample_rate) / rate;
    const bool same = clip.sample_rate == rate && clip.channels == channels;
    const auto first = static_cast<int64_t>(std::llround(sourceStart));
    for (int64_t j = from; j < to; ++j) {
      if (same) {  // the common case: copy
        const int64_t n = first + (j - from);
        if (n >= clip.audio_samples()) break;
        std::memcpy(&out[j * channels], &clip.audio[n * channels], sizeof(float) * channels);
        continue;
      }
      const double pos = sourceStart + static_cast<double>(j - from) * step;
      for (int c = 0; c < channels; ++c) out[j * channels + c] = sampleAt(clip, pos, c, channels);
    }
  }
  return out;
}

media::Clip Sequence::assemble() const {
  media::Clip clip;
  clip.width = width;
  clip.height = height;
  clip.fps = fps;
  clip.frames.reserve(clip.frame_bytes() * frameCount());
  for (const SequenceSegment& s : segments) {
    const uint8_t* begin = s.clip->frame(s.firstFrame);
    clip.frames.insert(clip.frames.end(), begin, begin + s.clip->frame_bytes() * s.frames);
  }
  clip.sample_rate = naturalSampleRate();
  clip.channels = naturalChannels();
  clip.audio = audio(clip.sample_rate, clip.channels);
  return clip;
}

Sequence buildSequence(const TimelineModel& timeline, MediaLibrary& media, int onlyRow) {
  Sequence sequence;
  QStringList problems;
  for (int row = 0; row < timeline.rowCount(); ++row) {
    if (onlyRow >= 0 && row != onlyRow) continue;
    const Shot& shot = timeline.shot(row);
    const Take* take = shot.current();
    if (!take) continue;
    ClipPtr clip = media.clip(take->file);
    if (!clip) {
      if (!media.failure(take->file).isEmpty())
        problems << QObject::tr("shot %1: its take cannot be read (%2)").arg(row + 1).arg(media.failure(take->file));
      continue;
    }
    const int shown = std::min(take->shownFrames(), clip->frame_count() - take->heldFrames);
    if (shown <= 0) continue;
    if (sequence.segments.isEmpty()) {
      sequence.fps = clip->fps;
      sequence.width = clip->width;
      sequence.height = clip->height;
    } else if (clip->fps != sequence.fps || clip->width != sequence.width || clip->height != sequence.height) {
      problems << QObject::tr("shot %1 is %2x%3 at %4 fps, unlike the shots before it (%5x%6 at %7 fps)")
                      .arg(row + 1)
                      .arg(clip->width)
                      .arg(clip->height)
                      .arg(clip->fps)
                      .arg(sequence.width)
                      .arg(sequence.height)
                      .arg(sequence.fps);
      continue;
    }
    sequence.segments.append({shot.id, row, clip, take->heldFrames, shown, sequence.frameCount()});
  }
  sequence.problem = problems.join(QStringLiteral("; "));
  return sequence;
}

}  // namespace kinema::studio
