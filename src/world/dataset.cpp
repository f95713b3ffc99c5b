// Training shards: writing on every core (one shard per task) and reading with checksum checks.
#include "world/dataset.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <mutex>
#include <thread>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/log.h"
#include "world/rng.h"
#include "world/world.h"

namespace kinema::world {
namespace fs = std::filesystem;

namespace {

constexpr char kShardMagic[8] = {'K', 'W', 'S', 'H', 'A', 'R', 'D', '1'};
constexpr char kRecordMagic[4] = {'K', 'W', 'R', 'C'};
constexpr uint32_t kVersion = 1;
constexpr size_t kHeaderBytes = 64;
constexpr size_t kRecordFixedBytes = 28;

std::array<uint32_t, 256> make_crc_table() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  return table;
}

void put_u32(std::vector<uint8_t>& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void put_u64(std::vector<uint8_t>& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
uint32_t get_u32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 | static_cast<uint32_t>(p[2]) << 16 |
         static_cast<uint32_t>(p[3]) << 24;
}
uint64_t get_u64(const uint8_t* p) { return get_u32(p) | static_cast<uint64_t>(get_u32(p + 4)) << 32; }

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

class ShardWriter {
 public:
  ShardWriter(const fs::path& path, const Format& format, bool labels)
      : path_(path), file_(path), format_(format), labels_(labels), out_(std::fopen(file_.temp_path().c_str(), "wb")) {
    if (!out_) fail(ErrorKind::io, "cannot write " + path.string() + ": " + std::strerror(errno));
    const std::vector<uint8_t> blank(kHeaderBytes, 0);
    write(blank.data(), blank.size());
  }

  void add(const RenderedScene& scene, int shot, const std::vector<uint8_t>& labels) {
    const media::Clip& clip = scene.shots[shot].clip;
    const std::string json = shot_json(scene, shot).dump();
    std::vector<int16_t> pcm(clip.audio.size());
    for (size_t i = 0; i < pcm.size(); ++i)
      pcm[i] = static_cast<int16_t>(std::lround(std::clamp(clip.audio[i], -1.0f, 1.0f) * 32767.0f));
    std::vector<uint8_t> head(kRecordMagic, kRecordMagic + 4);
    put_u32(head, static_cast<uint32_t>(json.size()));
    put_u64(head, scene.scene.seed);
    put_u32(head, static_cast<uint32_t>(shot));
    put_u32(head, static_cast<uint32_t>(scene.shots.size()));
    put_u32(head, static_cast<uint32_t>(pcm.size()));
    offsets_.push_back(offset_);
    uint32_t crc = 0;
    auto part = [&](const void* data, size_t size) {
      crc = crc32(data, size, crc);
      write(data, size);
    };
    part(head.data(), head.size());
    part(json.data(), json.size());
    part(clip.frames.data(), clip.frames.size());
    if (labels_) part(labels.data(), labels.size());
    std::vector<uint8_t> pcm_bytes;
    pcm_bytes.reserve(pcm.size() * 2);
    for (int16_t s : pcm) {
      pcm_bytes.push_back(static_cast<uint8_t>(static_cast<uint16_t>(s) & 0xff));
      pcm_bytes.push_back(static_cast<uint8_t>(static_cast<uint16_t>(s) >> 8));
    }
    part(pcm_bytes.data(), pcm_bytes.size());
    std::vector<uint8_t> tail;
    put_u32(tail, crc);
    write(tail.data(), tail.size());
  }

  uint64_t finish() {
    const uint64_t index_at = offset_;
    std::vector<uint8_t> index;
    for (uint64_t o : offsets_) put_u64(index, o);
    const uint32_t index_crc = crc32(index.data(), index.size());
    put_u32(index, index_crc);
    write(index.data(), index.size());

    std::vector<uint8_t> header(kShardMagic, kShardMagic + 8);
    put_u32(header, kVersion);
    put_u32(header, static_cast<uint32_t>(offsets_.size()));
    for (int v : {format_.width, format_.height, format_.fps, format_.frames, format_.sample_rate}) put_u32(header, static_cast<uint32_t>(v));
    put_u32(header, labels_ ? 1u : 0u);
    put_u64(header, index_at);
    header.resize(60, 0);
    put_u32(header, crc32(header.data(), 60));
    if (std::fseek(out_.get(), 0, SEEK_SET) != 0) fail(ErrorKind::io, "cannot write " + path_.string() + ": seek failed");
    std::fwrite(header.data(), 1, header.size(), out_.get());
    if (std::fflush(out_.get()) != 0 || std::ferror(out_.get()))
      fail(ErrorKind::io, "cannot write " + path_.string() + ": write failed (disk full?)");
    out_.reset();
    file_.commit();
    return offset_;
  }

 private:
  void write(const void* data, size_t size) {
    if (size && std::fwrite(data, 1, size, out_.get()) != size)
      fail(ErrorKind::io, "cannot write " + path_.string() + ": write failed (disk full?)");
    offset_ += size;
  }

  fs::path path_;
  AtomicFile file_;
  Format format_;
  bool labels_;
  std::unique_ptr<std::FILE, FileCloser> out_;
  uint64_t offset_ = 0;
  std::vector<uint64_t> offsets_;
};

std::string shard_name(int index) {
  char name[32];
  std::snprintf(name, sizeof(name), "shard-%05d.kws", index);
  return name;
}

// Fills one shard with `records` shot clips from scenes drawn for this shard alone.
uint64_t write_shard(const fs::path& dir, int index, int64_t records, const DatasetOptions& options,
                     std::atomic<int64_t>& done, const std::function<void()>& tick) {
  ShardWriter writer(dir / shard_name(index), options.scenes.format, options.labels);
  int64_t written = 0;
  for (uint64_t scene_index = 0; written < records; ++scene_index) {
    const uint64_t seed = derive_seed(options.seed, "shard/" + std::to_string(index) + "/scene/" + std::to_string(scene_index));
    const Scene scene = random_scene(seed, options.scenes);
    const RenderedScene rendered = render_scene(scene);
    const Format& f = scene.format;
    for (int shot = 0; shot < static_cast<int>(scene.shots.size()) && written < records; ++shot) {
      std::vector<uint8_t> labels;
      if (options.labels) labels = shot_labels(rendered.scene, rendered.trace, shot, f.width, f.height);
      writer.add(rendered, shot, labels);
      ++written;
      ++done;
      tick();
    }
  }
  return writer.finish();
}

}  // namespace

uint32_t crc32(const void* data, size_t size, uint32_t crc) {
  static const std::array<uint32_t, 256> table = make_crc_table();
  const uint8_t* p = static_cast<const uint8_t*>(data);
  crc = ~crc;
  for (size_t i = 0; i < size; ++i) crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
  return ~crc;
}

DatasetSummary write_dataset(const fs::path& dir, const DatasetOptions& options,
                             const std::function<void(int64_t, int64_t)>& progress) {
  if (options.count < 1) fail(ErrorKind::invalid_input, "dataset: --count must be at least 1");
  if (options.records_per_shard < 1) fail(ErrorKind::invalid_input, "dataset: records per shard must be at least 1");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (!fs::is_directory(dir)) fail(ErrorKind::io, "cannot create folder " + dir.string() + (ec ? ": " + ec.message() : ""));

  const auto start = std::chrono::steady_clock::now();
  const int shards = static_cast<int>((options.count + options.records_per_shard - 1) / options.records_per_shard);
  const int threads = std::max(1, std::min(shards, options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency())));
  std::atomic<int> next{0};
  std::atomic<int64_t> done{0};
  std::atomic<uint64_t> bytes{0};
  std::mutex report;
  std::exception_ptr error;
  auto tick = [&] {
    if (!progress) return;
    std::lock_guard lock(report);
    progress(done.load(), options.count);
  };
  auto work = [&] {
    try {
      for (int i = next++; i < shards; i = next++) {
        const int64_t records = std::min<int64_t>(options.records_per_shard, options.count - static_cast<int64_t>(i) * options.records_per_shard);
        bytes += write_shard(dir, i, records, options, done, tick);
      }
    } catch (...) {
      std::lock_guard lock(report);
      if (!error) error = std::current_exception();
      next = shards;  // the others stop after their shard
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(work);
  for (std::thread& t : pool) t.join();
  if (error) std::rethrow_exception(error);

  DatasetSummary summary;
  summary.records = done.load();
  summary.shards = shards;
  summary.bytes = bytes.load();
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  logger("world")->info("dataset: {} records in {} shards ({} MB) in {:.1f} s on {} threads", summary.records, shards,
                        summary.bytes >> 20, summary.seconds, threads);
  return summary;
}

// ---- reading ----

ShardReader::ShardReader(const fs::path& path) : path_(path), in_(path, std::ios::binary) {
  if (!in_) fail(ErrorKind::io, "cannot read " + path.string() + ": no such file or not readable");
  uint8_t header[kHeaderBytes];
  if (!in_.read(reinterpret_cast<char*>(header), kHeaderBytes)) fail(ErrorKind::format, path.string() + ": too short for a shard header");
  if (std::memcmp(header, kShardMagic, 8) != 0) fail(ErrorKind::format, path.string() + ": not a Kinema World shard");
  if (crc32(header, 60) != get_u32(header + 60)) fail(ErrorKind::format, path.string() + ": header checksum mismatch");
  if (get_u32(header + 8) != kVersion) fail(ErrorKind::format, path.string() + ": unsupported shard version " + std::to_string(get_u32(header + 8)));
  const uint32_t count = get_u32(header + 12);
  width_ = static_cast<int>(get_u32(header + 16));
  height_ = static_cast<int>(get_u32(header + 20));
  fps_ = static_cast<int>(get_u32(header + 24));
  frames_ = static_cast<int>(get_u32(header + 28));
  sample_rate_ = static_cast<int>(get_u32(header + 32));
  labels_ = get_u32(header + 36) & 1;
  const uint64_t index_at = get_u64(header + 40);
  std::vector<uint8_t> index(static_cast<size_t>(count) * 8 + 4);
  in_.seekg(static_cast<std::streamoff>(index_at));
  if (!in_.read(reinterpret_cast<char*>(index.data()), static_cast<std::streamsize>(index.size())))
    fail(ErrorKind::format, path.string() + ": the index is cut short");
  if (crc32(index.data(), count * 8) != get_u32(index.data() + count * 8)) fail(ErrorKind::format, path.string() + ": index checksum mismatch");
  for (uint32_t i = 0; i < count; ++i) offsets_.push_back(get_u64(index.data() + 8 * i));
}

ShardRecord ShardReader::read(int i) {
  const std::string where = path_.string() + ": record " + std::to_string(i);
  if (i < 0 || i >= size()) fail(ErrorKind::invalid_input, where + " does not exist (" + std::to_string(size()) + " records)");
  in_.clear();
  in_.seekg(static_cast<std::streamoff>(offsets_[i]));
  uint8_t head[kRecordFixedBytes];
  if (!in_.read(reinterpret_cast<char*>(head), kRecordFixedBytes)) fail(ErrorKind::format, where + ": cut short");
  if (std::memcmp(head, kRecordMagic, 4) != 0) fail(ErrorKind::format, where + ": bad record magic");
  const uint32_t json_bytes = get_u32(head + 4);
  const uint32_t samples = get_u32(head + 24);
  const size_t pixels = static_cast<size_t>(frames_) * width_ * height_;
  if (json_bytes > (64u << 20) || samples > (1u << 28)) fail(ErrorKind::format, where + ": implausible sizes");
  std::vector<uint8_t> body(json_bytes + pixels * 3 + (labels_ ? pixels : 0) + static_cast<size_t>(samples) * 2 + 4);
  if (!in_.read(reinterpret_cast<char*>(body.data()), static_cast<std::streamsize>(body.size()))) fail(ErrorKind::format, where + ": cut short");
  uint32_t crc = crc32(head, kRecordFixedBytes);
  crc = crc32(body.data(), body.size() - 4, crc);
  if (crc != get_u32(body.data() + body.size() - 4)) fail(ErrorKind::format, where + ": checksum mismatch");

  ShardRecord r;
  r.scene_seed = get_u64(head + 8);
  r.shot = static_cast<int>(get_u32(head + 16));
  r.shots = static_cast<int>(get_u32(head + 20));
  const uint8_t* p = body.data();
  try {
    r.json = Json::parse(p, p + json_bytes);
  } catch (const Json::exception& e) {
    fail(ErrorKind::format, where + ": bad JSON: " + e.what());
  }
  p += json_bytes;
  r.frames.assign(p, p + pixels * 3);
  p += pixels * 3;
  if (labels_) {
    r.labels.assign(p, p + pixels);
    p += pixels;
  }
  r.audio.resize(samples);
  for (uint32_t k = 0; k < samples; ++k) r.audio[k] = static_cast<int16_t>(static_cast<uint16_t>(p[2 * k] | p[2 * k + 1] << 8));
  return r;
}

}  // namespace kinema::world
