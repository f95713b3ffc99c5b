// Sound playback through OpenAL Soft, with the clock a video player slaves its frames to. No Qt, no torch.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace kinema::media {

struct AudioOutputOptions {
  std::string device;     // OpenAL device name; empty: the default device
  int frequency = 48000;  // mixing rate asked of the device (ALC_FREQUENCY)
};

// Plays one buffer of sound and tells where in it the listener is now. The clock is the master of a
// player: position() is the time of the sample being heard (AL_SEC_OFFSET_LATENCY_SOFT: offset minus
// device latency). OpenAL moves that offset only when its mixer runs (every period, tens of ms), so
// position() interpolates between mixer updates with the wall clock; see audio_output.cpp.
//
// Without an audio device (none opens, or OpenAL has no backend) the object still works: it plays
// silently and its clock is the wall clock. device_status() says which of the two it is.
class AudioOutput {
 public:
  explicit AudioOutput(const AudioOutputOptions& options = {});
  ~AudioOutput();
  AudioOutput(const AudioOutput&) = delete;
  AudioOutput& operator=(const AudioOutput&) = delete;

  bool has_device() const;
  // "OpenAL Soft: <device name>" or "no audio device: <why>"; fit for a status bar.
  const std::string& device_status() const;

  // Replaces the sound: `samples` interleaved float in [-1, 1], `channels` 1 or 2. Stops and rewinds.
  // The clock runs for frames / sample_rate seconds; an empty buffer with a sample rate plays silence.
  void load(std::vector<float> samples, int channels, int sample_rate);
  double duration() const;  // seconds

  void play();   // from the current position; at the end, starts again from 0
  void pause();  // holds the position that was being heard
  bool playing() const;
  bool finished() const;  // reached the end and stopped by itself
  void seek(double seconds);  // clamped to [0, duration]; keeps playing if it was

  // Seconds into the sound being heard now: monotonic while playing, never past duration().
  double position() const;

  // Forward playback speed, 0.25 .. 4 (OpenAL pitch: sound and clock both run at this rate).
  void set_speed(double speed);
  double speed() const;
  void set_muted(bool muted);

  // The device's own clock, seconds of output mixed since it started (ALC_DEVICE_CLOCK_SOFT); -1 when
  // there is no device or no such extension. For tests that line the clock up with recorded output.
  double device_clock() const;
  // The output latency the device declares (ALC_DEVICE_LATENCY_SOFT), seconds; -1 without a device.
  // OpenAL Soft 1.19 declares all but one of the device's periods plus ~1 ms of processing for every
  // backend, the wave writer included, though that one writes each period the moment it is mixed.
  double device_latency() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kinema::media
