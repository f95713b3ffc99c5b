// Writes a Clip as an MP4 file: H.264 (libx264, yuv420p, BT.709) and AAC-LC 48 kHz stereo, via FFmpeg.
#include "media/mp4_writer.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <vector>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/log.h"
#include "media/ffmpeg.h"

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/cpu.h>
}

namespace kinema::media {
namespace fs = std::filesystem;

namespace {

constexpr int kAudioRate = 48000;
constexpr int kAudioChannels = 2;
constexpr size_t kSwsPadding = 64;

constexpr std::array<const char*, 10> kX264Presets = {"ultrafast", "superfast", "veryfast", "faster",   "fast",
                                                      "medium",    "slow",      "slower",   "veryslow", "placebo"};

// The text keys FFmpeg 5.1's MP4 muxer writes into the iTunes-style 'ilst' list (mov_write_ilst_tag);
// it drops any other key unless the file uses QuickTime 'mdta' keys (movflags use_metadata_tags).
const std::set<std::string> kIlstTextKeys = {"title",    "artist", "album_artist", "composer", "album",  "date",
                                             "comment",  "genre",  "copyright",    "grouping", "lyrics", "description",
                                             "synopsis", "show",   "episode_id",   "network"};

// libx264 0.164's AVX-512 macroblock-tree code reads past the end of rows whose width is not a multiple
// of 16 macroblocks, so its output depends on leftover heap contents: the first encode in a process
// differed from later ones. Bitexact writes name x264's instruction sets without AVX-512 (x264's
// assembly is otherwise bit-exact to its C code). Empty where there is nothing to leave out.
std::string x264_cpu_flags_without_avx512() {
#if defined(__x86_64__) || defined(__i386__)
  const int flags = av_get_cpu_flags();
  if (!(flags & AV_CPU_FLAG_AVX512)) return "";
  const std::pair<int, const char*> names[] = {
      {AV_CPU_FLAG_MMXEXT, "MMX2"},  {AV_CPU_FLAG_SSE, "SSE"},     {AV_CPU_FLAG_SSE2, "SSE2"},
      {AV_CPU_FLAG_SSE3, "SSE3"},    {AV_CPU_FLAG_SSSE3, "SSSE3"}, {AV_CPU_FLAG_SSE4, "SSE4.1"},
      {AV_CPU_FLAG_SSE42, "SSE4.2"}, {AV_CPU_FLAG_AVX, "AVX"},     {AV_CPU_FLAG_XOP, "XOP"},
      {AV_CPU_FLAG_FMA4, "FMA4"},    {AV_CPU_FLAG_FMA3, "FMA3"},   {AV_CPU_FLAG_BMI1, "BMI1"},
      {AV_CPU_FLAG_BMI2, "BMI2"},    {AV_CPU_FLAG_AVX2, "AVX2"}};
  std::string list;
  for (const auto& [flag, name] : names) {
    if (!(flags & flag)) continue;
    if (!list.empty()) list += ',';
    list += name;
  }
  return list;
#else
  return "";
#endif
}

std::string where(const fs::path& path) { return "cannot write " + path.string() + ": "; }

// Samples of 48 kHz audio that span the first `frames` frames of the picture, rounded to the nearest.
int64_t audio_samples_for(int64_t frames, int fps) { return (frames * kAudioRate + fps / 2) / fps; }

bool has_sound(const Clip& clip) { return clip.sample_rate > 0 && !clip.audio.empty(); }

void validate(const Clip& clip, const Mp4Options& options, const fs::path& path) {
  const auto bad = [&](const std::string& what) { fail(ErrorKind::invalid_input, where(path) + what); };
  if (clip.width <= 0 || clip.height <= 0)
    bad("the clip has no picture size (" + std::to_string(clip.width) + "x" + std::to_string(clip.height) + ")");
  if (clip.width % 2 != 0 || clip.height % 2 != 0)
    bad("width and height must be even for H.264 yuv420p, got " + std::to_string(clip.width) + "x" +
        std::to_string(clip.height));
  if (clip.fps <= 0) bad("frame rate must be positive, got " + std::to_string(clip.fps) + " fps");
  if (clip.frames.empty()) bad("the clip has no frames");
  if (clip.frames.size() % clip.frame_bytes() != 0)
    bad("frame data (" + std::to_string(clip.frames.size()) + " bytes) is not a whole number of " +
        std::to_string(clip.width) + "x" + std::to_string(clip.height) + " RGB frames (" +
        std::to_string(clip.frame_bytes()) + " bytes each)");
  if (clip.sample_rate < 0) bad("sample rate must not be negative, got " + std::to_string(clip.sample_rate));
  if (has_sound(clip)) {
    if (clip.channels != 1 && clip.channels != 2)
      bad("audio must be mono or stereo, got " + std::to_string(clip.channels) + " channels");
    if (clip.audio.size() % clip.channels != 0)
      bad("audio has " + std::to_string(clip.audio.size()) + " samples, not a whole number of " +
          std::to_string(clip.channels) + "-channel frames");
    if (clip.sample_rate < 1000 || clip.sample_rate > 768000)
      bad("sample rate " + std::to_string(clip.sample_rate) + " Hz is outside 1000..768000 Hz");
    const auto not_finite =
        std::find_if(clip.audio.begin(), clip.audio.end(), [](float s) { return !std::isfinite(s); });
    if (not_finite != clip.audio.end())
      bad("audio sample " + std::to_string(not_finite - clip.audio.begin()) + " is not a finite number");
  }
  if (options.crf < 0 || options.crf > 51) bad("crf must be in 0..51, got " + std::to_string(options.crf));
  if (std::find(kX264Presets.begin(), kX264Presets.end(), options.preset) == kX264Presets.end())
    bad("unknown x264 preset '" + options.preset +
        "' (use ultrafast, superfast, veryfast, faster, fast, medium, "
        "slow, slower, veryslow or placebo)");
  if (options.audio_bitrate < 16000 || options.audio_bitrate > 512000)
    bad("audio bitrate must be in 16000..512000 bit/s, got " + std::to_string(options.audio_bitrate));
}

// The clip's sound as 48 kHz stereo planar float, read in encoder-sized pieces; silence after its end.
class StereoAudioSource {
 public:
  StereoAudioSource(const Clip& clip, const fs::path& path) : clip_(clip), path_(path) {
    fifo_.reset(av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, kAudioChannels, 4096));
    if (!fifo_) fail(ErrorKind::internal, where(path_) + "out of memory allocating the audio FIFO");
    if (has_sound(clip_)) open_resampler();
  }

