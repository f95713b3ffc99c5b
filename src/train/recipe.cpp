// The built-in model's training recipe.
#include "train/recipe.h"

#include <algorithm>
#include <chrono>
#include <fstream>

#include "core/error.h"
#include "model/kinema_model.h"
#include "model/model_io.h"
#include "model/weights.h"
#include "pipeline/device.h"
#include "pipeline/world_guide.h"
#include "text/tokenizer.h"
#include "train/checkpoint.h"
#include "train/latent_cache.h"
#include "train/loop.h"
#include "train/reports.h"
#include "train/stages.h"
#include "train/world_source.h"

namespace kinema::train {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

struct Run {
  const RecipeOptions& options;
  const std::function<void(const std::string&)>& report;
  const std::atomic<bool>* stop;
  Json training;
  torch::Device device = torch::kCPU;
  Clock::time_point started = Clock::now();

  fs::path path(const std::string& name) const { return options.run / name; }
  bool done(const std::string& stage) const { return fs::exists(path(stage + ".done.json")); }
  void mark_done(const std::string& stage, const Json& facts) const { write_json_file(path(stage + ".done.json"), facts); }
  double minutes_left() const {
    if (options.minutes <= 0) return 0;
    const double used = std::chrono::duration<double>(Clock::now() - started).count() / 60.0;
    return std::max(0.01, options.minutes - used);
  }
  bool out_of_time() const {
    return (stop && stop->load()) ||
           (options.minutes > 0 &&
            std::chrono::duration<double>(Clock::now() - started).count() / 60.0 >= options.minutes);
  }
  model::ModelConfig config() const { return model::ModelConfig::load(path("model.json")); }

  LoopOptions loop(const std::string& stage) const {
    const ConfigReader t(training.at(stage), options.recipe.string() + ": training." + stage);
    LoopOptions o;
    o.dir = path(stage);
    o.name = stage;
    o.total_steps = t.integer("steps", 1, 100000000);
    o.batch = static_cast<int>(t.integer("batch", 1, 4096));
    o.adam.lr = t.number("lr", 1e-7, 1.0);
    o.adam.weight_decay = t.number_or("weight_decay", 0.01, 0.0, 1.0);
    o.min_lr = t.number_or("min_lr", o.adam.lr * 0.05, 0.0, 1.0);
    o.warmup_steps = t.integer_or("warmup_steps", 100, 0, 1000000);
    o.ema_decay = t.number_or("ema_decay", 0.999, 0.0, 1.0);
    o.checkpoint_seconds = t.number_or("checkpoint_seconds", 300, 10, 1e6);
    o.log_every = static_cast<int>(t.integer_or("log_every", 10, 1, 100000));
    o.seed = static_cast<uint64_t>(t.integer_or("seed", 1, 0, INT64_MAX));
    o.data_workers = static_cast<int>(t.integer_or("data_workers", 1, 1, 64));
    if (t.has("added_modules")) {
      const Json& names = training.at(stage).at("added_modules");
      if (!names.is_array()) t.error("added_modules", "must be a list of module names");
      for (const auto& name : names) {
        if (!name.is_string()) t.error("added_modules", "must be a list of module names");
        o.added_modules.push_back(name.get<std::string>());
      }
    }
    o.max_minutes = minutes_left();
    o.device = device;
    return o;
  }
  uint64_t data_seed(const std::string& stage) const {
    return static_cast<uint64_t>(training.at(stage).value("data_seed", 1000000));
  }

