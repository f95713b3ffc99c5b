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
  int damaged_packets = 0;  // packets whose data would not decode (a damaged file); see read_mp4
};

// Decodes every video frame to RGB24 and the audio to interleaved float at the file's own sample rate
// (mono stays mono, more than two channels are mixed down to stereo), with sound and picture both
// starting at t = 0. The frame rate is the stream's, rounded to whole frames per second. A file with
// no audio gives sample_rate 0. Throws kinema::Error naming the file: io when it cannot be opened,
// format when it is not a video FFmpeg can decode. A packet whose data is damaged does not stop the
// read, as it would not stop a player: it is counted in damaged_packets, its sound becomes silence of
// the same length (so the sound stays in step) and a damaged picture packet gives no frame.
MediaFile read_mp4(const std::filesystem::path& path);

}  // namespace kinema::media
