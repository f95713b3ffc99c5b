// A tool, not a test: what the video autoencoder of a training run lets a model reach at best. World clips
// in the model's format go through the autoencoder and back, and the judge scores the reconstruction against
// the clip's caption beside the original (the sound is the original's), criterion by criterion. A guided
// decoder is judged with the layout (guided mode) and without it (free mode).
//   build/tests/kinema-autoencoder-ceiling [--run DIR] [--count N]
#include <cstdio>
#include <cstdlib>
#include <string>

#include <torch/torch.h>

#include "eval/judge.h"
#include "model/config.h"
#include "model/weights.h"
#include "model/vae.h"
#include "train/loop.h"
#include "train/world_source.h"

using namespace kinema;

int main(int argc, char** argv) {
  std::filesystem::path run = "runs/kinema-tiny";
  int count = 40;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--run" && i + 1 < argc) run = argv[++i];
    else if (a == "--count" && i + 1 < argc) count = std::atoi(argv[++i]);
    else {
      std::fprintf(stderr, "usage: %s [--run DIR] [--count N]\n", argv[0]);
      return 2;
    }
  }
  const auto config = model::ModelConfig::load(run / "model.json");
  model::VideoVae vae(config.vae);
  {
    torch::NoGradGuard no_grad;
    const auto weights = model::read_tensors(run / "vae.safetensors");
    for (auto [name, t] : model::state_of(*vae)) t.copy_(weights.at(name));
  }
  vae->eval();
  // Seeds no training stage draws from (the recipe's held-out seeds start at 9e9).
  const bool guided = config.vae.guide_channels > 0;
  const auto source = train::world_source(config, {.base_seed = 9100000000ull, .guide = guided});
  std::vector<eval::Judgement> original, rebuilt, rebuilt_free;
  for (int i = 0; i < count; ++i) {
    const train::Sample s = source(static_cast<uint64_t>(i));
    media::Clip r, r_free;
    {
      torch::NoGradGuard no_grad;
      const auto x = train::frames_tensor(s.clip).unsqueeze(0);
      const auto z = vae->encode(x).mean;
      const auto layout = guided ? train::frames_tensor(s.layout).unsqueeze(0) : torch::Tensor();
      r = train::clip_from_tensor(vae->decode(z, layout)[0], s.clip);
      if (guided) r_free = train::clip_from_tensor(vae->decode(z)[0], s.clip);
    }
    r.audio = r_free.audio = s.clip.audio;
    original.push_back(eval::judge(s.clip, s.caption));
    rebuilt.push_back(eval::judge(r, s.caption));
    if (guided) rebuilt_free.push_back(eval::judge(r_free, s.caption));
    std::printf("clip %d: original %.3f, through the autoencoder %.3f", i, original.back().overall, rebuilt.back().overall);
    if (guided) std::printf(" (without the layout %.3f)", rebuilt_free.back().overall);
    std::printf("  (%s)\n", s.caption.c_str());
    for (const eval::Criterion& c : rebuilt.back().criteria)
      if (c.applicable && !c.passed()) std::printf("    %s %.2f: %s\n", c.name.c_str(), c.score, c.summary.c_str());
    std::fflush(stdout);
  }
  const Json a = eval::summarize(original), b = eval::summarize(rebuilt);
  const Json f = guided ? eval::summarize(rebuilt_free) : b;
  std::printf("%-13s %8s %15s %15s %15s\n", "criterion", "applied", "original", "autoencoder", "no layout");
  for (const std::string& name : eval::criterion_names()) {
    const Json& ca = a["criteria"][name];
    const Json& cb = b["criteria"][name];
    const Json& cf = f["criteria"][name];
    if (cb["applied"].get<int>() == 0) continue;
    const auto mean = [](const Json& c) { return c["mean"].is_null() ? 0.0 : c["mean"].get<double>(); };
    const auto pass = [](const Json& c) { return c["pass_rate"].is_null() ? 0.0 : c["pass_rate"].get<double>(); };
    std::printf("%-13s %8d %7.3f (%4.2f) %7.3f (%4.2f) %7.3f (%4.2f)\n", name.c_str(), cb["applied"].get<int>(), mean(ca),
                pass(ca), mean(cb), pass(cb), mean(cf), pass(cf));
  }
  std::printf("overall mean: original %.3f, through the autoencoder %.3f, without the layout %.3f (%d clips)\n",
              a["overall_mean"].get<double>(), b["overall_mean"].get<double>(), f["overall_mean"].get<double>(), count);
  return 0;
}
