// A tool, not a test: how much the DiT of a model folder relies on the caption. Cached training samples
// go through the DiT at fixed noise levels with their own captions, with another sample's caption and
// with no caption, the same noise each time; a DiT that reads its captions has a clearly lower loss with
// its own. Beside the loss, how well it predicts each clip's look (each latent channel's mean over the
// clip: the sky's and floor's colour, the light), which at t near 1 only the conditioning can give. Guidance (layout and sound events) stays on, as in guided generation, unless --free.
// --show PNG also decodes the first six samples' latents (without the layout) into a contact sheet and
// prints their captions, to see that a caption belongs to its sample. Guided mode also reads each sample's
// scene description (style, light) where the model takes one; --data-seed is the recipe's DiT data seed.
// --held K gives the DiT the first K latent frames clean, as a continued shot has the last frames of the one
// before: the loss and the look are then measured on the frames after them, whose look should follow them.
//   build/tests/kinema-text-reliance [--model DIR] [--run DIR] [--count N] [--free] [--held K] [--show PNG]
//                                    [--data-seed N]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <torch/torch.h>

#include "model/guidance.h"
#include "model/model_io.h"
#include "pipeline/device.h"
#include "text/text_encoder.h"
#include "text/tokenizer.h"
#include "train/latent_cache.h"
#include "train/reports.h"
#include "train/world_source.h"

using namespace kinema;

