// OpenAL Soft playback: RAII wrappers for device, context, source and buffer, and the interpolated clock.
//
// The clock. OpenAL reports where a source is (AL_SEC_OFFSET_LATENCY_SOFT: the offset the mixer has
// reached and the device latency; offset minus latency is the sample being heard), but the offset only
// moves when the mixer runs, one period at a time (about 20-50 ms). A poller thread reads it every
// millisecond and notes the wall time whenever it changes. At that moment the listener is at least at
// the new value (the mixer runs at or after the time a period is due, never before), so each noted
// change is a lower bound that keeps growing with the wall clock: position >= value + (now - noted) *
// speed. The clock is the largest of these bounds over the last second; the bound from the poll that
// came soonest after a mixer update wins, which puts the clock within a millisecond or two of the
// device. Keeping only a second of them lets a device that runs slightly slower than the wall clock
// pull the clock back. Without a device, the clock is the wall clock.
#include "media/audio_output.h"

#define AL_ALEXT_PROTOTYPES
#include <AL/al.h>
#include <AL/alc.h>
#include <AL/alext.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "core/error.h"
#include "core/log.h"

namespace kinema::media {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

struct DeviceCloser {
  void operator()(ALCdevice* device) const { alcCloseDevice(device); }
};
struct ContextCloser {
  void operator()(ALCcontext* context) const {
    alcSetThreadContext(nullptr);
    if (alcGetCurrentContext() == context) alcMakeContextCurrent(nullptr);
    alcDestroyContext(context);
  }
};
using DevicePtr = std::unique_ptr<ALCdevice, DeviceCloser>;
using ContextPtr = std::unique_ptr<ALCcontext, ContextCloser>;

// One OpenAL object name (a source or a buffer), deleted with its own function. The context it was
// made in must be current on the thread that destroys it.
template <void (*Generate)(ALsizei, ALuint*), void (*Delete)(ALsizei, const ALuint*)>
class AlName {
 public:
  AlName() = default;
  ~AlName() { reset(); }
  AlName(const AlName&) = delete;
  AlName& operator=(const AlName&) = delete;

  // Makes a new object; false (and no object) if OpenAL refuses.
  bool create() {
    reset();
    alGetError();
    Generate(1, &id_);
    if (alGetError() != AL_NO_ERROR) id_ = 0;
    return id_ != 0;
  }
  void reset() {
    if (id_ != 0) Delete(1, &id_);
    id_ = 0;
  }
  ALuint id() const { return id_; }
  explicit operator bool() const { return id_ != 0; }

 private:
  ALuint id_ = 0;
};

void gen_sources(ALsizei n, ALuint* ids) { alGenSources(n, ids); }
void delete_sources(ALsizei n, const ALuint* ids) { alDeleteSources(n, ids); }
void gen_buffers(ALsizei n, ALuint* ids) { alGenBuffers(n, ids); }
void delete_buffers(ALsizei n, const ALuint* ids) { alDeleteBuffers(n, ids); }
using Source = AlName<gen_sources, delete_sources>;
using Buffer = AlName<gen_buffers, delete_buffers>;

constexpr double kObservationWindow = 1.0;  // seconds of mixer updates the clock keeps
constexpr auto kPollInterval = std::chrono::milliseconds(1);

}  // namespace

struct AudioOutput::Impl {
  // Declared in this order so that the source and buffer go before the context, and it before the device.
  DevicePtr device;
  ContextPtr context;
  Buffer buffer;
  Source source;
  std::string status;
  bool float_buffers = false;
  bool latency_extension = false;
  bool clock_extension = false;

  mutable std::mutex mutex;
  double duration = 0.0;
  int sample_rate = 0;
  bool playing = false;
  bool finished = false;
  double speed = 1.0;
  // While stopped: the position. While playing: where play() or seek() started, and when; without a
  // device the wall clock runs from here, with one it is the floor under the device's clock.
  double anchor_position = 0.0;
  Clock::time_point anchor_time = Clock::now();
  double last_heard = -1e300;  // the poller's last reading, to see when the mixer moves
  struct Observation {
    double heard;
    Clock::time_point time;
  };
  std::deque<Observation> observations;

