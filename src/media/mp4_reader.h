// Reads a video file (MP4, WebM, anything FFmpeg opens) back into a Clip: RGB frames and float audio.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "media/clip.h"

namespace kinema::media {

struct MediaFile {
  Clip clip;
  std::map<std::string, std::string> metadata;  // the container's tags (title, comment, encoder, ...)
  std::string video_codec, audio_codec;  // FFmpeg's short names ("h264", "aac", "vp9"); audio empty without sound
};

// Decodes every video frame to RGB24 and the audio to interleaved float at the file's own sample rate
// (mono stays mono, more than two channels are mixed down to stereo), with sound and picture both
// starting at t = 0. The frame rate is the stream's, rounded to whole frames per second. A file with
// no audio gives sample_rate 0. Throws kinema::Error naming the file: io when it cannot be opened,
// format when it is not a video FFmpeg can decode.
MediaFile read_mp4(const std::filesystem::path& path);

}  // namespace kinema::media
