// Capturing what OpenAL Soft plays, for tests: its wave writer as the device, a WAV reader, click finding,
// and the wall time at which the device's clock started (to put recorded samples on the wall clock).
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace kinema::media::testing {

// Points OpenAL Soft at its wave writer, recording at 48 kHz into `wav`. Must run before the process's
// first OpenAL call: OpenAL reads its configuration once.
inline void use_openal_wave_writer(const std::filesystem::path& conf, const std::filesystem::path& wav) {
  std::ofstream out(conf, std::ios::trunc);
  out << "[general]\ndrivers=wave\nfrequency=48000\n[wave]\nfile=" << wav.string() << "\n";
  out.close();
  ::setenv("ALSOFT_CONF", conf.c_str(), 1);
  ::unsetenv("ALSOFT_DRIVERS");
}

struct Wave {
  int sample_rate = 0;
  int channels = 0;
  std::vector<float> samples;  // interleaved
  int64_t frames() const { return channels > 0 ? static_cast<int64_t>(samples.size()) / channels : 0; }
};

// Reads a RIFF WAV file of 16-bit PCM or 32-bit float samples (plain or WAVE_FORMAT_EXTENSIBLE).
inline Wave read_wave(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto u16 = [&](size_t at) { return static_cast<uint16_t>(static_cast<uint8_t>(bytes[at]) | static_cast<uint8_t>(bytes[at + 1]) << 8); };
  const auto u32 = [&](size_t at) { return static_cast<uint32_t>(u16(at) | static_cast<uint32_t>(u16(at + 2)) << 16); };
  if (bytes.size() < 12 || std::memcmp(bytes.data(), "RIFF", 4) != 0 || std::memcmp(bytes.data() + 8, "WAVE", 4) != 0)
    throw std::runtime_error(path.string() + " is not a WAV file");
  Wave wave;
  int format = 0, bits = 0;
  size_t at = 12;
  while (at + 8 <= bytes.size()) {
    const std::string id(bytes.data() + at, 4);
    uint64_t size = u32(at + 4);
    const size_t body = at + 8;
    if (id == "fmt ") {
      format = u16(body);
      wave.channels = u16(body + 2);
      wave.sample_rate = static_cast<int>(u32(body + 4));
      bits = u16(body + 14);
      if (format == 0xFFFE) format = u16(body + 24);  // the sub-format GUID starts with the format code
    } else if (id == "data") {
      if (size == 0 || size == 0xFFFFFFFFu || body + size > bytes.size()) size = bytes.size() - body;  // not patched
      const int width = bits / 8;
      const size_t count = size / width;
      wave.samples.resize(count);
      for (size_t i = 0; i < count; ++i) {
        const size_t p = body + i * width;
        if (format == 3 && bits == 32) {
          uint32_t raw = u32(p);
          float value;
          std::memcpy(&value, &raw, 4);
          wave.samples[i] = value;
        } else if (format == 1 && bits == 16) {
          wave.samples[i] = static_cast<int16_t>(u16(p)) / 32768.0f;
        } else {
          throw std::runtime_error(path.string() + ": WAV format " + std::to_string(format) + "/" + std::to_string(bits));
        }
      }
      return wave;
    }
    at = body + size + (size & 1);
  }
  throw std::runtime_error(path.string() + " has no data chunk");
}

// Sample indices where channel 0 first rises above `threshold` after at least `quiet` quiet samples.
inline std::vector<int64_t> click_onsets(const Wave& wave, float threshold, int64_t quiet) {
  std::vector<int64_t> onsets;
  int64_t last_loud = -quiet - 1;
  for (int64_t i = 0; i < wave.frames(); ++i) {
    if (std::abs(wave.samples[i * wave.channels]) <= threshold) continue;
    if (i - last_loud > quiet) onsets.push_back(i);
    last_loud = i;
  }
  return onsets;
}

// The wall time at which a device's clock read zero, from readings of it taken often. The clock moves
// when the mixer runs, which is at or after the moment a period is due, so every reading taken just
// after a change gives an upper bound on the start; the smallest is the estimate.
class DeviceClockOrigin {
 public:
  using Clock = std::chrono::steady_clock;
  void add(double device_seconds, Clock::time_point when) {
    if (device_seconds <= 0.0 || device_seconds == last_) return;
    last_ = device_seconds;
    origin_ = std::min(origin_, std::chrono::duration<double>(when.time_since_epoch()).count() - device_seconds);
    ++changes_;
  }
  // Seconds on steady_clock's epoch.
  double origin() const { return origin_; }
  int changes() const { return changes_; }
  // The wall time (steady_clock seconds) of device sample `index` at `sample_rate`.
  double time_of_sample(int64_t index, int sample_rate) const { return origin_ + static_cast<double>(index) / sample_rate; }

 private:
  double last_ = -1.0;
  double origin_ = std::numeric_limits<double>::infinity();
  int changes_ = 0;
};

inline double steady_seconds(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

}  // namespace kinema::media::testing
