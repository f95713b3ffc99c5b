// The FFmpeg pieces the MP4 writer and reader share: owning handles, error text, log routing.
#pragma once

#include <memory>
#include <string>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/audio_fifo.h>
#include <libavutil/frame.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
}

namespace kinema::media::ffmpeg {

// Each handle frees itself; the deleters take the raw pointer the way std::unique_ptr hands it over.
struct CodecContextDeleter {
  void operator()(AVCodecContext* p) const { avcodec_free_context(&p); }
};
struct FrameDeleter {
  void operator()(AVFrame* p) const { av_frame_free(&p); }
};
struct PacketDeleter {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct SwsDeleter {
  void operator()(SwsContext* p) const { sws_freeContext(p); }
};
struct SwrDeleter {
  void operator()(SwrContext* p) const { swr_free(&p); }
};
struct AudioFifoDeleter {
  void operator()(AVAudioFifo* p) const { av_audio_fifo_free(p); }
};
struct InputContextDeleter {
  void operator()(AVFormatContext* p) const { avformat_close_input(&p); }
};
// An output context owns its AVIOContext once avio_open succeeded.
struct OutputContextDeleter {
  void operator()(AVFormatContext* p) const {
    if (p->pb && !(p->oformat->flags & AVFMT_NOFILE)) avio_closep(&p->pb);
    avformat_free_context(p);
  }
};

using CodecContext = std::unique_ptr<AVCodecContext, CodecContextDeleter>;
using Frame = std::unique_ptr<AVFrame, FrameDeleter>;
using Packet = std::unique_ptr<AVPacket, PacketDeleter>;
using Sws = std::unique_ptr<SwsContext, SwsDeleter>;
using Swr = std::unique_ptr<SwrContext, SwrDeleter>;
using AudioFifo = std::unique_ptr<AVAudioFifo, AudioFifoDeleter>;
using InputContext = std::unique_ptr<AVFormatContext, InputContextDeleter>;
using OutputContext = std::unique_ptr<AVFormatContext, OutputContextDeleter>;

// An AVDictionary* that frees itself; pass dict.out() where FFmpeg wants an AVDictionary**.
class Dictionary {
 public:
  Dictionary() = default;
  ~Dictionary() { av_dict_free(&dict_); }
  Dictionary(const Dictionary&) = delete;
  Dictionary& operator=(const Dictionary&) = delete;

  void set(const std::string& key, const std::string& value) { av_dict_set(&dict_, key.c_str(), value.c_str(), 0); }
  AVDictionary* get() const { return dict_; }
  AVDictionary** out() { return &dict_; }
  // The keys FFmpeg left unused (it removes the ones it consumed), comma-separated; empty when all were used.
  std::string unused_keys() const;

 private:
  AVDictionary* dict_ = nullptr;
};

// av_strerror's text for an FFmpeg return code.
std::string error_text(int code);

// Allocations that fail only when memory runs out; they throw instead of returning null.
Frame make_frame();
Packet make_packet();

// Routes FFmpeg's log lines to the "media" spdlog logger instead of stderr (once per process):
// FFmpeg errors become warnings, its warnings info lines; anything chattier is dropped.
void route_logs_to_spdlog();

}  // namespace kinema::media::ffmpeg