  // Fills frame's planes with the next frame->nb_samples samples.
  void read(AVFrame* frame) {
    const int wanted = frame->nb_samples;
    while (av_audio_fifo_size(fifo_.get()) < wanted) produce(wanted - av_audio_fifo_size(fifo_.get()));
    if (av_audio_fifo_read(fifo_.get(), reinterpret_cast<void**>(frame->data), wanted) != wanted)
      fail(ErrorKind::internal, where(path_) + "audio FIFO returned fewer samples than it holds");
  }

 private:
  void open_resampler() {
    AVChannelLayout in_layout, out_layout;
    av_channel_layout_default(&in_layout, clip_.channels);
    av_channel_layout_default(&out_layout, kAudioChannels);
    SwrContext* raw = nullptr;
    check(swr_alloc_set_opts2(&raw, &out_layout, AV_SAMPLE_FMT_FLTP, kAudioRate, &in_layout, AV_SAMPLE_FMT_FLT,
                              clip_.sample_rate, 0, nullptr),
          "cannot set up the audio resampler");
    swr_.reset(raw);
    if (clip_.channels == 1) {
      // Mono goes to both channels at full level (swresample's default mix would lower it by 3 dB).
      const double mono_to_stereo[2] = {1.0, 1.0};
      check(swr_set_matrix(swr_.get(), mono_to_stereo, 1), "cannot set the mono-to-stereo mix");
    }
    check(swr_init(swr_.get()), "cannot start the audio resampler");
  }