  std::thread poller;
  std::condition_variable wake;
  bool stopping = false;

  void bind() const {
    if (context) alcSetThreadContext(context.get());
  }

  // The heard position in seconds of the buffer: offset minus the device's latency (scaled by pitch).
  double read_heard() const {
    if (latency_extension) {
      ALdouble values[2] = {0.0, 0.0};
      alGetSourcedvSOFT(source.id(), AL_SEC_OFFSET_LATENCY_SOFT, values);
      return values[0] - values[1] * speed;
    }
    ALfloat offset = 0.0f;
    alGetSourcef(source.id(), AL_SEC_OFFSET, &offset);
    return offset;
  }

  bool device_plays() const { return device && source && sample_rate > 0; }

  // Without a device nothing stops the wall clock at the end: it has run out once it gets there.
  bool ran_out(Clock::time_point now) const {
    return playing && !device_plays() && position_locked(now) >= duration;
  }

  // Forgets the mixer updates seen so far: the next change of the offset starts a new series.
  void restart_observations() {
    observations.clear();
    last_heard = device_plays() ? read_heard() : -1e300;
  }

  double position_locked(Clock::time_point now) const {
    if (!playing) return std::clamp(anchor_position, 0.0, duration);
    double estimate = anchor_position;
    if (!device_plays()) {
      estimate += seconds_between(anchor_time, now) * speed;
    } else if (!observations.empty()) {
      double largest_gap = 0.0;
      for (size_t i = 0; i < observations.size(); ++i) {
        const auto& o = observations[i];
        estimate = std::max(estimate, o.heard + seconds_between(o.time, now) * speed);
        if (i > 0) largest_gap = std::max(largest_gap, seconds_between(observations[i - 1].time, o.time));
      }
      // If the mixer stalls, the clock stops soon after it rather than running on alone.
      const double reach = std::max(0.2, 2.0 * largest_gap) * speed;
      estimate = std::min(estimate, observations.back().heard + reach);
    }
    return std::clamp(estimate, 0.0, duration);
  }

  void poll_once() {
    std::lock_guard lock(mutex);
    if (!playing || !device_plays()) return;
    const auto now = Clock::now();
    ALint state = AL_STOPPED;
    alGetSourcei(source.id(), AL_SOURCE_STATE, &state);
    if (state == AL_STOPPED) {  // the buffer played to its end
      playing = false;
      finished = true;
      anchor_position = duration;
      observations.clear();
      return;
    }
    const double heard = read_heard();
    if (heard == last_heard) return;
    last_heard = heard;
    observations.push_back({heard, now});
    while (observations.size() > 1 && seconds_between(observations.front().time, now) > kObservationWindow)
      observations.pop_front();
  }

  void poll_loop() {
    bind();
    std::unique_lock lock(mutex);
    while (!stopping) {
      wake.wait_for(lock, kPollInterval);
      if (stopping) break;
      lock.unlock();
      poll_once();
      lock.lock();
    }
    alcSetThreadContext(nullptr);
  }

  void open(const AudioOutputOptions& options) {
    const char* name = options.device.empty() ? nullptr : options.device.c_str();
    const std::string what = name ? "device \"" + options.device + "\"" : std::string("the default device");
    device.reset(alcOpenDevice(name));
    if (!device) {
      status = "no audio device: OpenAL could not open " + what + "; playing silently";
      return;
    }
    const ALCint attributes[] = {ALC_FREQUENCY, options.frequency, 0};
    context.reset(alcCreateContext(device.get(), attributes));
    if (!context) {
      status = "no audio device: OpenAL could not start " + what + "; playing silently";
      device.reset();
      return;
    }
    bind();
    if (!source.create()) {
      status = "no audio device: OpenAL has no source to play on; playing silently";
      context.reset();
      device.reset();
      return;
    }
    alSourcei(source.id(), AL_SOURCE_RELATIVE, AL_TRUE);  // plain playback: no 3D position, no distance
    alSource3f(source.id(), AL_POSITION, 0.0f, 0.0f, 0.0f);
    float_buffers = alIsExtensionPresent("AL_EXT_FLOAT32");
    latency_extension = alIsExtensionPresent("AL_SOFT_source_latency");
    clock_extension = alcIsExtensionPresent(device.get(), "ALC_SOFT_device_clock");
    const ALCchar* device_name = alcIsExtensionPresent(device.get(), "ALC_ENUMERATE_ALL_EXT")
                                     ? alcGetString(device.get(), ALC_ALL_DEVICES_SPECIFIER)
                                     : alcGetString(device.get(), ALC_DEVICE_SPECIFIER);
    status = std::string("OpenAL Soft: ") + (device_name ? device_name : "unnamed device");
  }
};

