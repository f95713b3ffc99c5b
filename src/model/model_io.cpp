// Loading and saving model folders.
#include "model/model_io.h"

#include <fstream>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/json.h"
#include "core/log.h"
#include "model/weights.h"

namespace kinema::model {
namespace fs = std::filesystem;

KinemaModel load_model(const fs::path& dir, const ModelConfig& config, torch::Device device, torch::Dtype dtype) {
  KinemaModel model(config);
  const auto checkpoint = safetensors::Checkpoint::open(dir);
  load_weights(*model, checkpoint);
  model->to(device, dtype);
  model->eval();
  logger("engine")->info("loaded {} ({}) from {}", config.name, config.version, checkpoint.path().string());
  return model;
}

void save_model(const fs::path& dir, KinemaModel& model, const fs::path& tokenizer, const std::string& model_card,
                const SaveOptions& options) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) fail(ErrorKind::io, "cannot create " + dir.string() + ": " + ec.message());
  // Remove weights of an earlier save so the folder never mixes two checkpoints.
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.find(".safetensors") != std::string::npos) fs::remove(entry.path(), ec);
  }
  save_weights(*model, dir, "model", options.storage, options.max_shard_bytes,
               {{"format", "pt"}, {"kinema.model", model->config.name}, {"kinema.version", model->config.version}});
  write_json_file(dir / "model.json", model->config.to_json());
  if (fs::absolute(tokenizer) != fs::absolute(dir / "tokenizer.model")) {
    std::ifstream in(tokenizer, std::ios::binary);
    if (!in) fail(ErrorKind::io, "cannot read tokenizer " + tokenizer.string());
    const std::string bytes{std::istreambuf_iterator<char>(in), {}};
    write_file_atomically(dir / "tokenizer.model", bytes.data(), bytes.size());
  }
  write_file_atomically(dir / "MODEL_CARD.md", model_card.data(), model_card.size());
}

}  // namespace kinema::model
