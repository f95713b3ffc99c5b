// The training loop every stage shares: resume, batches from the prefetcher, AdamW with warm-up and
// cosine decay, EMA, a progress line, loss curves (CSV + PNG) and checkpoints every few minutes.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "train/data.h"
#include "train/optimizer.h"

namespace kinema::train {

struct LoopOptions {
  std::filesystem::path dir;  // the stage's folder: checkpoint/, loss.csv, loss.png
  std::string name;           // "vae", "audio", "dit"
  int64_t total_steps = 1000;
  double max_minutes = 0;     // > 0: also stop after this much wall time in this run
  int batch = 8;
  AdamWOptions adam;
  double min_lr = 1e-5;
  int64_t warmup_steps = 100;
  double ema_decay = 0.999;
  double checkpoint_seconds = 300;
  int log_every = 10;
  uint64_t seed = 0;
  int data_workers = 1;
  std::vector<std::string> added_modules;  // see TrainingState::added_modules
  // CUDA: the module, its optimizer state and EMA live on the GPU for the run (float32 master weights) and
  // forward passes run under bf16 autocast; the module is back on the CPU when run_loop returns.
  torch::Device device = torch::kCPU;
};

struct StepResult {
  torch::Tensor loss;          // the scalar to minimise
  std::vector<double> parts;   // its components, for the log (same order as part names)
};

using StepFn = std::function<StepResult(std::vector<Sample>& batch, torch::Generator& generator)>;
using ReportFn = std::function<void(const std::string& line)>;

struct LoopResult {
  int64_t step = 0;        // steps done in total (across resumes)
  bool finished = false;   // reached total_steps
  double data_wait_fraction = 0;
};

// Trains `module` until total_steps, max_minutes or *stop; resumes from options.dir if a checkpoint is
// there. After it returns, the EMA weights are in options.dir/checkpoint/ema.safetensors.
LoopResult run_loop(torch::nn::Module& module, const LoopOptions& options, const std::vector<std::string>& part_names,
                    const SampleSource& source, const StepFn& step, const ReportFn& report,
                    const std::atomic<bool>* stop = nullptr);

// RGB24 frames [F, H, W, 3] -> float [3, F, H, W] in [-1, 1].
torch::Tensor frames_tensor(const media::Clip& clip);
// The inverse: float [3, F, H, W] in [-1, 1] -> a clip shaped like `like` (its format), with no sound.
media::Clip clip_from_tensor(const torch::Tensor& frames, const media::Clip& like);

}  // namespace kinema::train
