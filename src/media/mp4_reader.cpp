// Reads a video file (MP4, WebM, anything FFmpeg opens) back into a Clip: RGB frames and float audio.
#include "media/mp4_reader.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>
#include <tuple>

#include "core/error.h"
#include "core/log.h"
#include "media/ffmpeg.h"

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/pixdesc.h>
}

namespace kinema::media {
namespace fs = std::filesystem;

namespace {

std::string where(const fs::path& path) { return "cannot read " + path.string() + ": "; }

void check(int code, const fs::path& path, const std::string& what) {
  if (code < 0) fail(ErrorKind::format, where(path) + what + ": " + ffmpeg::error_text(code));
}

ffmpeg::InputContext open_input(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) fail(ErrorKind::io, where(path) + "no such file");
  if (fs::is_directory(path, ec)) fail(ErrorKind::io, where(path) + "it is a folder");
  AVFormatContext* raw = nullptr;
  const int opened = avformat_open_input(&raw, path.c_str(), nullptr, nullptr);
  if (opened == AVERROR(EACCES) || opened == AVERROR(EIO))
    fail(ErrorKind::io, where(path) + ffmpeg::error_text(opened));
  check(opened, path, "not a media file FFmpeg can open");
  ffmpeg::InputContext input(raw);
  check(avformat_find_stream_info(input.get(), nullptr), path, "cannot find the streams");
  return input;
}

ffmpeg::CodecContext open_decoder(const AVStream& stream, const fs::path& path) {
  const char* name = avcodec_get_name(stream.codecpar->codec_id);
  const AVCodec* codec = avcodec_find_decoder(stream.codecpar->codec_id);
  if (!codec) fail(ErrorKind::format, where(path) + "this FFmpeg has no decoder for " + name);
  ffmpeg::CodecContext context(avcodec_alloc_context3(codec));
  if (!context) fail(ErrorKind::internal, where(path) + "out of memory allocating the " + name + " decoder");
  check(avcodec_parameters_to_context(context.get(), stream.codecpar), path,
        std::string("cannot set up the ") + name + " decoder");
  context->pkt_timebase = stream.time_base;
  context->thread_count = 0;  // as many as the machine has
  check(avcodec_open2(context.get(), codec, nullptr), path, std::string("cannot open the ") + name + " decoder");
  return context;
}

int rounded_frame_rate(AVFormatContext* input, AVStream* stream, const fs::path& path) {
  AVRational rate = av_guess_frame_rate(input, stream, nullptr);
  if (rate.num <= 0 || rate.den <= 0) rate = stream->avg_frame_rate;
  if (rate.num <= 0 || rate.den <= 0) rate = stream->r_frame_rate;
  const long fps = (rate.num > 0 && rate.den > 0) ? std::lround(av_q2d(rate)) : 0;
  if (fps < 1) fail(ErrorKind::format, where(path) + "cannot tell the video's frame rate");
  return static_cast<int>(fps);
}

// The time of a decoded frame in seconds, if it has one.
std::optional<double> frame_seconds(const AVFrame& frame, AVRational time_base) {
  const int64_t ts = frame.pts != AV_NOPTS_VALUE ? frame.pts : frame.best_effort_timestamp;
  if (ts == AV_NOPTS_VALUE) return std::nullopt;
  return static_cast<double>(ts) * av_q2d(time_base);
}

// swscale's name for the matrix a frame was coded with.
int sws_colorspace(const AVFrame& frame) {
  switch (frame.colorspace) {
    case AVCOL_SPC_BT709:
      return SWS_CS_ITU709;
    case AVCOL_SPC_FCC:
      return SWS_CS_FCC;
    case AVCOL_SPC_BT470BG:
    case AVCOL_SPC_SMPTE170M:
      return SWS_CS_ITU601;
    case AVCOL_SPC_SMPTE240M:
      return SWS_CS_SMPTE240M;
    case AVCOL_SPC_BT2020_NCL:
    case AVCOL_SPC_BT2020_CL:
      return SWS_CS_BT2020;
    default:
      return frame.height >= 720 ? SWS_CS_ITU709 : SWS_CS_ITU601;  // untagged: the HD / SD convention
  }
}

bool full_range(const AVFrame& frame) {
  switch (frame.format) {
    case AV_PIX_FMT_YUVJ420P:
    case AV_PIX_FMT_YUVJ422P:
    case AV_PIX_FMT_YUVJ444P:
    case AV_PIX_FMT_YUVJ440P:
      return true;
    default:
      return frame.color_range == AVCOL_RANGE_JPEG;
  }
}

// Appends decoded pictures to a Clip as RGB24 at the first picture's size.
class RgbAppender {
 public:
  RgbAppender(Clip& clip, const fs::path& path) : clip_(clip), path_(path) {}