int main(int argc, char** argv) {
  pipeline::configure_cpu_threads();
  std::filesystem::path dir = "models/kinema-tiny", run = "runs/kinema-tiny";
  int count = 32, held = 0;
  bool free_mode = false;
  uint64_t data_seed = 3000000;
  std::filesystem::path show;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--model" && i + 1 < argc) dir = argv[++i];
    else if (a == "--run" && i + 1 < argc) run = argv[++i];
    else if (a == "--count" && i + 1 < argc) count = std::atoi(argv[++i]);
    else if (a == "--free") free_mode = true;
    else if (a == "--held" && i + 1 < argc) held = std::atoi(argv[++i]);
    else if (a == "--data-seed" && i + 1 < argc) data_seed = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--show" && i + 1 < argc) show = argv[++i];
    else {
      std::fprintf(stderr, "usage: %s [--model DIR] [--run DIR] [--count N] [--free] [--held K] [--show PNG] [--data-seed N]\n",
                   argv[0]);
      return 2;
    }
  }
  torch::NoGradGuard no_grad;
  const auto config = model::ModelConfig::load(dir / "model.json");
  auto m = model::load_model(dir, config, torch::kCPU, torch::kFloat);
  m->eval();
  const auto tokenizer = text::Tokenizer::load(dir / "tokenizer.model");
  train::LatentCacheOptions co;
  co.dir = run / "latents";
  co.samples = 4096;
  // The recipe's DiT data seed: cached sample i is world scene (seed + i), whose style and light guided mode reads.
  std::function<std::vector<float>(uint64_t)> scene_of;
  if (config.dit.scene_channels > 0)
    scene_of = [&](uint64_t i) { return train::world_scene_features(config, data_seed, i); };
  const auto source = train::latent_cache_source(co, 1, scene_of);

  std::vector<train::Sample> samples;
  for (int i = 0; i < count; ++i) samples.push_back(source(static_cast<uint64_t>(i)));
  const auto stack = [&](torch::Tensor train::Encoded::*field) {
    std::vector<torch::Tensor> rows;
    for (const auto& s : samples) rows.push_back((*s.encoded).*field);
    return torch::stack(rows);
  };
  const auto x0 = stack(&train::Encoded::video), a0 = stack(&train::Encoded::audio);
  const auto layout = stack(&train::Encoded::layout), events = stack(&train::Encoded::events);
  const auto scene = samples[0].scene_features.empty() ? torch::Tensor() : stack(&train::Encoded::scene);
  const int64_t b = x0.size(0);
  if (held < 0 || held >= x0.size(2)) {
    std::fprintf(stderr, "--held: 0 to %lld latent frames\n", static_cast<long long>(x0.size(2) - 1));
    return 2;
  }
  // What is measured: the frames after the held ones.
  const auto measured = [&](const torch::Tensor& v) { return v.narrow(2, held, v.size(2) - held); };
  if (!show.empty()) {
    media::Clip like;
    like.width = config.clip.width;
    like.height = config.clip.height;
    like.fps = config.clip.fps;
    std::vector<media::Clip> clips;
    for (int64_t i = 0; i < std::min<int64_t>(b, 6); ++i) {
      clips.push_back(train::clip_from_tensor(m->vae->decode(m->vae->denormalize(x0[i].unsqueeze(0)))[0], like));
      std::printf("row %lld: %s\n", static_cast<long long>(i), samples[i].caption.c_str());
    }
    std::vector<const media::Clip*> rows;
    for (const auto& c : clips) rows.push_back(&c);
    train::write_contact_sheet(rows, 12, show);
    return 0;
  }
  const auto keep = torch::full({b}, !free_mode, torch::kBool);
  torch::manual_seed(7);
  const auto noise = torch::randn(x0.sizes()), audio_noise = torch::randn(a0.sizes());

  std::vector<std::string> own, other, none(static_cast<size_t>(b));
  for (int64_t i = 0; i < b; ++i) {
    own.push_back(samples[i].caption);
    other.push_back(samples[(i + 1) % b].caption);
  }
  // How much the clips' looks differ: the variance of each channel's clip mean across the samples.
  const double look_spread = measured(x0).mean({2, 3, 4}).var(0).mean().item<double>();
  std::printf("%d cached samples, %s, %d latent frames held; video loss (audio loss) [error of the look: each channel's clip mean, "
              "relative to its spread across the samples; 1 = no better than the average clip] per caption\n",
              count, free_mode ? "free" : "guided", held);
  std::printf("   t     own caption              other caption            no caption\n");
  for (double t : {0.3, 0.6, 0.8, 0.9, 0.97, 1.0}) {
    const auto xt = (1 - t) * x0 + t * noise;
    const auto at = (1 - t) * a0 + t * audio_noise;
    std::printf("%5.2f", t);
    for (const auto* captions : {&own, &other, &none}) {
      double video = 0, audio = 0, look = 0;
      for (int64_t from = 0; from < b; from += 8) {  // eight at a time, as in training
        const int64_t n = std::min<int64_t>(8, b - from);
        const std::vector<std::string> part(captions->begin() + from, captions->begin() + from + n);
        const auto tokens = text::tokenize(tokenizer, part, config.text);
        const auto x = xt.narrow(0, from, n), a = at.narrow(0, from, n), k = keep.narrow(0, from, n);
        model::DitInput in;
        const auto clean = x0.narrow(0, from, n);
        in.video = torch::cat({x, model::condition_input(clean.narrow(2, 0, held), x),
                               model::video_guide(layout.narrow(0, from, n), x, config.vae.temporal_downsample, k)}, 1);
        in.audio = torch::cat({a, model::audio_guide(events.narrow(0, from, n), a, config.dit.audio_guide_channels, k)}, 1);
        in.timestep = torch::full({n}, t);
        if (config.dit.scene_channels > 0)
          in.scene = model::scene_guide(scene.defined() ? scene.narrow(0, from, n) : torch::Tensor(), n,
                                        config.dit.scene_channels, k);
        in.context = m->text_encoder->forward(tokens.ids, tokens.mask);
        in.context_mask = tokens.mask;
        const auto out = m->dit->forward(in);
        video += measured(out.video - (noise - x0).narrow(0, from, n)).pow(2).sum().item<double>();
        // The look: each latent channel's mean over the clip (sky and floor colour, light) as predicted.
        const auto predicted = measured(x - t * out.video);
        look += (predicted.mean({2, 3, 4}) - measured(clean).mean({2, 3, 4})).pow(2).sum().item<double>();
        audio += (out.audio - (audio_noise - a0).narrow(0, from, n)).pow(2).sum().item<double>();
      }
      std::printf("   %.4f (%.4f) [%.3f]", video / measured(x0).numel(), audio / a0.numel(), look / (b * x0.size(1)) / look_spread);
    }
    std::printf("\n");
  }
  return 0;
}
