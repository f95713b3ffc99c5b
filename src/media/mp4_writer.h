// Writes a Clip as an MP4 file: H.264 (libx264, yuv420p, BT.709) and AAC-LC 48 kHz stereo, via FFmpeg.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include "media/clip.h"

#ifndef KINEMA_VERSION
#error "KINEMA_VERSION is defined by the build (kinema_options); link kinema_media through CMake"
#endif

namespace kinema::media {

struct Mp4Options {
  int crf = 18;                                    // x264 constant rate factor, 0 (lossless) .. 51
  std::string preset = "medium";                   // x264 preset, ultrafast .. placebo
  bool bitexact = false;                           // two writes of the same clip give the same bytes
  std::string title, comment;                      // MP4 metadata; left out when empty
  std::string encoder = "Kinema " KINEMA_VERSION;  // the encoder tag; left out when empty
  // Further metadata. Keys the iTunes-style MP4 tag list knows (artist, date, description, ...) are
  // written there; any other key switches the file to QuickTime "mdta" keys, which hold any name.
  std::map<std::string, std::string> metadata;
  int audio_bitrate = 192000;  // bits per second
};

// Called with the fraction done (0..1) at least once per video frame; return false to cancel.
using Mp4Progress = std::function<bool(double fraction)>;

// Writes clip to path, replacing any file there only once the new file is complete.
// The audio track is as long as the picture (padded with silence or cut); a clip without sound gets
// a silent track. Throws kinema::Error: invalid_input for a clip or options that cannot be encoded,
// io when the file cannot be written, cancelled when progress returned false, internal when an
// encoder fails. On any error a file already at path is left as it was, and no temporary file remains.
void write_mp4(const Clip& clip, const std::filesystem::path& path, const Mp4Options& options = {},
               const Mp4Progress& progress = {});

}  // namespace kinema::media
