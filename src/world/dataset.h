// Training shards: world clips written in a simple checksummed binary format, on every core.
//
// A shard file (.kws) is little-endian:
//   header, 64 bytes:
//     0  char[8]  "KWSHARD1"
//     8  u32      version (1)
//     12 u32      record count
//     16 u32      width, 20 u32 height, 24 u32 fps, 28 u32 frames per record, 32 u32 sample rate
//     36 u32      flags: bit 0 = label maps present
//     40 u64      offset of the index (from the start of the file)
//     48 u8[12]   zero
//     60 u32      CRC-32 of bytes 0..59
//   records, one per shot, the shots of a scene one after another:
//     0  char[4]  "KWRC"
//     4  u32      JSON length J
//     8  u64      scene seed
//     16 u32      shot index, 20 u32 shot count
//     24 u32      audio samples A
//     28 u8[J]    JSON (UTF-8): shot_json(): caption, facts, scene, sound events
//     .. u8[frames * height * width * 3]   RGB24 frames
//     .. u8[frames * height * width]       label maps (labels.h), when flagged
//     .. i16[A]   mono PCM
//     .. u32      CRC-32 of the record from its magic to the end of the PCM
//   index: u64[record count] record offsets, then u32 CRC-32 of the offsets.
// CRC-32 is the IEEE 802.3 polynomial (as zlib's crc32).
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "core/json.h"
#include "world/scene.h"

namespace kinema::world {

uint32_t crc32(const void* data, size_t size, uint32_t crc = 0);

struct DatasetOptions {
  int64_t count = 0;            // records (shot clips) in all
  uint64_t seed = 0;            // scene seeds derive from it and the shard number
  int records_per_shard = 32;
  int threads = 0;              // 0: every core
  bool labels = true;           // store label maps at the picture's size
  SceneOptions scenes;          // format, shots per scene, forced style or time
};

struct DatasetSummary {
  int64_t records = 0;
  int shards = 0;
  uint64_t bytes = 0;
  double seconds = 0;
};

// Writes ceil(count / records_per_shard) shards "shard-00000.kws", ... into `dir` (created), each atomically.
// Shard i holds the same records whatever the number of threads. `progress` is called with records done.
DatasetSummary write_dataset(const std::filesystem::path& dir, const DatasetOptions& options,
                             const std::function<void(int64_t done, int64_t total)>& progress = {});

struct ShardRecord {
  uint64_t scene_seed = 0;
  int shot = 0, shots = 1;
  Json json;
  std::vector<uint8_t> frames;  // RGB24
  std::vector<uint8_t> labels;  // empty when the shard has none
  std::vector<int16_t> audio;
};

// Reads a shard; every read checks its checksum. Errors (ErrorKind::format) name the file and the record.
class ShardReader {
 public:
  explicit ShardReader(const std::filesystem::path& path);
  int size() const { return static_cast<int>(offsets_.size()); }
  int width() const { return width_; }
  int height() const { return height_; }
  int fps() const { return fps_; }
  int frames() const { return frames_; }
  int sample_rate() const { return sample_rate_; }
  bool has_labels() const { return labels_; }
  ShardRecord read(int index);

 private:
  std::filesystem::path path_;
  std::ifstream in_;
  int width_ = 0, height_ = 0, fps_ = 0, frames_ = 0, sample_rate_ = 0;
  bool labels_ = false;
  std::vector<uint64_t> offsets_;
};

}  // namespace kinema::world
