// Small clips for the media tests: a natural-looking moving picture, clicks and tones, and PSNR.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "media/clip.h"

namespace kinema::media::testing {

// Smooth gradients, three soft blobs that drift across the frame, and a faint woven texture:
// something like a defocused photograph, the kind of picture the encoder is tuned for (not noise).
inline Clip pattern_clip(int width, int height, int fps, int frames) {
  Clip clip;
  clip.width = width;
  clip.height = height;
  clip.fps = fps;
  clip.frames.resize(clip.frame_bytes() * frames);
  struct Blob {
    double x0, y0, vx, vy, radius, r, g, b;
  };
  const Blob blobs[] = {{0.25, 0.30, 0.30, 0.10, 0.16, 0.95, 0.55, 0.20},
                        {0.70, 0.60, -0.20, 0.15, 0.20, 0.20, 0.60, 0.90},
                        {0.50, 0.80, 0.10, -0.25, 0.12, 0.90, 0.90, 0.85}};
  for (int f = 0; f < frames; ++f) {
    const double t = static_cast<double>(f) / fps;
    uint8_t* out = clip.frame(f);
    for (int y = 0; y < height; ++y) {
      for (int x = 0; x < width; ++x) {
        const double u = (x + 0.5) / width, v = (y + 0.5) / height;
        double rgb[3] = {0.25 + 0.35 * u, 0.30 + 0.25 * v, 0.55 - 0.25 * u * v + 0.1 * std::sin(3.0 * u + t)};
        for (const Blob& blob : blobs) {
          const double bx = blob.x0 + blob.vx * t, by = blob.y0 + blob.vy * t;
          const double d2 = (u - bx) * (u - bx) + (v - by) * (v - by);
          const double w = 0.8 * std::exp(-d2 / (2 * blob.radius * blob.radius));
          rgb[0] += w * (blob.r - rgb[0]);
          rgb[1] += w * (blob.g - rgb[1]);
          rgb[2] += w * (blob.b - rgb[2]);
        }
        const double texture = 0.015 * std::sin(0.9 * x + 0.4 * y) * std::sin(0.5 * x - 0.8 * y + 0.3 * f);
        for (int c = 0; c < 3; ++c)
          out[(y * width + x) * 3 + c] = static_cast<uint8_t>(std::clamp((rgb[c] + texture) * 255.0 + 0.5, 0.0, 255.0));
      }
    }
  }
  return clip;
}

// Every pixel of every frame the same colour.
inline Clip solid_clip(int width, int height, int fps, int frames, uint8_t r, uint8_t g, uint8_t b) {
  Clip clip;
  clip.width = width;
  clip.height = height;
  clip.fps = fps;
  clip.frames.resize(clip.frame_bytes() * frames);
  for (size_t i = 0; i < clip.frames.size(); i += 3) {
    clip.frames[i] = r;
    clip.frames[i + 1] = g;
    clip.frames[i + 2] = b;
  }
  return clip;
}

// Silence with a three-sample click centred on `at_seconds`, in every channel.
inline void set_click_audio(Clip& clip, int sample_rate, int channels, double seconds, double at_seconds) {
  clip.sample_rate = sample_rate;
  clip.channels = channels;
  const auto samples = static_cast<int64_t>(std::llround(seconds * sample_rate));
  clip.audio.assign(static_cast<size_t>(samples * channels), 0.0f);
  const auto centre = static_cast<int64_t>(std::llround(at_seconds * sample_rate));
  const float shape[3] = {0.5f, 1.0f, 0.5f};
  for (int k = 0; k < 3; ++k)
    for (int c = 0; c < channels; ++c) clip.audio[(centre - 1 + k) * channels + c] = shape[k];
}

// A steady sine tone of `seconds` length.
inline void set_tone_audio(Clip& clip, int sample_rate, int channels, double seconds, double hz, float amplitude) {
  clip.sample_rate = sample_rate;
  clip.channels = channels;
  const auto samples = static_cast<int64_t>(std::llround(seconds * sample_rate));
  clip.audio.resize(static_cast<size_t>(samples * channels));
  for (int64_t i = 0; i < samples; ++i)
    for (int c = 0; c < channels; ++c)
      clip.audio[i * channels + c] = amplitude * static_cast<float>(std::sin(2.0 * M_PI * hz * i / sample_rate));
}

// The time (seconds) of the loudest sample in channel `channel` of interleaved audio.
inline double loudest_moment(const Clip& clip, int channel) {
  int64_t best = 0;
  float best_value = -1.0f;
  for (int64_t i = 0; i < clip.audio_samples(); ++i) {
    const float value = std::abs(clip.audio[i * clip.channels + channel]);
    if (value > best_value) {
      best_value = value;
      best = i;
    }
  }
  return static_cast<double>(best) / clip.sample_rate;
}

// Root mean square of channel `channel` over samples [from, to).
inline double rms(const Clip& clip, int channel, int64_t from, int64_t to) {
  double sum = 0.0;
  for (int64_t i = from; i < to; ++i) {
    const double s = clip.audio[i * clip.channels + channel];
    sum += s * s;
  }
  return to > from ? std::sqrt(sum / static_cast<double>(to - from)) : 0.0;
}

// Peak signal-to-noise ratio in dB of two equally sized RGB24 frame sequences.
inline double psnr(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  double squared = 0.0;
  for (size_t i = 0; i < a.size(); ++i) {
    const double d = static_cast<double>(a[i]) - b[i];
    squared += d * d;
  }
  const double mse = squared / static_cast<double>(a.size());
  return mse == 0.0 ? 99.0 : 10.0 * std::log10(255.0 * 255.0 / mse);
}

}  // namespace kinema::media::testing