  // Samples for measuring statistics, from seeds no stage trains on.
  std::vector<Sample> held_out(const model::ModelConfig& c, int count, bool guide = false) const {
    const auto source = world_source(c, {.base_seed = 9000000000ull, .guide = guide});
    std::vector<Sample> out;
    for (int i = 0; i < count; ++i) out.push_back(source(static_cast<uint64_t>(i)));
    return out;
  }
};

void prepare(Run& run, const Json& recipe) {
  if (run.done("prepare")) return;
  run.report("prepare: model.json, tokenizer, log-mel statistics");
  auto config = model::ModelConfig::parse(recipe.at("model"), run.options.recipe.string() + ": model");
  const ConfigReader t(run.training.at("prepare"), run.options.recipe.string() + ": training.prepare");
  const auto captions = world_captions(config, 7000000, static_cast<int>(t.integer("caption_scenes", 10, 1000000)));
  text::Tokenizer::train(captions, run.path("tokenizer"), static_cast<int>(t.integer("vocab_size", 16, 1 << 20)));
  const auto tokenizer = text::Tokenizer::load(run.path("tokenizer.model"));
  config.text.vocab_size = tokenizer.vocab_size();
  if (config.has_audio()) {
    const auto samples = run.held_out(config, static_cast<int>(t.integer_or("statistics_clips", 32, 1, 100000)));
    const auto [mean, std] = measure_log_mel(config.audio, config.clip.audio_sample_rate, samples);
    config.audio.log_mel_mean = mean;
    config.audio.log_mel_std = std;
  }
  write_json_file(run.path("model.json"), config.to_json());
  run.mark_done("prepare", {{"captions", captions.size()}, {"vocab_size", config.text.vocab_size}});
  run.report("prepare: " + std::to_string(captions.size()) + " captions, vocabulary " +
             std::to_string(config.text.vocab_size) + ", log-mel mean " + std::to_string(config.audio.log_mel_mean) +
             " std " + std::to_string(config.audio.log_mel_std));
}

// A finished stage's EMA weights, from its last checkpoint, into the module, ready to use.
void use_ema_weights(const Run& run, torch::nn::Module& m, const std::string& stage) {
  Ema ema(m, 0.0);
  ema.load(model::read_tensors(run.path(stage + "/checkpoint/ema.safetensors")));
  ema.copy_to(m);
  m.eval();
}

VaeStageOptions vae_options(const ConfigReader& t) {
  VaeStageOptions vo;
  vo.crop_frames = static_cast<int>(t.integer_or("crop_frames", vo.crop_frames, 1, 10000));
  vo.crop_size = static_cast<int>(t.integer_or("crop_size", vo.crop_size, 8, 10000));
  vo.motion_weight = t.number_or("motion_weight", vo.motion_weight, 0, 1e3);
  vo.edge_weight = t.number_or("edge_weight", vo.edge_weight, 0, 1e3);
  vo.kl_weight = t.number_or("kl_weight", vo.kl_weight, 0, 1);
  vo.guide_dropout = t.number_or("guide_dropout", vo.guide_dropout, 0, 1);
  return vo;
}

void train_vae(Run& run) {
  if (run.done("vae") || run.out_of_time()) return;
  const auto config = run.config();
  torch::manual_seed(1);
  model::VideoVae vae(config.vae);
  const ConfigReader t(run.training.at("vae"), run.options.recipe.string() + ": training.vae");
  const VaeStageOptions vo = vae_options(t);
  const bool guided = config.vae.guide_channels > 0;
  // init_from: weights in the run folder to start from when they are there (kinema-tiny's guided decoder
  // started from the unguided autoencoder the run had trained first); a fresh run starts from scratch.
  if (const std::string from = t.string_or("init_from", "");
      !from.empty() && fs::exists(run.path(from)) && !fs::exists(run.path("vae/checkpoint"))) {
    const auto widened = warm_start(*vae, run.path(from));
    run.report("vae: starting from " + from + " (" + std::to_string(widened.size()) + " tensors widened)");
  }
  const auto source = world_source(config, {.base_seed = run.data_seed("vae"), .guide = guided});
  const auto result = run_loop(*vae, run.loop("vae"), vae_loss_parts(), source, vae_step(vae, vo), run.report, run.stop);
  if (!result.finished) return;
  use_ema_weights(run, *vae, "vae");
  const auto held_out = run.held_out(config, 16, guided);
  measure_video_latent_stats(vae, held_out);
  model::write_tensors(run.path("vae.safetensors"), model::state_of(*vae));
  const Json report = video_reconstruction_report(vae, held_out, run.path("vae.reconstruction.png"));
  run.report("vae: held-out reconstruction " + report.dump());
  run.mark_done("vae", {{"steps", result.step}, {"data_wait", result.data_wait_fraction}, {"held_out", report}});
}

void train_audio(Run& run) {
  if (run.done("audio") || run.out_of_time()) return;
  const auto config = run.config();
  if (!config.has_audio()) return run.mark_done("audio", {{"skipped", "the model has no audio"}});
  torch::manual_seed(2);
  model::AudioAutoencoder ae(config.audio);
  const model::MelVocoder vocoder(config.audio, config.clip.audio_sample_rate);
  const auto source = world_source(config, {.base_seed = run.data_seed("audio"), .guide = false});
  AudioStageOptions ao;
  ao.kl_weight = ConfigReader(run.training.at("audio"), "training.audio").number_or("kl_weight", ao.kl_weight, 0, 1);
  const auto result = run_loop(*ae, run.loop("audio"), audio_loss_parts(), source, audio_step(ae, vocoder, ao),
                               run.report, run.stop);
  if (!result.finished) return;
  use_ema_weights(run, *ae, "audio");
  const auto held_out = run.held_out(config, 16);
  measure_audio_latent_stats(ae, vocoder, held_out);
  model::write_tensors(run.path("audio.safetensors"), model::state_of(*ae));
  const Json report = audio_reconstruction_report(ae, vocoder, held_out);
  run.report("audio: held-out reconstruction " + report.dump());
  run.mark_done("audio", {{"steps", result.step}, {"data_wait", result.data_wait_fraction}, {"held_out", report}});
}

// The decoder's fine-tune (optional: only where the recipe has training.decoder): the video decoder trains on
// with the encoder and the latent statistics frozen, so the latent cache and the DiT stay valid; its latents
// may be noised (latent_noise) as a DiT leaves them. It starts from vae.safetensors and writes the whole
// autoencoder to vae-decoder.safetensors, which the model uses from then on. With latent_guide it adds the
// layout at the latent grid to the decoder (vae.latent_guide), with scene the scene description
// (vae.scene_channels), with grid_cell pixel art's grid (vae.grid_cell), each recorded in model.json when the
// stage starts.
void train_decoder(Run& run) {
  if (!run.training.contains("decoder") || run.done("decoder") || !run.done("vae") || run.out_of_time()) return;
  const ConfigReader t(run.training.at("decoder"), run.options.recipe.string() + ": training.decoder");
  auto config = run.config();
  if (t.boolean_or("latent_guide", false) && !config.vae.latent_guide) {
    if (config.vae.guide_channels == 0) t.error("latent_guide", "needs a guided decoder (model.vae.guide_channels)");
    config.vae.latent_guide = true;
    write_json_file(run.path("model.json"), config.to_json());
    run.report("decoder: the layout also enters at the latent grid (vae.latent_guide, now in model.json)");
  }
  const bool scene = t.boolean_or("scene", false);
  const int cell = static_cast<int>(t.integer_or("grid_cell", 0, 0, 64));
  if (scene && config.dit.scene_channels == 0) t.error("scene", "needs the DiT's scene description (model.dit.scene_channels)");
  if (cell == 1) t.error("grid_cell", "must be 0 (none) or at least 2 pixels");
  if (cell > 0 && !scene) t.error("grid_cell", "needs scene (the style opens the grid)");
  const int grid_feature = cell > 0 ? static_cast<int>(world::Style::pixel) : -1;  // the style the world draws on it
  if (cell != config.vae.grid_cell || (scene ? config.dit.scene_channels : 0) != config.vae.scene_channels ||
      grid_feature != config.vae.grid_feature) {
    config.vae.scene_channels = scene ? config.dit.scene_channels : 0;
    config.vae.grid_cell = cell;
    config.vae.grid_feature = grid_feature;
    write_json_file(run.path("model.json"), config.to_json());
    run.report("decoder: scene description " + std::string(scene ? "read" : "not read") + ", pixel art's grid " +
               (cell > 0 ? "of " + std::to_string(cell) + " pixels" : std::string("none")) +
               " (vae.scene_channels, vae.grid_cell, vae.grid_feature, now in model.json)");
  }
  torch::manual_seed(4);
  model::VideoVae vae(config.vae);
  model::load_video_autoencoder(*vae, model::read_tensors(run.path("vae.safetensors")));
  VaeStageOptions vo = vae_options(t);
  vo.decoder_only = true;
  vo.latent_noise = t.number_or("latent_noise", 0.0, 0.0, 10.0);
  vo.thing_noise = t.number_or("thing_noise", 0.0, 0.0, 10.0);
  vo.still_things = t.boolean_or("still_things", false);
  vo.thing_blur = t.number_or("thing_blur", 0.0, 0.0, 1.0);
  vo.thing_erase = t.number_or("thing_erase", 0.0, 0.0, 4.0);
  if (vo.still_things && vo.thing_noise == 0 && vo.thing_blur == 0 && vo.thing_erase == 0)
    t.error("still_things", "needs thing_noise, thing_blur or thing_erase (what it spreads)");
  const bool guided = config.vae.guide_channels > 0;
  const auto source = world_source(config, {.base_seed = run.data_seed("decoder"), .guide = guided});
  const auto result = run_loop(*vae, run.loop("decoder"), vae_loss_parts(), source, vae_step(vae, vo), run.report, run.stop);
  if (!result.finished) return;
  use_ema_weights(run, *vae, "decoder");
  model::write_tensors(run.path("vae-decoder.safetensors"), model::state_of(*vae));
  const Json report = video_reconstruction_report(vae, run.held_out(config, 16, guided), run.path("vae-decoder.reconstruction.png"));
  run.report("decoder: held-out reconstruction " + report.dump());
  run.mark_done("decoder", {{"steps", result.step}, {"data_wait", result.data_wait_fraction}, {"held_out", report}});
}

// The finished autoencoders (the fine-tuned decoder once there is one) loaded into the model and frozen.
void load_autoencoders(const Run& run, model::KinemaModel& m) {
  torch::NoGradGuard no_grad;
  model::load_video_autoencoder(
      *m->vae, model::read_tensors(run.path(run.done("decoder") ? "vae-decoder.safetensors" : "vae.safetensors")));
  if (m->audio_vae) {
    const auto audio = model::read_tensors(run.path("audio.safetensors"));
    for (auto [name, t] : model::state_of(*m->audio_vae)) t.copy_(audio.at(name));
  }
  for (auto& p : m->vae->parameters()) p.set_requires_grad(false);
  if (m->audio_vae)
    for (auto& p : m->audio_vae->parameters()) p.set_requires_grad(false);
}

// The whole model with the finished autoencoders loaded and frozen.
model::KinemaModel model_with_autoencoders(const Run& run, const model::ModelConfig& config) {
  torch::manual_seed(3);
  model::KinemaModel m(config);
  load_autoencoders(run, m);
  return m;
}

void train_dit(Run& run) {
  if (run.done("dit") || run.out_of_time()) return;
  if (!run.done("vae") || !run.done("audio")) return;
  const auto config = run.config();
  auto m = model_with_autoencoders(run, config);
  m->vae->eval();
  if (m->audio_vae) m->audio_vae->eval();
  const auto tokenizer = text::Tokenizer::load(run.path("tokenizer.model"));
  const model::MelVocoder vocoder(config.audio, config.clip.audio_sample_rate);
  const ConfigReader t(run.training.at("dit"), run.options.recipe.string() + ": training.dit");
  DitStageOptions d;
  d.caption_dropout = t.number_or("caption_dropout", d.caption_dropout, 0, 1);
  d.guide_dropout = t.number_or("guide_dropout", d.guide_dropout, 0, 1);
  d.condition_rate = t.number_or("condition_rate", d.condition_rate, 0, 1);
  d.audio_weight = t.number_or("audio_weight", d.audio_weight, 0, 100);
  d.timestep_shift = t.number_or("timestep_shift", d.timestep_shift, 0.1, 20);
  d.pure_noise_share = t.number_or("pure_noise_share", d.pure_noise_share, 0, 1);
  d.look_weight = t.number_or("look_weight", d.look_weight, 0, 1000);
  const model::MelVocoder* sound = config.has_audio() ? &vocoder : nullptr;
  const bool guided = config.dit.guide_channels > 0;
  SampleSource source = world_source(config, {.base_seed = run.data_seed("dit"), .guide = guided});
  if (const int64_t cached = t.integer_or("cache_samples", 0, 0, 100000000); cached > 0) {
    // Encode world clips once, then train on the cache (see train/latent_cache.h).
    LatentCacheOptions co;
    co.dir = run.path("latents");
    co.samples = cached;
    co.data_workers = static_cast<int>(t.integer_or("data_workers", 1, 1, 64));
    const auto clips = world_source(config, {.base_seed = run.data_seed("dit"), .guide = guided,
                                             .wordings = static_cast<int>(t.integer_or("wordings", 4, 1, 64))});
    if (!build_latent_cache(m, sound, clips, co, run.report, run.stop)) return;
    const uint64_t base_seed = run.data_seed("dit");
    std::function<std::vector<float>(uint64_t)> scene_of;
    if (config.dit.scene_channels > 0)
      scene_of = [config, base_seed](uint64_t index) { return world_scene_features(config, base_seed, index); };
    source = latent_cache_source(co, base_seed, scene_of);
  }
  LoopOptions loop = run.loop("dit");
  // A decoder fine-tune may add the layout at the latent grid after the DiT's last checkpoint (the decoder stage
  // comes later); the autoencoders stay frozen here, so that convolution is not the DiT's to resume.
  for (const auto& [added, module] : {std::pair{config.vae.latent_guide, "vae.decoder_guide"},
                                      std::pair{config.vae.scene_channels > 0, "vae.decoder_scene"}})
    if (added && std::find(loop.added_modules.begin(), loop.added_modules.end(), module) == loop.added_modules.end())
      loop.added_modules.push_back(module);
  const auto result = run_loop(*m, loop, dit_loss_parts(), source, dit_step(m, tokenizer, sound, d), run.report, run.stop);
  if (result.finished) run.mark_done("dit", {{"steps", result.step}, {"data_wait", result.data_wait_fraction}});
}

std::string model_card(const Run& run, const model::ModelConfig& config) {
  const auto state_of_stage = [&](const std::string& stage) {
    const auto p = run.path(stage + "/checkpoint/state.json");
    return fs::exists(p) ? read_json_file(p) : Json::object();
  };
  std::string card = "# " + config.name + " " + config.version + "\n\n";
  card += "Kinema's built-in model, trained by Kinema's own C++ trainer (`kinema train`) on clips simulated by "
          "Kinema World. No pretrained weights and no outside data were used.\n\n## Training\n\n"
          "| stage | steps | samples | hours |\n| --- | --- | --- | --- |\n";
  for (const std::string stage : {"vae", "audio", "dit", "decoder"}) {
    if (stage == "decoder" && !run.done("decoder")) continue;
    const auto s = state_of_stage(stage);
    char row[200];
    std::snprintf(row, sizeof row, "| %s | %lld | %lld | %.2f |\n", stage.c_str(),
                  static_cast<long long>(s.value("step", 0)), static_cast<long long>(s.value("samples", 0)),
                  s.value("seconds", 0.0) / 3600.0);
    card += row;
  }
  card += "\nSee README.md and docs/ for how it was trained and evaluated.\n";
  return card;
}

// Exports when the DiT has finished; asked for by name (`--stage export`), also a snapshot of an unfinished DiT
// from its last checkpoint, which the model card says. Only a finished export marks the stage done.
void export_model(Run& run, bool asked_for) {
  const bool finished = run.done("dit");
  const bool snapshot = !finished && asked_for && fs::exists(run.path("dit/checkpoint/ema.safetensors"));
  if ((!finished && !snapshot) || run.out_of_time()) return;
  const auto config = run.config();
  auto m = model_with_autoencoders(run, config);
  Ema ema(*m, 0.0);
  // The DiT's EMA holds the autoencoders as they were when it trained (without a latent-grid guide, if that
  // came with the decoder's fine-tune); a decoder fine-tuned later goes over them.
  ema.load(model::read_tensors(run.path("dit/checkpoint/ema.safetensors")),
           [](const std::string& name) { return name.rfind("vae.", 0) == 0 && model::added_by_decoder_fine_tune(name.substr(4)); });
  ema.copy_to(*m);
  if (run.done("decoder")) load_autoencoders(run, m);
  std::string card = model_card(run, config);
  const fs::path extra = run.path("MODEL_CARD.extra.md");
  if (fs::exists(extra)) {
    std::ifstream in(extra);
    card += "\n" + std::string{std::istreambuf_iterator<char>(in), {}};
  }
  if (snapshot) {
    const Json state = read_json_file(run.path("dit/checkpoint/state.json"));
    const ConfigReader t(run.training.at("dit"), run.options.recipe.string() + ": training.dit");
    card += "\n**A snapshot of an unfinished run:** the DiT has trained " + std::to_string(state.value("step", 0)) +
            " of its " + std::to_string(t.integer_or("steps", 0, 0, 100000000)) + " steps.\n";
  }
  model::save_model(run.options.export_to, m, run.path("tokenizer.model"), card);
  if (finished) run.mark_done("export", {{"to", run.options.export_to.string()}});
  run.report("export: wrote " + run.options.export_to.string() + (snapshot ? " (a snapshot of the unfinished DiT)" : ""));
}

}  // namespace