  // Moves the sound on by one step: the next piece of input, else the resampler's tail, else silence.
  void produce(int missing) {
    const int64_t input_total = has_sound(clip_) ? clip_.audio_samples() : 0;
    if (next_input_ < input_total) {
      const int count = static_cast<int>(std::min<int64_t>(kInputChunk, input_total - next_input_));
      const auto* in = reinterpret_cast<const uint8_t*>(clip_.audio.data() + next_input_ * clip_.channels);
      next_input_ += count;
      convert(&in, count);
      return;
    }
    if (swr_ && !resampler_drained_) {
      // The resampler holds back its filter's delay; draining it keeps a sound at the same time in the output.
      if (convert(nullptr, 0) == 0) resampler_drained_ = true;
      return;
    }
    append_silence(missing);
  }

  int convert(const uint8_t** in, int in_count) {
    const int capacity = std::max(swr_get_out_samples(swr_.get(), in_count), 1);
    left_.resize(capacity);
    right_.resize(capacity);
    uint8_t* out[kAudioChannels] = {reinterpret_cast<uint8_t*>(left_.data()),
                                    reinterpret_cast<uint8_t*>(right_.data())};
    const int got = swr_convert(swr_.get(), out, capacity, in, in_count);
    check(got, "cannot resample the audio");
    write_fifo(out, got);
    return got;
  }

  void append_silence(int count) {
    left_.assign(count, 0.0f);
    right_.assign(count, 0.0f);
    uint8_t* out[kAudioChannels] = {reinterpret_cast<uint8_t*>(left_.data()),
                                    reinterpret_cast<uint8_t*>(right_.data())};
    write_fifo(out, count);
  }

  void write_fifo(uint8_t** planes, int count) {
    if (count == 0) return;
    const int written = av_audio_fifo_write(fifo_.get(), reinterpret_cast<void**>(planes), count);
    if (written < 0) check(written, "cannot buffer the audio");
    if (written != count) fail(ErrorKind::internal, where(path_) + "audio FIFO took fewer samples than given");
  }

  void check(int code, const std::string& what) const {
    if (code < 0) fail(ErrorKind::internal, where(path_) + what + ": " + ffmpeg::error_text(code));
  }

  static constexpr int kInputChunk = 4096;
  const Clip& clip_;
  const fs::path& path_;
  ffmpeg::Swr swr_;
  ffmpeg::AudioFifo fifo_;
  int64_t next_input_ = 0;
  bool resampler_drained_ = false;
  std::vector<float> left_, right_;
};

// One MP4 being written: the muxer, both encoders and the conversions that feed them.
class Mp4Encoder {
 public:
  Mp4Encoder(const fs::path& file, const fs::path& target, const Clip& clip, const Mp4Options& options)
      : clip_(clip), options_(options), target_(target), audio_source_(clip, target) {
    AVFormatContext* raw = nullptr;
    // The temporary name has no .mp4 extension, so the format is named outright.
    check(avformat_alloc_output_context2(&raw, nullptr, "mp4", file.c_str()), ErrorKind::internal,
          "cannot set up the MP4 muxer");
    muxer_.reset(raw);
    if (options_.bitexact) muxer_->flags |= AVFMT_FLAG_BITEXACT;
    open_video();
    open_audio();
    open_file(file);
  }

  void write_video_frame(int index) {
    check(av_frame_make_writable(video_frame_.get()), ErrorKind::internal, "cannot get a video frame buffer");
    // swscale's SIMD loads read a few bytes past the end of the picture, and the clip's last frame ends
    // its buffer: convert from a padded copy.
    std::copy_n(clip_.frame(index), clip_.frame_bytes(), rgb_staging_.begin());
    const uint8_t* const rgb[4] = {rgb_staging_.data(), nullptr, nullptr, nullptr};
    const int rgb_stride[4] = {clip_.width * 3, 0, 0, 0};
    const int rows =
        sws_scale(sws_.get(), rgb, rgb_stride, 0, clip_.height, video_frame_->data, video_frame_->linesize);
    if (rows != clip_.height) fail(ErrorKind::internal, where(target_) + "RGB to YUV conversion failed");
    video_frame_->pts = index;
    encode(video_.get(), video_stream_, video_frame_.get());
  }

