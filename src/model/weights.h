// Weights between torch modules and safetensors checkpoints, with every name and shape checked.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include <torch/torch.h>

#include "core/safetensors.h"

namespace kinema::model {

// Copies one tensor out of a checkpoint as a float32 CPU tensor (F32, F16, BF16, F64 or integer storage).
torch::Tensor read_tensor(const safetensors::Checkpoint& checkpoint, const std::string& name);

// Loads every parameter and buffer of `module` from the checkpoint, converting to each tensor's dtype.
// Throws kinema::Error (model) listing tensors that are missing, of the wrong shape, or left over.
void load_weights(torch::nn::Module& module, const safetensors::Checkpoint& checkpoint);

// Writes every parameter and buffer in `storage` dtype (F32, F16 or BF16), in shards of at most
// max_shard_bytes under dir/<stem>*.safetensors (plus an index when there are several).
void save_weights(const torch::nn::Module& module, const std::filesystem::path& dir, const std::string& stem,
                  safetensors::DType storage, uint64_t max_shard_bytes,
                  const std::map<std::string, std::string>& metadata = {});

// Any named tensors to one .safetensors file (kept in their own dtype: F32, F64, I64, U8, ...), and back.
void write_tensors(const std::filesystem::path& path, const std::map<std::string, torch::Tensor>& tensors,
                   const std::map<std::string, std::string>& metadata = {});
std::map<std::string, torch::Tensor> read_tensors(const std::filesystem::path& path);

// All parameters and buffers by name (the names a checkpoint must hold).
std::map<std::string, torch::Tensor> state_of(const torch::nn::Module& module);

}  // namespace kinema::model