  void append(const AVFrame& frame) {
    if (clip_.width == 0) {
      clip_.width = frame.width;
      clip_.height = frame.height;
    }
    prepare(frame);
    const size_t offset = clip_.frames.size();
    clip_.frames.resize(offset + clip_.frame_bytes());
    uint8_t* const rgb[4] = {clip_.frames.data() + offset, nullptr, nullptr, nullptr};
    const int rgb_stride[4] = {clip_.width * 3, 0, 0, 0};
    const int rows = sws_scale(sws_.get(), frame.data, frame.linesize, 0, frame.height, rgb, rgb_stride);
    if (rows != clip_.height) fail(ErrorKind::format, where(path_) + "cannot convert a picture to RGB");
  }

 private:
  // (Re)builds the conversion when the coded size, pixel format or colour matrix changes.
  void prepare(const AVFrame& frame) {
    const auto key = std::make_tuple(frame.width, frame.height, frame.format, sws_colorspace(frame), full_range(frame));
    if (sws_ && key == key_) return;
    key_ = key;
    const auto format = static_cast<AVPixelFormat>(frame.format);
    sws_.reset(sws_getContext(frame.width, frame.height, format, clip_.width, clip_.height, AV_PIX_FMT_RGB24,
                              SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT, nullptr, nullptr, nullptr));
    if (!sws_)
      fail(ErrorKind::format, where(path_) + "cannot convert " + av_get_pix_fmt_name(format) + " pictures to RGB");
    const AVPixFmtDescriptor* desc = av_pix_fmt_desc_get(format);
    const bool yuv = desc && !(desc->flags & AV_PIX_FMT_FLAG_RGB) && desc->nb_components >= 3;
    if (!yuv) return;
    const int* coefficients = sws_getCoefficients(sws_colorspace(frame));
    if (sws_setColorspaceDetails(sws_.get(), coefficients, full_range(frame), coefficients, 1, 0, 1 << 16, 1 << 16) < 0)
      fail(ErrorKind::format, where(path_) + "cannot set the colour matrix for " + av_get_pix_fmt_name(format));
  }

  Clip& clip_;
  const fs::path& path_;
  ffmpeg::Sws sws_;
  std::tuple<int, int, int, int, bool> key_;
};

// Appends decoded sound to a Clip as interleaved float at the first frame's rate; mono or stereo.
class FloatAudioAppender {
 public:
  FloatAudioAppender(Clip& clip, const fs::path& path) : clip_(clip), path_(path) {}
  ~FloatAudioAppender() { av_channel_layout_uninit(&in_layout_); }
  FloatAudioAppender(const FloatAudioAppender&) = delete;
  FloatAudioAppender& operator=(const FloatAudioAppender&) = delete;

  void append(const AVFrame& frame) {
    if (!swr_ || !same_input(frame)) open(frame);
    convert(const_cast<const uint8_t**>(frame.extended_data), frame.nb_samples);
  }

  // Takes what the resampler still holds (nothing unless the rate changed mid-stream).
  void finish() {
    if (swr_) convert(nullptr, 0);
  }

 private:
  bool same_input(const AVFrame& frame) const {
    return frame.format == in_format_ && frame.sample_rate == in_rate_ &&
           av_channel_layout_compare(&frame.ch_layout, &in_layout_) == 0;
  }