  // Encodes whole AAC frames of audio up to (not past) sample `end`, so the two tracks interleave.
  void write_audio_until(int64_t end) {
    while (audio_written_ + audio_->frame_size <= end) write_audio_frame(audio_->frame_size);
  }

  // Flushes both encoders with the audio ending at sample `end`, writes the index and closes the file.
  void finish(int64_t end) {
    encode(video_.get(), video_stream_, nullptr);
    write_audio_until(end);
    if (audio_written_ < end) {
      const bool small_last_frame = audio_->codec->capabilities & AV_CODEC_CAP_SMALL_LAST_FRAME;
      write_audio_frame(small_last_frame ? static_cast<int>(end - audio_written_) : audio_->frame_size);
    }
    encode(audio_.get(), audio_stream_, nullptr);
    check(av_write_trailer(muxer_.get()), ErrorKind::io, "cannot finish the MP4 file");
    check(avio_closep(&muxer_->pb), ErrorKind::io, "cannot close the file");
  }

 private:
  void open_video() {
    const AVCodec* codec = avcodec_find_encoder_by_name("libx264");
    if (!codec) fail(ErrorKind::internal, where(target_) + "this FFmpeg has no libx264 encoder");
    video_.reset(avcodec_alloc_context3(codec));
    if (!video_) fail(ErrorKind::internal, where(target_) + "out of memory allocating the H.264 encoder");
    AVCodecContext& v = *video_;
    v.width = clip_.width;
    v.height = clip_.height;
    v.pix_fmt = AV_PIX_FMT_YUV420P;
    v.time_base = AVRational{1, clip_.fps};
    v.framerate = AVRational{clip_.fps, 1};
    v.sample_aspect_ratio = AVRational{1, 1};
    v.color_primaries = AVCOL_PRI_BT709;
    v.color_trc = AVCOL_TRC_BT709;
    v.colorspace = AVCOL_SPC_BT709;
    v.color_range = AVCOL_RANGE_MPEG;
    set_common_flags(v);
    ffmpeg::Dictionary x264;
    x264.set("preset", options_.preset);
    x264.set("crf", std::to_string(options_.crf));
    if (options_.bitexact) {
      if (const std::string cpu = x264_cpu_flags_without_avx512(); !cpu.empty()) x264.set("x264-params", "asm=" + cpu);
    }
    check(avcodec_open2(&v, codec, x264.out()), ErrorKind::internal, "cannot open the H.264 encoder");
    if (const std::string unused = x264.unused_keys(); !unused.empty())
      fail(ErrorKind::internal, where(target_) + "libx264 did not take the options " + unused);
    video_stream_ = new_stream(v);
    video_stream_->avg_frame_rate = v.framerate;

    sws_.reset(
        sws_getContext(clip_.width, clip_.height, AV_PIX_FMT_RGB24, clip_.width, clip_.height, AV_PIX_FMT_YUV420P,
                       SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INP | (options_.bitexact ? SWS_BITEXACT : 0),
                       nullptr, nullptr, nullptr));
    if (!sws_) fail(ErrorKind::internal, where(target_) + "cannot set up the RGB to YUV conversion");
    // swscale converts with BT.601 unless told otherwise; the stream is tagged BT.709, so convert with it.
    const int* bt709 = sws_getCoefficients(SWS_CS_ITU709);
    if (sws_setColorspaceDetails(sws_.get(), bt709, 1, bt709, 0, 0, 1 << 16, 1 << 16) < 0)
      fail(ErrorKind::internal, where(target_) + "cannot set BT.709 coefficients for the RGB to YUV conversion");

    video_frame_ = ffmpeg::make_frame();
    video_frame_->format = v.pix_fmt;
    video_frame_->width = v.width;
    video_frame_->height = v.height;
    check(av_frame_get_buffer(video_frame_.get(), 0), ErrorKind::internal, "cannot allocate a video frame");
  }

