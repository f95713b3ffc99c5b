// The latent cache: shards of encoded world clips for the DiT stage.
#include "train/latent_cache.h"

#include <chrono>
#include <cstdio>
#include <numeric>
#include <random>

#include "core/error.h"
#include "core/json.h"
#include "core/safetensors.h"
#include "model/weights.h"

namespace kinema::train {
namespace fs = std::filesystem;
namespace st = kinema::safetensors;
using Clock = std::chrono::steady_clock;

namespace {

fs::path shard_path(const fs::path& dir, int64_t shard) {
  char name[64];
  std::snprintf(name, sizeof name, "shard-%05lld.safetensors", static_cast<long long>(shard));
  return dir / name;
}

int64_t shard_count(const LatentCacheOptions& o) { return (o.samples + o.shard_size - 1) / o.shard_size; }

// Layout in [-1, 1] to bytes and back (the layout is a render of flat colours: 8 bits lose nothing visible).
torch::Tensor layout_to_bytes(const torch::Tensor& t) {
  return ((t + 1.0) * 127.5).round().clamp(0, 255).to(torch::kByte);
}

}  // namespace

bool build_latent_cache(model::KinemaModel m, const model::MelVocoder* vocoder, const SampleSource& source,
                        const LatentCacheOptions& o, const ReportFn& report, const std::atomic<bool>* stop) {
  std::error_code ec;
  fs::create_directories(o.dir, ec);
  if (ec) fail(ErrorKind::io, "cannot create " + o.dir.string() + ": " + ec.message());
  const int64_t shards = shard_count(o);
  std::vector<int64_t> missing;
  for (int64_t s = 0; s < shards; ++s)
    if (!fs::exists(shard_path(o.dir, s))) missing.push_back(s);
  if (missing.empty()) return true;
  report("cache: encoding " + std::to_string(missing.size() * o.shard_size) + " clips into " +
         std::to_string(missing.size()) + " shards under " + o.dir.string());
  m->eval();
  const auto started = Clock::now();
  int64_t done = 0;
  for (const int64_t shard : missing) {
    if (stop && stop->load()) return false;
    // Clips of this shard, made ahead on worker threads, encoded `batch` at a time.
    Prefetcher data(source, static_cast<uint64_t>(shard * o.shard_size), o.data_workers, 2 * o.batch);
    std::vector<EncodedBatch> parts;
    Json wordings = Json::array();
    for (int first = 0; first < o.shard_size; first += o.batch) {
      if (stop && stop->load()) return false;  // the shard is written whole or not at all
      std::vector<Sample> batch;
      for (int i = first; i < std::min(o.shard_size, first + o.batch); ++i) batch.push_back(data.next());
      parts.push_back(encode_batch(m, batch, vocoder));
      for (const Sample& s : batch) wordings.push_back(s.wordings.empty() ? Json::array({s.caption}) : Json(s.wordings));
    }
    const auto cat = [&](torch::Tensor EncodedBatch::*field) {
      std::vector<torch::Tensor> rows;
      for (const auto& p : parts) rows.push_back(p.*field);
      return rows.front().defined() ? torch::cat(rows, 0) : torch::Tensor{};
    };
    std::map<std::string, torch::Tensor> tensors{{"video", cat(&EncodedBatch::video).to(torch::kHalf)}};
    if (const auto t = cat(&EncodedBatch::layout); t.defined()) tensors["layout"] = layout_to_bytes(t);
    if (const auto t = cat(&EncodedBatch::audio); t.defined()) tensors["audio"] = t.to(torch::kHalf);
    if (const auto t = cat(&EncodedBatch::events); t.defined()) tensors["events"] = t.to(torch::kHalf);
    model::write_tensors(shard_path(o.dir, shard), tensors, {{"wordings", wordings.dump()}});
    ++done;
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    const double eta = seconds / done * static_cast<double>(missing.size() - done);
    char line[200];
    std::snprintf(line, sizeof line, "cache: shard %lld/%lld | %.1f clips/s | ETA %lld:%02lld:%02lld",
                  static_cast<long long>(shards - static_cast<int64_t>(missing.size()) + done),
                  static_cast<long long>(shards), done * o.shard_size / seconds, static_cast<long long>(eta) / 3600,
                  (static_cast<long long>(eta) / 60) % 60, static_cast<long long>(eta) % 60);
    report(line);
  }
  return true;
}

SampleSource latent_cache_source(const LatentCacheOptions& o, uint64_t seed,
                                 std::function<std::vector<float>(uint64_t)> scene_of) {
  struct Shard {
    st::File file;
    std::vector<std::vector<std::string>> wordings;
  };
  auto shards = std::make_shared<std::vector<Shard>>();
  const int64_t count = shard_count(o);
  for (int64_t s = 0; s < count; ++s) {
    const auto path = shard_path(o.dir, s);
    if (!fs::exists(path)) fail(ErrorKind::io, path.string() + ": the latent cache is not finished");
    Shard shard{st::File::open(path), {}};
    const auto meta = shard.file.metadata().find("wordings");
    if (meta == shard.file.metadata().end()) fail(ErrorKind::format, path.string() + ": no \"wordings\" metadata");
    shard.wordings = Json::parse(meta->second).get<std::vector<std::vector<std::string>>>();
    for (const std::string name : {"video", "layout", "audio", "events"}) {
      if (!shard.file.contains(name)) continue;
      const auto& info = shard.file.info(name);
      if (info.shape.empty() || info.shape[0] != o.shard_size ||
          info.dtype != (name == "layout" ? st::DType::U8 : st::DType::F16))
        fail(ErrorKind::format, path.string() + ": tensor '" + name + "' is not " + std::to_string(o.shard_size) +
                                    " samples of the expected type");
    }
    if (static_cast<int>(shard.wordings.size()) != o.shard_size)
      fail(ErrorKind::format, path.string() + ": wordings for " + std::to_string(shard.wordings.size()) + " samples");
    shards->push_back(std::move(shard));
  }
  const int64_t n = count * o.shard_size;
  const int64_t size = o.shard_size;
  // Each entry's scene features, once (they would otherwise be recomputed every epoch).
  auto scenes = std::make_shared<std::vector<std::vector<float>>>();
  if (scene_of)
    for (int64_t entry = 0; entry < n; ++entry) scenes->push_back(scene_of(static_cast<uint64_t>(entry)));
  return [shards, n, size, seed, scenes](uint64_t index) {
    const uint64_t epoch = index / static_cast<uint64_t>(n);
    std::vector<int64_t> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), std::mt19937_64(seed + epoch));
    const int64_t entry = order[index % static_cast<uint64_t>(n)];
    const Shard& shard = (*shards)[static_cast<size_t>(entry / size)];
    const int64_t row = entry % size;
    const auto read = [&](const std::string& name) -> torch::Tensor {
      if (!shard.file.contains(name)) return {};
      const auto& info = shard.file.info(name);
      const auto bytes = shard.file.bytes(info);
      const size_t per_row = bytes.size() / static_cast<size_t>(size);
      const std::vector<int64_t> shape(info.shape.begin() + 1, info.shape.end());
      const auto dtype = info.dtype == st::DType::U8 ? torch::kByte : torch::kHalf;
      return torch::from_blob(const_cast<std::byte*>(bytes.data() + per_row * row), shape, dtype).to(torch::kFloat);
    };
    auto encoded = std::make_shared<Encoded>();
    encoded->video = read("video");
    encoded->layout = read("layout");
    if (encoded->layout.defined()) encoded->layout = encoded->layout / 127.5 - 1.0;
    encoded->audio = read("audio");
    encoded->events = read("events");
    Sample sample;
    if (!scenes->empty()) {
      sample.scene_features = (*scenes)[static_cast<size_t>(entry)];
      encoded->scene = torch::tensor(sample.scene_features, torch::kFloat);
    }
    sample.index = index;
    const auto& wordings = shard.wordings[static_cast<size_t>(row)];
    sample.wordings = wordings;
    sample.caption = wordings.at(epoch % wordings.size());
    sample.encoded = std::move(encoded);
    return sample;
  };
}

}  // namespace kinema::train
