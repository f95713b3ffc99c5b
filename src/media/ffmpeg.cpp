// The FFmpeg pieces the MP4 writer and reader share: owning handles, error text, log routing.
#include "media/ffmpeg.h"

#include <cstdarg>
#include <mutex>

#include "core/error.h"
#include "core/log.h"

namespace kinema::media::ffmpeg {

std::string Dictionary::unused_keys() const {
  std::string keys;
  const AVDictionaryEntry* entry = nullptr;
  while ((entry = av_dict_get(dict_, "", entry, AV_DICT_IGNORE_SUFFIX))) {
    if (!keys.empty()) keys += ", ";
    keys += entry->key;
  }
  return keys;
}

std::string error_text(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  if (av_strerror(code, text, sizeof(text)) < 0) return "FFmpeg error " + std::to_string(code);
  return text;
}

Frame make_frame() {
  Frame frame(av_frame_alloc());
  if (!frame) fail(ErrorKind::internal, "out of memory allocating an FFmpeg frame");
  return frame;
}

Packet make_packet() {
  Packet packet(av_packet_alloc());
  if (!packet) fail(ErrorKind::internal, "out of memory allocating an FFmpeg packet");
  return packet;
}

namespace {

void log_callback(void* object, int level, const char* format, va_list args) {
  if (level > av_log_get_level()) return;
  // FFmpeg sometimes logs one line in several calls; print_prefix carries that state per thread.
  thread_local int print_prefix = 1;
  char line[1024];
  av_log_format_line2(object, level, format, args, line, sizeof(line), &print_prefix);
  std::string text(line);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (text.empty()) return;
  static const auto log = logger("media");
  if (level <= AV_LOG_ERROR)
    log->warn("ffmpeg: {}", text);
  else
    log->info("ffmpeg: {}", text);
}

}  // namespace

void route_logs_to_spdlog() {
  static std::once_flag once;
  std::call_once(once, [] {
    av_log_set_level(AV_LOG_WARNING);
    av_log_set_callback(log_callback);
  });
}

}  // namespace kinema::media::ffmpeg
