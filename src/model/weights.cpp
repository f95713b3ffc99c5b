// Weights between torch modules and safetensors checkpoints.
#include "model/weights.h"

#include <cstring>

#include "core/error.h"

namespace kinema::model {
namespace st = safetensors;

namespace {

torch::Dtype torch_dtype(st::DType d) {
  switch (d) {
    case st::DType::F64: return torch::kDouble;
    case st::DType::F32: return torch::kFloat;
    case st::DType::F16: return torch::kHalf;
    case st::DType::BF16: return torch::kBFloat16;
    case st::DType::I64: return torch::kLong;
    case st::DType::I32: return torch::kInt;
    case st::DType::I16: return torch::kShort;
    case st::DType::I8: return torch::kChar;
    case st::DType::U8: return torch::kByte;
    case st::DType::BOOL: return torch::kBool;
  }
  return torch::kFloat;
}

std::string list(const std::vector<std::string>& names, size_t max = 8) {
  std::string s;
  for (size_t i = 0; i < names.size() && i < max; ++i) s += (i ? ", " : "") + names[i];
  if (names.size() > max) s += ", ... (" + std::to_string(names.size()) + " in all)";
  return s;
}

}  // namespace

std::map<std::string, torch::Tensor> state_of(const torch::nn::Module& module) {
  std::map<std::string, torch::Tensor> state;
  for (const auto& p : module.named_parameters(true)) state[p.key()] = p.value();
  for (const auto& b : module.named_buffers(true)) state[b.key()] = b.value();
  return state;
}

namespace {

st::DType storage_dtype(torch::Dtype d) {
  switch (d) {
    case torch::kDouble: return st::DType::F64;
    case torch::kFloat: return st::DType::F32;
    case torch::kHalf: return st::DType::F16;
    case torch::kBFloat16: return st::DType::BF16;
    case torch::kLong: return st::DType::I64;
    case torch::kInt: return st::DType::I32;
    case torch::kShort: return st::DType::I16;
    case torch::kChar: return st::DType::I8;
    case torch::kByte: return st::DType::U8;
    case torch::kBool: return st::DType::BOOL;
    default: fail(ErrorKind::internal, "cannot store tensors of this dtype in safetensors");
  }
}

torch::Tensor read_native(const st::Checkpoint& checkpoint, const std::string& name) {
  const st::TensorInfo& info = checkpoint.info(name);
  const auto bytes = checkpoint.bytes(name);
  auto t = torch::empty(info.shape, torch::TensorOptions().dtype(torch_dtype(info.dtype)));
  if (static_cast<size_t>(t.nbytes()) != bytes.size())
    fail(ErrorKind::internal, "tensor '" + name + "': size mismatch after the header check");
  std::memcpy(t.data_ptr(), bytes.data(), bytes.size());
  return t;
}

}  // namespace

torch::Tensor read_tensor(const st::Checkpoint& checkpoint, const std::string& name) {
  return read_native(checkpoint, name).to(torch::kFloat);
}

void write_tensors(const std::filesystem::path& path, const std::map<std::string, torch::Tensor>& tensors,
                   const std::map<std::string, std::string>& metadata) {
  std::vector<torch::Tensor> keep;
  std::vector<st::TensorView> views;
  for (const auto& [name, tensor] : tensors) {
    keep.push_back(tensor.detach().cpu().contiguous());
    const auto& t = keep.back();
    views.push_back({name, storage_dtype(t.scalar_type()), t.sizes().vec(),
                     {static_cast<const std::byte*>(t.data_ptr()), static_cast<size_t>(t.nbytes())}});
  }
  st::write(path, views, metadata);
}

std::map<std::string, torch::Tensor> read_tensors(const std::filesystem::path& path) {
  const auto checkpoint = st::Checkpoint::open(path);
  std::map<std::string, torch::Tensor> out;
  for (const auto& name : checkpoint.names()) out[name] = read_native(checkpoint, name);
  return out;
}

void load_weights(torch::nn::Module& module, const st::Checkpoint& checkpoint) {
  const auto state = state_of(module);
  std::vector<std::string> missing, wrong_shape, left_over;
  for (const auto& [name, tensor] : state) {
    if (!checkpoint.contains(name)) {
      missing.push_back(name);
      continue;
    }
    const auto& shape = checkpoint.info(name).shape;
    if (shape != tensor.sizes().vec())
      wrong_shape.push_back(name + " " + st::shape_string(shape) + " (model.json needs " +
                            st::shape_string(tensor.sizes().vec()) + ")");
  }
  for (const std::string& name : checkpoint.names())
    if (!state.count(name)) left_over.push_back(name);

  std::string problems;
  if (!missing.empty()) problems += "; missing: " + list(missing);
  if (!wrong_shape.empty()) problems += "; wrong shape: " + list(wrong_shape);
  if (!left_over.empty()) problems += "; not used by model.json: " + list(left_over);
  if (!problems.empty())
    fail(ErrorKind::model, checkpoint.path().string() + " does not match the model's config" + problems);

  torch::NoGradGuard no_grad;
  for (const auto& [name, tensor] : state) {
    auto mutable_tensor = tensor;
    mutable_tensor.copy_(read_tensor(checkpoint, name));
  }
}

void save_weights(const torch::nn::Module& module, const std::filesystem::path& dir, const std::string& stem,
                  st::DType storage, uint64_t max_shard_bytes, const std::map<std::string, std::string>& metadata) {
  if (storage != st::DType::F32 && storage != st::DType::F16 && storage != st::DType::BF16)
    fail(ErrorKind::invalid_input, "weights can be saved as F32, F16 or BF16");
  const auto state = state_of(module);
  std::vector<torch::Tensor> keep;
  std::vector<st::TensorView> views;
  for (const auto& [name, tensor] : state) {
    keep.push_back(tensor.detach().to(torch::kCPU, torch_dtype(storage)).contiguous());
    const auto& t = keep.back();
    views.push_back({name, storage, t.sizes().vec(),
                     {static_cast<const std::byte*>(t.data_ptr()), static_cast<size_t>(t.nbytes())}});
  }
  st::write_sharded(dir, stem, views, max_shard_bytes, metadata);
}

}  // namespace kinema::model
