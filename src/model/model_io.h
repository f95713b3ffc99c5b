// Loading a model folder into networks on a device, and saving networks as a model folder.
#pragma once

#include <filesystem>
#include <string>

#include <torch/torch.h>

#include "core/safetensors.h"
#include "model/kinema_model.h"

namespace kinema::model {

// Builds the networks model.json describes and loads the folder's weights into them (every tensor
// checked), then moves them to `device` in `dtype` and switches to eval mode.
KinemaModel load_model(const std::filesystem::path& dir, const ModelConfig& config, torch::Device device,
                       torch::Dtype dtype);

struct SaveOptions {
  safetensors::DType storage = safetensors::DType::F16;
  uint64_t max_shard_bytes = 16ull << 20;  // 16 MiB
};

// Writes model.json, the weights, a copy of the tokenizer and MODEL_CARD.md into dir (created if needed).
void save_model(const std::filesystem::path& dir, KinemaModel& model, const std::filesystem::path& tokenizer,
                const std::string& model_card, const SaveOptions& options = {});

}  // namespace kinema::model