AudioOutput::AudioOutput(const AudioOutputOptions& options) : impl_(std::make_unique<Impl>()) {
  impl_->open(options);
  if (impl_->device) {
    logger("media")->info("audio output: {}", impl_->status);
    impl_->poller = std::thread([impl = impl_.get()] { impl->poll_loop(); });
  } else {
    logger("media")->warn("{}", impl_->status);
  }
}

AudioOutput::~AudioOutput() {
  if (impl_->poller.joinable()) {
    {
      std::lock_guard lock(impl_->mutex);
      impl_->stopping = true;
    }
    impl_->wake.notify_all();
    impl_->poller.join();
  }
  impl_->bind();
  if (impl_->source) alSourceStop(impl_->source.id());
  impl_->source.reset();
  impl_->buffer.reset();
}

bool AudioOutput::has_device() const { return static_cast<bool>(impl_->device); }
const std::string& AudioOutput::device_status() const { return impl_->status; }

void AudioOutput::load(std::vector<float> samples, int channels, int sample_rate) {
  if (channels != 1 && channels != 2)
    fail(ErrorKind::invalid_input, "audio output: " + std::to_string(channels) + " channels (1 or 2 play)");
  if (sample_rate <= 0 && !samples.empty()) fail(ErrorKind::invalid_input, "audio output: no sample rate");
  Impl& m = *impl_;
  std::lock_guard lock(m.mutex);
  const int64_t frames = static_cast<int64_t>(samples.size()) / channels;
  m.playing = false;
  m.finished = false;
  m.anchor_position = 0.0;
  m.observations.clear();
  m.sample_rate = frames > 0 ? sample_rate : 0;
  m.duration = frames > 0 ? static_cast<double>(frames) / sample_rate : 0.0;
  if (!m.device) return;

  m.bind();
  alSourceStop(m.source.id());
  alSourcei(m.source.id(), AL_BUFFER, 0);
  m.buffer.reset();
  if (frames == 0) return;
  if (!m.buffer.create()) fail(ErrorKind::internal, "audio output: OpenAL could not make a buffer");
  alGetError();
  if (m.float_buffers) {
    alBufferData(m.buffer.id(), channels == 1 ? AL_FORMAT_MONO_FLOAT32 : AL_FORMAT_STEREO_FLOAT32, samples.data(),
                 static_cast<ALsizei>(frames * channels * sizeof(float)), sample_rate);
  } else {
    std::vector<int16_t> pcm(static_cast<size_t>(frames * channels));
    for (size_t i = 0; i < pcm.size(); ++i)
      pcm[i] = static_cast<int16_t>(std::lround(std::clamp(samples[i], -1.0f, 1.0f) * 32767.0f));
    alBufferData(m.buffer.id(), channels == 1 ? AL_FORMAT_MONO16 : AL_FORMAT_STEREO16, pcm.data(),
                 static_cast<ALsizei>(pcm.size() * sizeof(int16_t)), sample_rate);
  }
  if (const ALenum error = alGetError(); error != AL_NO_ERROR) {
    m.buffer.reset();
    m.sample_rate = 0;
    fail(ErrorKind::internal, std::string("audio output: OpenAL refused the sound (") + alGetString(error) + ")");
  }
  alSourcei(m.source.id(), AL_BUFFER, static_cast<ALint>(m.buffer.id()));
}