  void open_audio() {
    const AVCodec* codec = avcodec_find_encoder_by_name("aac");
    if (!codec) fail(ErrorKind::internal, where(target_) + "this FFmpeg has no native AAC encoder");
    audio_.reset(avcodec_alloc_context3(codec));
    if (!audio_) fail(ErrorKind::internal, where(target_) + "out of memory allocating the AAC encoder");
    AVCodecContext& a = *audio_;
    a.sample_fmt = AV_SAMPLE_FMT_FLTP;
    a.sample_rate = kAudioRate;
    av_channel_layout_default(&a.ch_layout, kAudioChannels);
    a.bit_rate = options_.audio_bitrate;
    a.profile = FF_PROFILE_AAC_LOW;
    a.time_base = AVRational{1, kAudioRate};
    set_common_flags(a);
    check(avcodec_open2(&a, codec, nullptr), ErrorKind::internal, "cannot open the AAC encoder");
    audio_stream_ = new_stream(a);

    audio_frame_ = ffmpeg::make_frame();
    audio_frame_->format = a.sample_fmt;
    audio_frame_->sample_rate = a.sample_rate;
    audio_frame_->nb_samples = a.frame_size;
    check(av_channel_layout_copy(&audio_frame_->ch_layout, &a.ch_layout), ErrorKind::internal,
          "cannot set the audio frame's channel layout");
    check(av_frame_get_buffer(audio_frame_.get(), 0), ErrorKind::internal, "cannot allocate an audio frame");
  }

  void set_common_flags(AVCodecContext& codec) const {
    if (muxer_->oformat->flags & AVFMT_GLOBALHEADER) codec.flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    if (options_.bitexact) codec.flags |= AV_CODEC_FLAG_BITEXACT;
  }

  AVStream* new_stream(const AVCodecContext& codec) {
    AVStream* stream = avformat_new_stream(muxer_.get(), nullptr);
    if (!stream) fail(ErrorKind::internal, where(target_) + "out of memory adding a stream");
    check(avcodec_parameters_from_context(stream->codecpar, &codec), ErrorKind::internal,
          "cannot copy the encoder's parameters to the stream");
    stream->time_base = codec.time_base;  // a hint: the muxer picks its own in avformat_write_header
    return stream;
  }

  void open_file(const fs::path& file) {
    bool custom_keys = false;
    for (const auto& [key, value] : options_.metadata) {
      set_metadata(key, value);
      custom_keys = custom_keys || !kIlstTextKeys.count(key);
    }
    if (!options_.title.empty()) set_metadata("title", options_.title);
    if (!options_.comment.empty()) set_metadata("comment", options_.comment);
    // The iTunes list takes the encoder name from "encoding_tool"; avformat_write_header overwrites
    // "encoder" with its own name (or drops it when bitexact), so for mdta keys it is set afterwards.
    if (!custom_keys && !options_.encoder.empty()) set_metadata("encoding_tool", options_.encoder);

    check(avio_open(&muxer_->pb, file.c_str(), AVIO_FLAG_WRITE), ErrorKind::io, "cannot create the file");
    ffmpeg::Dictionary mux;
    mux.set("movflags", custom_keys ? "+faststart+use_metadata_tags" : "+faststart");
    check(avformat_write_header(muxer_.get(), mux.out()), ErrorKind::io, "cannot write the MP4 header");
    if (const std::string unused = mux.unused_keys(); !unused.empty())
      fail(ErrorKind::internal, where(target_) + "the MP4 muxer did not take the options " + unused);
    if (custom_keys && !options_.encoder.empty()) set_metadata("encoder", options_.encoder);
  }

