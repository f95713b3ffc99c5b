// AdamW, weight EMA and the learning-rate schedule.
#include "train/optimizer.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "model/weights.h"

namespace kinema::train {

AdamW::AdamW(torch::nn::Module& module, AdamWOptions options) : options_(options) {
  for (const auto& p : module.named_parameters(true))
    if (p.value().requires_grad()) {
      params_.emplace_back(p.key(), p.value());
      m_[p.key()] = torch::zeros_like(p.value());
      v_[p.key()] = torch::zeros_like(p.value());
      own_steps_[p.key()] = 0;
    }
}

double AdamW::step(double lr) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> grads;
  for (auto& [name, p] : params_)
    if (p.grad().defined()) grads.push_back(p.grad());
  double norm = 0.0;
  for (const auto& g : grads) norm += g.pow(2).sum().item<double>();
  norm = std::sqrt(norm);
  const double scale = (options_.clip_grad_norm > 0 && norm > options_.clip_grad_norm) ? options_.clip_grad_norm / norm : 1.0;

  ++steps_;
  for (auto& [name, p] : params_) {
    if (!p.grad().defined()) continue;
    const auto own = static_cast<double>(++own_steps_.at(name));
    const double bias1 = 1.0 - std::pow(options_.beta1, own);
    const double bias2 = 1.0 - std::pow(options_.beta2, own);
    const auto g = p.grad() * scale;
    auto& m = m_.at(name);
    auto& v = v_.at(name);
    m.mul_(options_.beta1).add_(g, 1.0 - options_.beta1);
    v.mul_(options_.beta2).addcmul_(g, g, 1.0 - options_.beta2);
    // Decay only matrices and kernels, not gains, biases or modulation tables of one row.
    if (options_.weight_decay > 0 && p.dim() >= 2 && name.find("modulation") == std::string::npos)
      p.mul_(1.0 - lr * options_.weight_decay);
    const auto denom = (v / bias2).sqrt_().add_(options_.eps);
    p.addcdiv_(m, denom, -lr / bias1);
    p.mutable_grad().zero_();
  }
  return norm;
}

std::map<std::string, torch::Tensor> AdamW::state() const {
  std::map<std::string, torch::Tensor> out;
  for (const auto& [name, m] : m_) out[name + ".m"] = m;
  for (const auto& [name, v] : v_) out[name + ".v"] = v;
  out["step"] = torch::tensor({static_cast<double>(steps_)}, torch::kDouble);
  for (const auto& [name, n] : own_steps_)
    if (n != steps_) out[name + ".step"] = torch::tensor({static_cast<double>(n)}, torch::kDouble);
  return out;
}

void AdamW::load_state(const std::map<std::string, torch::Tensor>& state,
                       const std::function<bool(const std::string&)>& added) {
  torch::NoGradGuard no_grad;
  const auto it = state.find("step");
  if (it == state.end()) fail(ErrorKind::model, "optimizer state has no step count");
  steps_ = static_cast<int64_t>(it->second.item<double>());
  for (auto& [name, m] : m_) {
    const auto it_m = state.find(name + ".m"), it_v = state.find(name + ".v");
    if (it_m == state.end() || it_v == state.end()) {
      if (added && added(name)) {
        m.zero_();
        v_.at(name).zero_();
        own_steps_.at(name) = 0;
        continue;
      }
      fail(ErrorKind::model, "optimizer state has no moments for '" + name + "'");
    }
    m.copy_(it_m->second);
    v_.at(name).copy_(it_v->second);
    const auto own = state.find(name + ".step");
    own_steps_.at(name) = own == state.end() ? steps_ : static_cast<int64_t>(own->second.item<double>());
  }
}

Ema::Ema(const torch::nn::Module& module, double decay) : decay_(decay) {
  for (const auto& [name, t] : model::state_of(module)) weights_[name] = t.detach().clone();
}

double Ema::decay_at(int64_t updates) const {
  return std::min(decay_, (1.0 + static_cast<double>(updates)) / (10.0 + static_cast<double>(updates)));
}

void Ema::update(const torch::nn::Module& module, int64_t updates) {
  torch::NoGradGuard no_grad;
  for (const auto& [name, t] : model::state_of(module)) {
    auto& w = weights_.at(name);
    const auto joined = joined_at_.find(name);
    const double decay = decay_at(joined == joined_at_.end() ? updates : std::max<int64_t>(0, updates - joined->second));
    if (t.is_floating_point()) w.mul_(decay).add_(t.detach(), 1.0 - decay);
    else w.copy_(t);
  }
}

void Ema::copy_to(torch::nn::Module& module) const {
  torch::NoGradGuard no_grad;
  for (auto [name, t] : model::state_of(module)) t.copy_(weights_.at(name));
}

std::map<std::string, torch::Tensor> Ema::state() const {
  auto out = weights_;
  for (const auto& [name, step] : joined_at_)
    out["joined_at." + name] = torch::tensor({static_cast<double>(step)}, torch::kDouble);
  return out;
}

void Ema::load(const std::map<std::string, torch::Tensor>& state, const std::function<bool(const std::string&)>& added,
               int64_t now) {
  torch::NoGradGuard no_grad;
  joined_at_.clear();
  for (auto& [name, w] : weights_) {
    const auto it = state.find(name);
    if (it == state.end()) {
      if (added && added(name)) {
        joined_at_[name] = now;
        continue;
      }
      fail(ErrorKind::model, "EMA weights lack '" + name + "'");
    }
    w.copy_(it->second);
    if (const auto joined = state.find("joined_at." + name); joined != state.end())
      joined_at_[name] = static_cast<int64_t>(joined->second.item<double>());
  }
}

double learning_rate(int64_t step, int64_t warmup_steps, int64_t total_steps, double max_lr, double min_lr) {
  if (step < warmup_steps) return max_lr * static_cast<double>(step + 1) / static_cast<double>(warmup_steps);
  if (step >= total_steps) return min_lr;
  const double progress = static_cast<double>(step - warmup_steps) / std::max<int64_t>(1, total_steps - warmup_steps);
  return min_lr + 0.5 * (max_lr - min_lr) * (1.0 + std::cos(M_PI * progress));
}

}  // namespace kinema::train