  void open(const AVFrame& frame) {
    finish();
    if (clip_.sample_rate == 0) {
      clip_.sample_rate = frame.sample_rate;
      clip_.channels = std::min(frame.ch_layout.nb_channels, 2);
    }
    in_format_ = frame.format;
    in_rate_ = frame.sample_rate;
    av_channel_layout_uninit(&in_layout_);
    AVChannelLayout out_layout;
    av_channel_layout_default(&out_layout, clip_.channels);
    if (frame.ch_layout.order == AV_CHANNEL_ORDER_UNSPEC) {
      av_channel_layout_default(&in_layout_, frame.ch_layout.nb_channels);
    } else {
      check(av_channel_layout_copy(&in_layout_, &frame.ch_layout), path_, "cannot copy the channel layout");
    }
    SwrContext* raw = nullptr;
    check(swr_alloc_set_opts2(&raw, &out_layout, AV_SAMPLE_FMT_FLT, clip_.sample_rate, &in_layout_,
                              static_cast<AVSampleFormat>(frame.format), frame.sample_rate, 0, nullptr),
          path_, "cannot set up the audio conversion");
    swr_.reset(raw);
    check(swr_init(swr_.get()), path_, "cannot start the audio conversion");
  }

  void convert(const uint8_t** in, int count) {
    const int capacity = swr_get_out_samples(swr_.get(), count);
    if (capacity <= 0) return;
    const size_t offset = clip_.audio.size();
    clip_.audio.resize(offset + static_cast<size_t>(capacity) * clip_.channels);
    uint8_t* out[1] = {reinterpret_cast<uint8_t*>(clip_.audio.data() + offset)};
    const int got = swr_convert(swr_.get(), out, capacity, in, count);
    if (got < 0) clip_.audio.resize(offset);
    check(got, path_, "cannot convert the audio to float");
    clip_.audio.resize(offset + static_cast<size_t>(got) * clip_.channels);
  }

  Clip& clip_;
  const fs::path& path_;
  ffmpeg::Swr swr_;
  int in_format_ = -1;
  int in_rate_ = 0;
  AVChannelLayout in_layout_{};
};

// Sends a packet (nullptr to flush) and hands every frame the decoder returns to on_frame. Returns
// false when the packet's data is damaged (the decoder says invalid data); other failures throw.
bool decode(AVCodecContext* decoder, const AVPacket* packet, AVFrame* frame, const fs::path& path,
            const std::function<void(const AVFrame&)>& on_frame) {
  const std::string kind = decoder->codec_type == AVMEDIA_TYPE_VIDEO ? "video" : "audio";
  bool intact = true;
  const int sent = avcodec_send_packet(decoder, packet);
  if (sent == AVERROR_INVALIDDATA) {
    intact = false;
  } else {
    check(sent, path, "cannot decode the " + kind);
  }
  for (;;) {
    const int got = avcodec_receive_frame(decoder, frame);
    if (got == AVERROR(EAGAIN) || got == AVERROR_EOF) return intact;
    if (got == AVERROR_INVALIDDATA) return false;
    check(got, path, "cannot decode the " + kind);
    on_frame(*frame);
    av_frame_unref(frame);
  }
}

// The decoder drops the encoder's priming at the start but not its padding at the end; the track's
// duration (in MP4 the edit list's length) says where the sound ends.
void trim_audio_to_track_length(Clip& clip, const AVStream& stream) {
  if (stream.duration == AV_NOPTS_VALUE || stream.duration <= 0) return;
  const int64_t samples = av_rescale_q(stream.duration, stream.time_base, AVRational{1, clip.sample_rate});
  if (clip.audio_samples() > samples) clip.audio.resize(static_cast<size_t>(samples) * clip.channels);
}

// Shifts the sound so that it starts when the picture does: silence in front, or its head cut.
void align_audio_to_video(Clip& clip, double audio_start, double video_start) {
  const int64_t shift = std::llround((audio_start - video_start) * clip.sample_rate) * clip.channels;
  if (shift > 0) {
    clip.audio.insert(clip.audio.begin(), static_cast<size_t>(shift), 0.0f);
  } else if (shift < 0) {
    const auto cut = std::min<size_t>(static_cast<size_t>(-shift), clip.audio.size());
    clip.audio.erase(clip.audio.begin(), clip.audio.begin() + static_cast<std::ptrdiff_t>(cut));
  }
}

}  // namespace

