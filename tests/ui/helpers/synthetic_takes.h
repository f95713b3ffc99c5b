// Takes made without the engine, for tests of the timeline, sequence and player: solid-colour frames
// with the frame number in the green channel, and sound with a click at chosen frames.
#pragma once

#include <QString>

#include <cmath>
#include <memory>

#include "media/clip.h"
#include "models/media_library.h"
#include "models/shot.h"

namespace kinema::studio::testing {

// `frames` frames at `fps`, 16x16; pixel (r, g, b) = (red, frame index, 0).
inline media::Clip numberedClip(int frames, int fps, uint8_t red, int sampleRate = 48000, int channels = 2) {
  media::Clip clip;
  clip.width = 16;
  clip.height = 16;
  clip.fps = fps;
  clip.frames.resize(clip.frame_bytes() * frames);
  for (int f = 0; f < frames; ++f)
    for (int p = 0; p < 16 * 16; ++p) {
      clip.frame(f)[p * 3] = red;
      clip.frame(f)[p * 3 + 1] = static_cast<uint8_t>(f);
      clip.frame(f)[p * 3 + 2] = 0;
    }
  if (sampleRate > 0) {
    clip.sample_rate = sampleRate;
    clip.channels = channels;
    clip.audio.assign(static_cast<size_t>(std::llround(static_cast<double>(frames) / fps * sampleRate) * channels), 0.0f);
  }
  return clip;
}

// A single-sample click at the start of frame `frame`, in every channel.
inline void addClickAtFrame(media::Clip& clip, int frame, float value = 0.9f) {
  const auto sample = static_cast<size_t>(std::llround(static_cast<double>(frame) / clip.fps * clip.sample_rate));
  for (int c = 0; c < clip.channels; ++c) clip.audio[sample * clip.channels + c] = value;
}

// A shot with one take whose clip is adopted by `media` under a made-up file name.
inline Shot shotWithTake(MediaLibrary& media, const QString& name, media::Clip clip, int heldFrames = 0) {
  Shot shot;
  shot.id = newShotId();
  shot.settings.prompt = name;
  Take take;
  take.id = newTakeId();
  take.file = name + ".mp4";
  take.frames = clip.frame_count();
  take.heldFrames = heldFrames;
  take.fps = clip.fps;
  take.seed = 7;
  shot.takes.append(take);
  shot.currentTake = 0;
  media.adopt(take.file, std::make_shared<const media::Clip>(std::move(clip)));
  return shot;
}

}  // namespace kinema::studio::testing
