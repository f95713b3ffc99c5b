// A tool, not a test: what the video autoencoder of a training run lets a model reach at best. World clips
// in the model's format go through the autoencoder and back, and the judge scores the reconstruction against
// the clip's caption beside the original (the sound is the original's), criterion by criterion. A guided
// decoder is judged with the layout (guided mode) and without it (free mode). It also says how far the things
// the judge finds lie from where the simulation has them, frame by frame, and where fast things are drawn
// within each latent frame (as `kinema eval` does in guided mode), and --sheet writes the first frames of a
// few clips, original above reconstruction, to look at fast motion through the 4x temporal compression.
// The sound gets the same: the original picture with the world's
// track through the log-mel front end and the vocoder (as first shipped, and as the config has it), and through
// the audio autoencoder as well, so the sound's criteria (sync, material) show what the sound path allows.
// --sound-dir writes each clip's sound, original and through each sound path, as raw 32-bit float mono.
// --weights names the video autoencoder to measure (default: the run's vae.safetensors; vae-decoder.safetensors
// for the fine-tuned decoder).
//   build/tests/kinema-autoencoder-ceiling [--run DIR] [--weights FILE] [--count N] [--sheet PNG] [--sound-dir DIR]
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include <torch/torch.h>

#include "eval/guided.h"
#include "eval/judge.h"
#include "model/audio_autoencoder.h"
#include "model/config.h"
#include "model/vocoder.h"
#include "model/weights.h"
#include "model/vae.h"
#include "pipeline/device.h"
#include "train/loop.h"
#include "train/reports.h"
#include "train/stages.h"
#include "train/world_source.h"

using namespace kinema;

