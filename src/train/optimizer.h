// Training state we own end to end, so a checkpoint resumes exactly: AdamW (decoupled weight decay,
// Loshchilov & Hutter 2019), an exponential moving average of the weights, and the learning-rate schedule.
#pragma once

#include <functional>
#include <map>
#include <string>

#include <torch/torch.h>

namespace kinema::train {

struct AdamWOptions {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.01;
  double clip_grad_norm = 1.0;  // <= 0: no clipping
};

class AdamW {
 public:
  // Optimises every parameter of `module` that requires grad; names are the module's parameter names.
  AdamW(torch::nn::Module& module, AdamWOptions options);

  // Clips the gradient norm, takes one step at learning rate lr, zeroes the grads. Returns the
  // gradient norm before clipping.
  double step(double lr);
  int64_t steps() const { return steps_; }

  // Moments by "<param>.m" / "<param>.v" plus "step", for checkpoints; "<param>.step" for a parameter that
  // joined later (its moments are bias-corrected by its own count of steps).
  std::map<std::string, torch::Tensor> state() const;
  // Parameters for which `added` is true may be missing from `state`: they start with no moments.
  void load_state(const std::map<std::string, torch::Tensor>& state,
                  const std::function<bool(const std::string&)>& added = {});

 private:
  AdamWOptions options_;
  std::vector<std::pair<std::string, torch::Tensor>> params_;
  std::map<std::string, torch::Tensor> m_, v_;
  std::map<std::string, int64_t> own_steps_;  // steps each parameter has taken
  int64_t steps_ = 0;
};

// An exponential moving average of a module's parameters and buffers (the weights we ship). The decay warms
// up with the number of updates, min(decay, (1 + n) / (10 + n)), so the average forgets the random
// initialisation: with a fixed 0.999 a third of it was still in the average after 1100 steps, and the
// exported DiT drew noise where its raw weights drew the scene.
class Ema {
 public:
  Ema(const torch::nn::Module& module, double decay);
  // `updates` counts the updates made before this one (the training step, across resumes).
  void update(const torch::nn::Module& module, int64_t updates);
  double decay_at(int64_t updates) const;
  // Copies the averaged weights into `module` (e.g. a copy used for sampling or saving).
  void copy_to(torch::nn::Module& module) const;
  const std::map<std::string, torch::Tensor>& weights() const { return weights_; }
  // The averaged weights, plus "joined_at.<name>" for a tensor that joined the average after step 0.
  std::map<std::string, torch::Tensor> state() const;
  // Tensors for which `added` is true may be missing: they keep their current values and join the average
  // at step `now`, warming up from there.
  void load(const std::map<std::string, torch::Tensor>& state,
            const std::function<bool(const std::string&)>& added = {}, int64_t now = 0);

 private:
  double decay_;
  std::map<std::string, torch::Tensor> weights_;
  std::map<std::string, int64_t> joined_at_;
};

// Linear warm-up, then cosine decay to min_lr at total_steps (constant min_lr beyond).
double learning_rate(int64_t step, int64_t warmup_steps, int64_t total_steps, double max_lr, double min_lr);

}  // namespace kinema::train