double AudioOutput::duration() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->duration;
}

void AudioOutput::play() {
  Impl& m = *impl_;
  std::lock_guard lock(m.mutex);
  if (m.ran_out(Clock::now())) {
    m.playing = false;
    m.finished = true;
  }
  if (m.playing) return;
  if (m.finished || m.anchor_position >= m.duration) m.anchor_position = 0.0;
  m.finished = false;
  if (m.duration <= 0.0) return;
  m.anchor_time = Clock::now();
  m.playing = true;
  if (m.device_plays()) {
    m.bind();
    alSourceStop(m.source.id());
    alSourcef(m.source.id(), AL_SEC_OFFSET, static_cast<ALfloat>(m.anchor_position));
    alSourcePlay(m.source.id());
  }
  m.restart_observations();
}

void AudioOutput::pause() {
  Impl& m = *impl_;
  std::lock_guard lock(m.mutex);
  if (!m.playing) return;
  m.anchor_position = m.position_locked(Clock::now());
  m.playing = false;
  m.observations.clear();
  if (m.device_plays()) {
    m.bind();
    alSourcePause(m.source.id());
  }
}

bool AudioOutput::playing() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->playing && !impl_->ran_out(Clock::now());
}

bool AudioOutput::finished() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->finished || impl_->ran_out(Clock::now());
}

void AudioOutput::seek(double seconds) {
  Impl& m = *impl_;
  std::lock_guard lock(m.mutex);
  m.anchor_position = std::clamp(std::isfinite(seconds) ? seconds : 0.0, 0.0, m.duration);
  m.anchor_time = Clock::now();
  m.finished = false;
  if (m.playing && m.device_plays()) {
    m.bind();
    alSourcef(m.source.id(), AL_SEC_OFFSET, static_cast<ALfloat>(m.anchor_position));
  }
  m.restart_observations();
}

double AudioOutput::position() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->position_locked(Clock::now());
}

void AudioOutput::set_speed(double speed) {
  Impl& m = *impl_;
  std::lock_guard lock(m.mutex);
  const double clamped = std::clamp(std::isfinite(speed) ? speed : 1.0, 0.25, 4.0);
  if (clamped == m.speed) return;
  const auto now = Clock::now();
  m.anchor_position = m.position_locked(now);  // the old rate's clock up to now, the new rate after
  m.anchor_time = now;
  m.speed = clamped;
  if (m.device) {
    m.bind();
    alSourcef(m.source.id(), AL_PITCH, static_cast<ALfloat>(clamped));
    if (m.playing && m.device_plays()) alSourcef(m.source.id(), AL_SEC_OFFSET, static_cast<ALfloat>(m.anchor_position));
  }
  m.restart_observations();
}

double AudioOutput::speed() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->speed;
}

void AudioOutput::set_muted(bool muted) {
  Impl& m = *impl_;
  std::lock_guard lock(m.mutex);
  if (!m.device) return;
  m.bind();
  alSourcef(m.source.id(), AL_GAIN, muted ? 0.0f : 1.0f);
}

double AudioOutput::device_clock() const {
  const Impl& m = *impl_;
  if (!m.device || !m.clock_extension) return -1.0;
  ALCint64SOFT nanoseconds = 0;
  alcGetInteger64vSOFT(m.device.get(), ALC_DEVICE_CLOCK_SOFT, 1, &nanoseconds);
  return static_cast<double>(nanoseconds) * 1e-9;
}

double AudioOutput::device_latency() const {
  const Impl& m = *impl_;
  if (!m.device || !m.clock_extension) return -1.0;
  ALCint64SOFT nanoseconds = 0;
  alcGetInteger64vSOFT(m.device.get(), ALC_DEVICE_LATENCY_SOFT, 1, &nanoseconds);
  return static_cast<double>(nanoseconds) * 1e-9;
}

}  // namespace kinema::media