int main(int argc, char** argv) {
  pipeline::configure_cpu_threads();
  std::filesystem::path run = "runs/kinema-tiny";
  int count = 40;
  std::filesystem::path sheet, sound_dir, weights_file;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--run" && i + 1 < argc) run = argv[++i];
    else if (a == "--count" && i + 1 < argc) count = std::atoi(argv[++i]);
    else if (a == "--sheet" && i + 1 < argc) sheet = argv[++i];
    else if (a == "--weights" && i + 1 < argc) weights_file = argv[++i];
    else if (a == "--sound-dir" && i + 1 < argc) sound_dir = argv[++i];
    else {
      std::fprintf(stderr, "usage: %s [--run DIR] [--weights FILE] [--count N] [--sheet PNG] [--sound-dir DIR]\n", argv[0]);
      return 2;
    }
  }
  const auto config = model::ModelConfig::load(run / "model.json");
  model::VideoVae vae(config.vae);
  model::load_video_autoencoder(*vae, model::read_tensors(weights_file.empty() ? run / "vae.safetensors" : weights_file));
  vae->eval();
  // The sound paths: the log-mel front end and the vocoder as it was first shipped (Griffin-Lim from random
  // phase), with phase from the magnitude's slopes, as the model's config has it (also sharpening attacks),
  // and that with the audio autoencoder between them.
  const bool sound = config.has_audio();
  struct SoundPath {
    std::string label;
    model::AudioConfig audio;
    bool autoencoder;
  };
  std::vector<SoundPath> sound_paths;
  std::vector<model::MelVocoder> vocoders;
  model::AudioAutoencoder audio_ae{nullptr};
  if (sound) {
    model::AudioConfig first = config.audio, slopes = config.audio;
    first.phase = "random";
    first.sharpen_attacks = slopes.sharpen_attacks = false;
    slopes.phase = "gradient";
    sound_paths = {{"vocoder, random phase", first, false},
                   {"vocoder, phase from slopes", slopes, false},
                   {"vocoder as configured", config.audio, false},
                   {"audio autoencoder + vocoder as configured", config.audio, true}};
    for (const SoundPath& p : sound_paths) vocoders.emplace_back(p.audio, config.clip.audio_sample_rate);
    audio_ae = model::AudioAutoencoder(config.audio);
    torch::NoGradGuard no_grad;
    const auto weights = model::read_tensors(run / "audio.safetensors");
    for (auto [name, t] : model::state_of(*audio_ae)) t.copy_(weights.at(name));
    audio_ae->eval();
  }
  // The clip's log-mel (the same front end for every path), and the clip with its sound through path p.
  const auto mel_of = [&](const media::Clip& clip) {
    torch::NoGradGuard no_grad;
    const int64_t samples = clip.audio_samples(), hop = config.audio.hop, d = config.audio.downsample;
    const int64_t padded = ((samples + hop - 1) / hop + d - 1) / d * d;
    return vocoders.front().analyze(train::audio_tensor(clip, padded * hop));
  };
  const auto through_sound_path = [&](const media::Clip& clip, const torch::Tensor& analyzed, size_t p) {
    torch::NoGradGuard no_grad;
    const torch::Tensor mel = sound_paths[p].autoencoder ? audio_ae->decode(audio_ae->encode(analyzed).mean) : analyzed;
    auto generator = at::make_generator<at::CPUGeneratorImpl>(0);
    const auto wave = vocoders[p].synthesize(mel, clip.audio_samples(), generator).clamp(-1.0, 1.0).contiguous();
    media::Clip out = clip;
    out.channels = 1;
    out.audio.assign(wave.data_ptr<float>(), wave.data_ptr<float>() + wave.numel());
    return out;
  };
  // Seeds no training stage draws from (the recipe's held-out seeds start at 9e9).
  const bool guided = config.vae.guide_channels > 0;
  const auto source = train::world_source(config, {.base_seed = 9100000000ull, .guide = guided});
  std::vector<eval::Judgement> original, rebuilt, rebuilt_free;
  std::vector<std::vector<eval::Judgement>> through_sound(sound ? sound_paths.size() : 0);
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
    const torch::Tensor analyzed = sound ? mel_of(s.clip) : torch::Tensor();
    for (size_t p = 0; p < through_sound.size(); ++p) {
      const media::Clip heard = through_sound_path(s.clip, analyzed, p);
      through_sound[p].push_back(eval::judge(heard, s.caption));
      if (!sound_dir.empty()) {  // raw 32-bit float mono: sox -t f32 -r RATE -c 1 FILE out.wav
        std::filesystem::create_directories(sound_dir);
        const auto write = [&](const media::Clip& c, const std::string& name) {
          std::ofstream out(sound_dir / name, std::ios::binary);
          out.write(reinterpret_cast<const char*>(c.audio.data()), static_cast<std::streamsize>(c.audio.size() * sizeof(float)));
        };
        if (p == 0) write(s.clip, "clip" + std::to_string(i) + "-original.f32");
        write(heard, "clip" + std::to_string(i) + "-path" + std::to_string(p) + ".f32");
      }
    }
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
    if (b["criteria"][name]["applied"].get<int>() == 0) continue;
    std::printf("%-13s %8d", name.c_str(), b["criteria"][name]["applied"].get<int>());
    for (const Json* column : {&a, &b, &f}) {
      const Json& c = (*column)["criteria"][name];
      std::printf(" %7.3f (%4.2f)", c["mean"].is_null() ? 0.0 : c["mean"].get<double>(),
                  c["pass_rate"].is_null() ? 0.0 : c["pass_rate"].get<double>());
    }
    std::printf("\n");
  }
  // The sound: sync over every timed contact (how many were heard, how far off) and the sound's criteria.
  const auto sound_line = [](const std::string& label, const std::vector<eval::Judgement>& judged) {
    std::vector<double> offsets;
    int contacts = 0;
    for (const eval::Judgement& j : judged)
      for (const eval::Criterion& c : j.criteria)
        if (c.name == "sync" && c.applicable && c.details.contains("contacts"))
          for (const Json& k : c.details["contacts"]) {
            ++contacts;
            if (!k["offset_ms"].is_null()) offsets.push_back(std::abs(k["offset_ms"].get<double>()));
          }
    std::sort(offsets.begin(), offsets.end());
    const Json summary = eval::summarize(judged);
    const auto mean = [&](const char* name) {
      const Json& c = summary["criteria"][name];
      return c["mean"].is_null() ? 0.0 : c["mean"].get<double>();
    };
    std::printf("sound, %s: %zu of %d contacts heard, median |offset| %.1f ms; sync %.3f, material %.3f\n", label.c_str(),
                offsets.size(), contacts, offsets.empty() ? 0.0 : offsets[offsets.size() / 2], mean("sync"), mean("material"));
  };
  if (sound) {
    sound_line("original", original);
    for (size_t p = 0; p < sound_paths.size(); ++p) sound_line(sound_paths[p].label, through_sound[p]);
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
    eval::LatentPhaseLag lag(config.vae.temporal_downsample);
    for (const auto& g : tracking[k]) lag.add(g);
    std::printf("  %s\n", lag.summary().c_str());
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
