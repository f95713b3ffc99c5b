// Runs the ffprobe and ffmpeg command-line tools for the media tests: an independent reading of our files.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "core/json.h"

namespace kinema::media::testing {

inline std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// Runs a shell command and returns its standard output; throws if it exits non-zero.
inline std::string run_command(const std::string& command) {
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run: " + command);
  std::string output;
  char buffer[65536];
  size_t got;
  while ((got = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) output.append(buffer, got);
  const int status = ::pclose(pipe);
  if (status != 0) throw std::runtime_error("command failed (status " + std::to_string(status) + "): " + command);
  return output;
}

// ffprobe's JSON for a file: streams (with counted frames) and format.
inline Json ffprobe(const std::filesystem::path& file) {
  return Json::parse(
      run_command("ffprobe -v error -of json -count_frames -show_streams -show_format " + shell_quote(file.string())));
}

// The first stream of a type ("video", "audio") in ffprobe's JSON.
inline Json ffprobe_stream(const Json& probe, const std::string& type) {
  for (const Json& stream : probe.at("streams"))
    if (stream.at("codec_type") == type) return stream;
  throw std::runtime_error("ffprobe found no " + type + " stream");
}

// Runs ffmpeg quietly with the given arguments (overwriting outputs).
inline std::string run_ffmpeg(const std::string& arguments) {
  return run_command("ffmpeg -nostdin -v error -y " + arguments);
}

}  // namespace kinema::media::testing