  void set_metadata(const std::string& key, const std::string& value) {
    check(av_dict_set(&muxer_->metadata, key.c_str(), value.c_str(), 0), ErrorKind::internal,
          "cannot set metadata '" + key + "'");
  }

  void write_audio_frame(int samples) {
    check(av_frame_make_writable(audio_frame_.get()), ErrorKind::internal, "cannot get an audio frame buffer");
    audio_frame_->nb_samples = samples;
    audio_source_.read(audio_frame_.get());
    audio_frame_->pts = audio_written_;
    encode(audio_.get(), audio_stream_, audio_frame_.get());
    audio_written_ += samples;
  }

  // Sends one frame (or nullptr to flush) and writes every packet the encoder hands back.
  void encode(AVCodecContext* codec, AVStream* stream, const AVFrame* frame) {
    const bool video = codec == video_.get();
    check(avcodec_send_frame(codec, frame), ErrorKind::internal,
          video ? "the H.264 encoder refused a frame" : "the AAC encoder refused a frame");
    for (;;) {
      const int got = avcodec_receive_packet(codec, packet_.get());
      if (got == AVERROR(EAGAIN) || got == AVERROR_EOF) return;
      check(got, ErrorKind::internal, video ? "H.264 encoding failed" : "AAC encoding failed");
      // Each picture lasts one frame; without a duration the muxer would end the track a frame early.
      if (video && packet_->duration == 0) packet_->duration = 1;
      // Keep the encoder's timestamps (AAC priming starts at -1024): the muxer turns them into an edit list.
      av_packet_rescale_ts(packet_.get(), codec->time_base, stream->time_base);
      packet_->stream_index = stream->index;
      check(av_interleaved_write_frame(muxer_.get(), packet_.get()), ErrorKind::io, "cannot write to the file");
    }
  }

  void check(int code, ErrorKind kind, const std::string& what) const {
    if (code < 0) fail(kind, where(target_) + what + ": " + ffmpeg::error_text(code));
  }

  const Clip& clip_;
  const Mp4Options& options_;
  const fs::path& target_;
  StereoAudioSource audio_source_;
  ffmpeg::OutputContext muxer_;
  ffmpeg::CodecContext video_, audio_;
  AVStream* video_stream_ = nullptr;  // owned by muxer_
  AVStream* audio_stream_ = nullptr;  // owned by muxer_
  ffmpeg::Sws sws_;
  std::vector<uint8_t> rgb_staging_ = std::vector<uint8_t>(clip_.frame_bytes() + kSwsPadding);
  ffmpeg::Frame video_frame_, audio_frame_;
  ffmpeg::Packet packet_ = ffmpeg::make_packet();
  int64_t audio_written_ = 0;
};

void report(const Mp4Progress& progress, double fraction, const fs::path& path) {
  if (progress && !progress(fraction)) fail(ErrorKind::cancelled, "writing " + path.string() + " was cancelled");
}

}  // namespace

void write_mp4(const Clip& clip, const fs::path& path, const Mp4Options& options, const Mp4Progress& progress) {
  ffmpeg::route_logs_to_spdlog();
  validate(clip, options, path);
  AtomicFile file(path);
  const int frames = clip.frame_count();
  {
    Mp4Encoder encoder(file.temp_path(), path, clip, options);
    for (int i = 0; i < frames; ++i) {
      report(progress, static_cast<double>(i) / frames, path);
      encoder.write_video_frame(i);
      encoder.write_audio_until(audio_samples_for(i + 1, clip.fps));
    }
    encoder.finish(audio_samples_for(frames, clip.fps));
  }
  report(progress, 1.0, path);
  file.commit();
  std::error_code ec;
  const auto bytes = fs::file_size(path, ec);
  logger("media")->info("wrote {}: {} frames {}x{} at {} fps, {} bytes", path.string(), frames, clip.width, clip.height,
                        clip.fps, ec ? 0 : bytes);
}

}  // namespace kinema::media
