// Training checkpoints that resume exactly.
#include "train/checkpoint.h"

#include "core/error.h"
#include "core/log.h"
#include "model/weights.h"

namespace kinema::train {
namespace fs = std::filesystem;

void save_checkpoint(const fs::path& dir, const TrainingState& t, const Json& state) {
  const fs::path final_dir = dir / "checkpoint", temp_dir = dir / "checkpoint.partial", old_dir = dir / "checkpoint.old";
  std::error_code ec;
  fs::remove_all(temp_dir, ec);
  fs::create_directories(temp_dir, ec);
  if (ec) fail(ErrorKind::io, "cannot create " + temp_dir.string() + ": " + ec.message());
  model::write_tensors(temp_dir / "model.safetensors", model::state_of(*t.model));
  if (t.ema) model::write_tensors(temp_dir / "ema.safetensors", t.ema->state());
  if (t.optimizer) model::write_tensors(temp_dir / "optimizer.safetensors", t.optimizer->state());
  if (t.generator) model::write_tensors(temp_dir / "rng.safetensors", {{"cpu", t.generator->get_state()}});
  write_json_file(temp_dir / "state.json", state);
  // Swap in: the old checkpoint stays until the new one is complete.
  fs::remove_all(old_dir, ec);
  if (fs::exists(final_dir)) fs::rename(final_dir, old_dir, ec);
  fs::rename(temp_dir, final_dir, ec);
  if (ec) fail(ErrorKind::io, "cannot move the checkpoint into " + final_dir.string() + ": " + ec.message());
  fs::remove_all(old_dir, ec);
}

bool load_checkpoint(const fs::path& dir, const TrainingState& t, Json& state) {
  fs::path from = dir / "checkpoint";
  std::error_code ec;
  // A crash between the two renames leaves only checkpoint.old: use it.
  if (!fs::exists(from / "state.json", ec) && fs::exists(dir / "checkpoint.old" / "state.json", ec))
    from = dir / "checkpoint.old";
  if (!fs::exists(from / "state.json", ec)) return false;
  torch::NoGradGuard no_grad;
  const auto added = [&](const std::string& name) {
    for (const auto& prefix : t.added_modules)
      if (name.rfind(prefix + ".", 0) == 0) return true;
    return false;
  };
  state = read_json_file(from / "state.json");
  const auto weights = model::read_tensors(from / "model.safetensors");
  std::vector<std::string> fresh;
  for (auto [name, tensor] : model::state_of(*t.model)) {
    const auto it = weights.find(name);
    if (it == weights.end()) {
      if (added(name)) {
        fresh.push_back(name);
        continue;
      }
      fail(ErrorKind::model, from.string() + ": checkpoint lacks '" + name + "'");
    }
    if (it->second.sizes() != tensor.sizes())
      fail(ErrorKind::model, from.string() + ": '" + name + "' has another shape than the model being trained");
    tensor.copy_(it->second);
  }
  const int64_t step = state.value("step", int64_t{0});
  if (t.ema) t.ema->load(model::read_tensors(from / "ema.safetensors"), added, step);
  if (t.optimizer) t.optimizer->load_state(model::read_tensors(from / "optimizer.safetensors"), added);
  if (t.generator) t.generator->set_state(model::read_tensors(from / "rng.safetensors").at("cpu"));
  for (const auto& name : fresh)
    logger("train")->info("{} is new since the checkpoint: it starts from its initialisation", name);
  logger("train")->info("resumed from {} at step {}", from.string(), step);
  return true;
}

std::vector<std::string> warm_start(torch::nn::Module& module, const fs::path& weights) {
  const auto from = model::read_tensors(weights);
  const auto to = model::state_of(module);
  std::vector<std::string> widened;
  torch::NoGradGuard no_grad;
  for (const auto& [name, target] : to) {
    const auto found = from.find(name);
    if (found == from.end()) fail(ErrorKind::format, weights.string() + ": no tensor " + name + " to start from");
    const auto& source = found->second;
    if (source.sizes() == target.sizes()) {
      target.copy_(source);
      continue;
    }
    bool grew = source.dim() == target.dim() && source.dim() >= 2 && source.size(1) < target.size(1);
    for (int64_t d = 0; grew && d < source.dim(); ++d) grew = d == 1 || source.size(d) == target.size(d);
    if (!grew) fail(ErrorKind::format, weights.string() + ": " + name + " has another shape than the network's");
    target.zero_();
    target.narrow(1, 0, source.size(1)).copy_(source);
    widened.push_back(name);
  }
  for (const auto& [name, tensor] : from)
    if (!to.count(name)) fail(ErrorKind::format, weights.string() + ": " + name + " is not in the network");
  return widened;
}

}  // namespace kinema::train