MediaFile read_mp4(const fs::path& path) {
  ffmpeg::route_logs_to_spdlog();
  ffmpeg::InputContext input = open_input(path);

  const int video_index = av_find_best_stream(input.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (video_index < 0) fail(ErrorKind::format, where(path) + "it has no video stream");
  const int found_audio = av_find_best_stream(input.get(), AVMEDIA_TYPE_AUDIO, -1, video_index, nullptr, 0);
  const int audio_index = found_audio >= 0 ? found_audio : -1;
  for (unsigned i = 0; i < input->nb_streams; ++i)
    if (static_cast<int>(i) != video_index && static_cast<int>(i) != audio_index)
      input->streams[i]->discard = AVDISCARD_ALL;

  AVStream* video_stream = input->streams[video_index];
  AVStream* audio_stream = audio_index >= 0 ? input->streams[audio_index] : nullptr;

  MediaFile file;
  Clip& clip = file.clip;
  clip.fps = rounded_frame_rate(input.get(), video_stream, path);
  clip.sample_rate = 0;
  file.video_codec = avcodec_get_name(video_stream->codecpar->codec_id);
  if (audio_stream) file.audio_codec = avcodec_get_name(audio_stream->codecpar->codec_id);
  const AVDictionaryEntry* tag = nullptr;
  while ((tag = av_dict_get(input->metadata, "", tag, AV_DICT_IGNORE_SUFFIX))) file.metadata[tag->key] = tag->value;

  ffmpeg::CodecContext video = open_decoder(*video_stream, path);
  ffmpeg::CodecContext audio = audio_stream ? open_decoder(*audio_stream, path) : nullptr;

  RgbAppender pictures(clip, path);
  FloatAudioAppender sound(clip, path);
  std::optional<double> video_start, audio_start;
  const auto on_picture = [&](const AVFrame& frame) {
    if (!video_start) video_start = frame_seconds(frame, video_stream->time_base);
    pictures.append(frame);
  };
  const auto on_sound = [&](const AVFrame& frame) {
    if (!audio_start) audio_start = frame_seconds(frame, audio_stream->time_base);
    sound.append(frame);
  };

  ffmpeg::Packet packet = ffmpeg::make_packet();
  ffmpeg::Frame frame = ffmpeg::make_frame();
  for (;;) {
    const int got = av_read_frame(input.get(), packet.get());
    if (got == AVERROR_EOF) break;
    check(got, path, "cannot read a packet");
    if (packet->stream_index == video_index && !decode(video.get(), packet.get(), frame.get(), path, on_picture))
      ++file.damaged_packets;
    if (packet->stream_index == audio_index && !decode(audio.get(), packet.get(), frame.get(), path, on_sound)) {
      ++file.damaged_packets;
      if (clip.sample_rate > 0 && packet->duration > 0)
        clip.audio.resize(clip.audio.size() + static_cast<size_t>(av_rescale_q(packet->duration, audio_stream->time_base,
                                                                               AVRational{1, clip.sample_rate})) *
                                                  clip.channels,
                          0.0f);
    }
    av_packet_unref(packet.get());
  }
  if (!decode(video.get(), nullptr, frame.get(), path, on_picture)) ++file.damaged_packets;
  if (audio && !decode(audio.get(), nullptr, frame.get(), path, on_sound)) ++file.damaged_packets;
  sound.finish();

  if (clip.frames.empty()) fail(ErrorKind::format, where(path) + "it holds no video frames");
  if (clip.sample_rate > 0) trim_audio_to_track_length(clip, *audio_stream);
  if (clip.sample_rate > 0 && audio_start && video_start) align_audio_to_video(clip, *audio_start, *video_start);
  if (clip.sample_rate > 0 && clip.audio.empty()) clip.sample_rate = 0;
  if (file.damaged_packets > 0)
    logger("media")->warn("{}: {} damaged packets did not decode", path.string(), file.damaged_packets);
  logger("media")->debug(
      "read {}: {} frames {}x{} at {} fps ({}), {} Hz x{} audio ({}), starts video {:.4f} s audio {:.4f} s",
      path.string(), clip.frame_count(), clip.width, clip.height, clip.fps, file.video_codec, clip.sample_rate,
      clip.channels, file.audio_codec, video_start.value_or(-1.0), audio_start.value_or(-1.0));
  return file;
}

}  // namespace kinema::media