bool run_recipe(const RecipeOptions& options, const std::function<void(const std::string&)>& report,
                const std::atomic<bool>* stop) {
  pipeline::configure_cpu_threads();
  const auto choice = pipeline::parse_device(options.device);
  if (choice == pipeline::DeviceChoice::cuda && !torch::cuda::is_available())
    fail(ErrorKind::invalid_input, "--device cuda: this libtorch sees no CUDA device");
  std::error_code ec;
  fs::create_directories(options.run, ec);
  if (ec) fail(ErrorKind::io, "cannot create " + options.run.string() + ": " + ec.message());
  const Json recipe = read_json_file(options.recipe);
  if (!recipe.contains("model") || !recipe.contains("training"))
    fail(ErrorKind::format, options.recipe.string() + ": expected {\"model\": ..., \"training\": ...}");
  Run run{options, report, stop, recipe.at("training")};
  if (choice != pipeline::DeviceChoice::cpu && torch::cuda::is_available()) run.device = torch::Device(torch::kCUDA);
  report(std::string("training on ") + (run.device.is_cuda() ? "CUDA (bf16 autocast)" : "the CPU (float32)"));
  const std::string& s = options.stage;
  const bool all = s == "all";
  if (!all && s != "prepare" && s != "vae" && s != "audio" && s != "dit" && s != "decoder" && s != "export")
    fail(ErrorKind::invalid_input, "unknown stage '" + s + "' (prepare, vae, audio, dit, decoder, export or all)");
  if (all || s == "prepare") prepare(run, recipe);
  if (all || s == "vae") train_vae(run);
  if (all || s == "audio") train_audio(run);
  if (all || s == "dit") train_dit(run);
  if (all || s == "decoder") train_decoder(run);
  if (all || s == "export") export_model(run, s == "export");
  if (s == "decoder" && !run.training.contains("decoder")) return true;  // nothing asked of it
  return all ? run.done("export") : run.done(s);
}

}  // namespace kinema::train
