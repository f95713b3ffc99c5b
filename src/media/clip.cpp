#include "media/clip.h"

#include <algorithm>
#include <cmath>

namespace kinema::media {

Clip excerpt(const Clip& clip, int first, int count) {
  first = std::clamp(first, 0, clip.frame_count());
  count = std::clamp(count, 0, clip.frame_count() - first);
  Clip out{clip.width, clip.height, clip.fps, {}, clip.sample_rate, clip.channels, {}};  // the format, no content
  out.frames.assign(clip.frame(first), clip.frame(first) + clip.frame_bytes() * count);
  if (clip.sample_rate > 0 && clip.fps > 0 && clip.channels > 0) {
    auto sample_at = [&](int frame) {
      return std::min<int64_t>(clip.audio_samples(), std::llround(static_cast<double>(frame) * clip.sample_rate / clip.fps));
    };
    const int64_t begin = sample_at(first), end = sample_at(first + count);
    out.audio.assign(clip.audio.begin() + begin * clip.channels, clip.audio.begin() + end * clip.channels);
  }
  return out;
}

}  // namespace kinema::media
