// Training data: samples made on demand by index (deterministic: one index, one sample), computed ahead
// on worker threads and delivered in index order, with the time the trainer waits on them measured.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "media/clip.h"

namespace kinema::train {

struct Encoded;  // the same sample as the DiT stage trains on it (train/latent_cache.h)

struct Sample {
  uint64_t index = 0;
  media::Clip clip;     // picture and sound in the model's format
  std::string caption;  // what the text encoder reads
  media::Clip layout;   // the world's layout render of the same frames (no style, no light), or empty
  std::vector<float> audio_events;  // event channels on the audio latent grid, [channels][frames], or empty
  int audio_event_channels = 0;
  std::vector<float> scene_features;  // the scene description's style and light (pipeline::scene_features), or empty
  std::vector<std::string> wordings;  // several wordings of the same shot, when the source makes them
  std::shared_ptr<const Encoded> encoded;  // from the latent cache: latents instead of clip, layout and sound
};

using SampleSource = std::function<Sample(uint64_t index)>;

class Prefetcher {
 public:
  // Starts `workers` threads making samples from `first` on, at most `ahead` beyond the consumer.
  Prefetcher(SampleSource source, uint64_t first, int workers, int ahead);
  ~Prefetcher();
  Prefetcher(const Prefetcher&) = delete;
  Prefetcher& operator=(const Prefetcher&) = delete;

  Sample next();                          // blocks until the next index is ready
  uint64_t position() const { return next_; }  // index next() returns next (for checkpoints)
  double wait_seconds() const { return wait_seconds_; }

 private:
  void work();

  SampleSource source_;
  uint64_t next_;        // consumer position
  uint64_t claimed_;     // next index a worker takes
  int ahead_;
  std::map<uint64_t, Sample> ready_;
  std::string error_;
  bool stopping_ = false;
  double wait_seconds_ = 0;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::thread> threads_;
};

}  // namespace kinema::train
