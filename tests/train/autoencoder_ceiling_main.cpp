// A tool, not a test: what the video autoencoder of a training run lets a model reach at best. World clips
// in the model's format go through the autoencoder and back, and the judge scores the reconstruction against
// the clip's caption beside the original (the sound is the original's), criterion by criterion. A guided
// decoder is judged with the layout (guided mode) and without it (free mode). It also says how far the things
// the judge finds lie from where the simulation has them, frame by frame (as `kinema eval` does in guided
// mode), and --sheet writes the first frames of a few clips, original above reconstruction, to look at fast
// motion through the 4x temporal compression.
//   build/tests/kinema-autoencoder-ceiling [--run DIR] [--count N] [--sheet PNG]
#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <torch/torch.h>

#include "eval/guided.h"
#include "eval/judge.h"
#include "model/config.h"
#include "model/weights.h"
#include "model/vae.h"
#include "pipeline/device.h"
#include "train/loop.h"
#include "train/reports.h"
#include "train/world_source.h"

using namespace kinema;

int main(int argc, char** argv) {
  pipeline::configure_cpu_threads();
  std::filesystem::path run = "runs/kinema-tiny";
  int count = 40;
  std::filesystem::path sheet;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--run" && i + 1 < argc) run = argv[++i];
    else if (a == "--count" && i + 1 < argc) count = std::atoi(argv[++i]);
    else if (a == "--sheet" && i + 1 < argc) sheet = argv[++i];
    else {
      std::fprintf(stderr, "usage: %s [--run DIR] [--count N] [--sheet PNG]\n", argv[0]);
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
  // Per-frame distances from the simulation's track: original, through the autoencoder, without the layout.
  std::array<std::vector<eval::GuidedReport>, 3> tracking;
  std::vector<media::Clip> sheet_rows;
  world::SceneOptions scene_options;
  scene_options.format = {config.clip.width, config.clip.height, config.clip.fps, config.clip.frames,
                          config.clip.audio_sample_rate > 0 ? config.clip.audio_sample_rate : 16000};
  world::WorldOptions no_sound;
  no_sound.sound.events = no_sound.sound.ambience = false;
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
    // The same scene as the sample (world_source draws random_scene(base_seed + index)), for its track.
    const auto reference = world::render_scene(world::random_scene(9100000000ull + static_cast<uint64_t>(i), scene_options), no_sound);
    tracking[0].push_back(eval::compare_with_reference(s.clip, reference, 0));
    tracking[1].push_back(eval::compare_with_reference(r, reference, 0));
    if (guided) tracking[2].push_back(eval::compare_with_reference(r_free, reference, 0));
    if (!sheet.empty() && sheet_rows.size() < 8) {
      const auto first_frames = [](const media::Clip& c) {
        media::Clip out = c;
        out.frames.resize(c.frame_bytes() * std::min(16, c.frame_count()));
        out.audio.clear();
        return out;
      };
      sheet_rows.push_back(first_frames(s.clip));
      sheet_rows.push_back(first_frames(r));
    }
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
  const char* names[] = {"original", "through the autoencoder", "without the layout"};
  for (int k = 0; k < (guided ? 3 : 2); ++k) {
    int in_view = 0, pairs = 0;
    double sum = 0;
    for (const auto& g : tracking[k]) {
      in_view += g.in_view;
      pairs += g.pairs;
      sum += g.mean * g.pairs;
    }
    std::printf("things found where the simulation has them, %s: %.1f%% of %d, mean %.2f px from the track\n", names[k],
                100.0 * pairs / std::max(1, in_view), in_view, sum / std::max(1, pairs));
  }
  if (!sheet.empty()) {
    std::vector<const media::Clip*> rows;
    for (const auto& c : sheet_rows) rows.push_back(&c);
    train::write_contact_sheet(rows, 1, sheet);
    std::printf("wrote %s: the first 16 frames of %zu clips, each original above its reconstruction\n",
                sheet.string().c_str(), sheet_rows.size() / 2);
  }
  std::printf("overall mean: original %.3f, through the autoencoder %.3f, without the layout %.3f (%d clips)\n",
              a["overall_mean"].get<double>(), b["overall_mean"].get<double>(), f["overall_mean"].get<double>(), count);
  return 0;
}
