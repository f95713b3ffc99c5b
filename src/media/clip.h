// A clip: RGB frames at a constant frame rate plus PCM audio; what the engine makes and the writer encodes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace kinema::media {

struct Clip {
  int width = 0;
  int height = 0;
  int fps = 0;                  // constant frame rate, frames per second
  std::vector<uint8_t> frames;  // RGB24, frame-major: frames[((f * height + y) * width + x) * 3 + c]

  int sample_rate = 0;      // Hz; 0 when the clip has no sound
  int channels = 1;         // 1 = mono, 2 = stereo
  std::vector<float> audio;  // interleaved samples in [-1, 1]

  int frame_count() const { return width > 0 && height > 0 ? static_cast<int>(frames.size() / frame_bytes()) : 0; }
  size_t frame_bytes() const { return static_cast<size_t>(width) * height * 3; }
  uint8_t* frame(int index) { return frames.data() + frame_bytes() * index; }
  const uint8_t* frame(int index) const { return frames.data() + frame_bytes() * index; }
  double duration_seconds() const { return fps > 0 ? static_cast<double>(frame_count()) / fps : 0.0; }
  int64_t audio_samples() const { return channels > 0 ? static_cast<int64_t>(audio.size()) / channels : 0; }
};

// Frames [first, first + count) of a clip (clamped to the frames it has) and the sound under them.
Clip excerpt(const Clip& clip, int first, int count);

}  // namespace kinema::media
