// The training loop every stage shares.
#include "train/loop.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/autocast_mode.h>
#include <torch/version.h>

#include <chrono>
#include <cmath>

#include "core/error.h"
#include "core/log.h"
#include "train/checkpoint.h"
#include "train/loss_log.h"

namespace kinema::train {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

torch::Tensor frames_tensor(const media::Clip& clip) {
  auto t = torch::from_blob(const_cast<uint8_t*>(clip.frames.data()),
                            {clip.frame_count(), clip.height, clip.width, 3}, torch::kByte);
  return t.permute({3, 0, 1, 2}).to(torch::kFloat) / 127.5 - 1.0;
}

media::Clip clip_from_tensor(const torch::Tensor& frames, const media::Clip& like) {
  media::Clip c = like;
  const auto bytes = ((frames.clamp(-1, 1) + 1) * 127.5).round().to(torch::kByte).permute({1, 2, 3, 0}).contiguous();
  c.frames.assign(bytes.data_ptr<uint8_t>(), bytes.data_ptr<uint8_t>() + bytes.numel());
  c.audio.clear();
  return c;
}

namespace {

// bf16 autocast on CUDA for the forward pass of one step, as mixed-precision training does.
class CudaAutocast {
 public:
  explicit CudaAutocast(bool on) : on_(on) {
    if (on_) set(true);
  }
  ~CudaAutocast() {
    if (!on_) return;
    set(false);
    at::autocast::clear_cache();
  }
  CudaAutocast(const CudaAutocast&) = delete;
  CudaAutocast& operator=(const CudaAutocast&) = delete;

 private:
  static void set(bool enabled) {
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
    at::autocast::set_autocast_dtype(at::kCUDA, at::kBFloat16);
    at::autocast::set_autocast_enabled(at::kCUDA, enabled);
#else
    at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
    at::autocast::set_enabled(enabled);
#endif
  }
  bool on_;
};

std::string duration(double seconds) {
  const long s = std::lround(std::max(0.0, seconds));
  char text[32];
  std::snprintf(text, sizeof text, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  return text;
}

}  // namespace

LoopResult run_loop(torch::nn::Module& module, const LoopOptions& o, const std::vector<std::string>& part_names,
                    const SampleSource& source, const StepFn& step_fn, const ReportFn& report,
                    const std::atomic<bool>* stop) {
  std::error_code ec;
  fs::create_directories(o.dir, ec);
  module.train();
  module.to(o.device);
  AdamW optimizer(module, o.adam);
  Ema ema(module, o.ema_decay);
  torch::Generator generator = at::make_generator<at::CPUGeneratorImpl>(o.seed);

  Json state = {{"stage", o.name}, {"step", 0}, {"next_sample", 0}, {"seconds", 0.0}, {"samples", 0}};
  const TrainingState training{&module, &ema, &optimizer, &generator, o.added_modules};
  if (load_checkpoint(o.dir, training, state))
    report(o.name + ": resuming at step " + std::to_string(state["step"].get<int64_t>()));
  int64_t step = state["step"].get<int64_t>();
  double trained_seconds = state["seconds"].get<double>();
  int64_t samples = state["samples"].get<int64_t>();

  LossLog log(o.dir / "loss.csv", part_names, step);
  Prefetcher data(source, state["next_sample"].get<uint64_t>(), o.data_workers, 2 * o.batch);

  const auto run_start = Clock::now();
  auto last_checkpoint = Clock::now();
  std::vector<double> window(part_names.size(), 0.0);
  int window_steps = 0;
  double window_start_seconds = 0;
  int64_t window_samples = 0;
  const auto run_seconds = [&] { return std::chrono::duration<double>(Clock::now() - run_start).count(); };
  const auto save = [&] {
    state["step"] = step;
    state["next_sample"] = data.position();
    state["seconds"] = trained_seconds + run_seconds();
    state["samples"] = samples;
    save_checkpoint(o.dir, training, state);
    log.plot(o.dir / "loss.png", o.name + " training loss");
    last_checkpoint = Clock::now();
  };

  LoopResult result;
  while (step < o.total_steps) {
    if (stop && stop->load()) break;
    if (o.max_minutes > 0 && run_seconds() > o.max_minutes * 60) break;
    std::vector<Sample> batch;
    for (int i = 0; i < o.batch; ++i) batch.push_back(data.next());
    const double lr = learning_rate(step, o.warmup_steps, o.total_steps, o.adam.lr, o.min_lr);
    StepResult r;
    {
      const CudaAutocast autocast(o.device.is_cuda());
      r = step_fn(batch, generator);
    }
    if (!std::isfinite(r.loss.item<double>()))
      fail(ErrorKind::internal, o.name + ": the loss became " + std::to_string(r.loss.item<double>()) + " at step " +
                                    std::to_string(step) + "; resume from the last checkpoint with a lower learning rate");
    r.loss.backward();
    optimizer.step(lr);
    ema.update(module, step);
    ++step;
    samples += o.batch;
    window_samples += o.batch;
    for (size_t i = 0; i < window.size() && i < r.parts.size(); ++i) window[i] += r.parts[i];
    ++window_steps;
    if (step % o.log_every == 0 || step == o.total_steps) {
      for (auto& v : window) v /= window_steps;
      const double now = run_seconds();
      log.add(step, trained_seconds + now, window);
      const double rate = window_samples / std::max(1e-9, now - window_start_seconds);
      const double eta = (o.total_steps - step) * o.batch / std::max(rate, 1e-9);
      char line[512];
      int n = std::snprintf(line, sizeof line, "%s step %lld/%lld", o.name.c_str(), static_cast<long long>(step),
                            static_cast<long long>(o.total_steps));
      for (size_t i = 0; i < window.size(); ++i)
        n += std::snprintf(line + n, sizeof line - n, " %s %.4g", part_names[i].c_str(), window[i]);
      std::snprintf(line + n, sizeof line - n, " | lr %.2e | %.1f samples/s | data wait %.0f%% | ETA %s", lr, rate,
                    100.0 * data.wait_seconds() / std::max(1e-9, now), duration(eta).c_str());
      report(line);
      std::fill(window.begin(), window.end(), 0.0);
      window_steps = 0;
      window_samples = 0;
      window_start_seconds = now;
    }
    if (std::chrono::duration<double>(Clock::now() - last_checkpoint).count() > o.checkpoint_seconds) save();
  }
  save();
  module.to(torch::kCPU);
  result.step = step;
  result.finished = step >= o.total_steps;
  result.data_wait_fraction = data.wait_seconds() / std::max(1e-9, run_seconds());
  return result;
}

}  // namespace kinema::train
