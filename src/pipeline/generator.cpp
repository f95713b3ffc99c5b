// The Generator: prompt -> tokens -> text features -> noise -> sampler over the DiT -> latents -> video
// decoder + audio decoder and vocoder -> Clip.
#include "pipeline/generator.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <string_view>

#include "core/error.h"
#include "core/log.h"
#include "model/guidance.h"
#include "model/kinema_model.h"
#include "model/model_io.h"
#include "media/mp4_reader.h"
#include "model/vocoder.h"
#include "pipeline/model_folder.h"
#include "sampling/sampler.h"
#include "text/text_encoder.h"
#include "text/tokenizer.h"

namespace kinema::pipeline {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

torch::Device resolve_device(DeviceChoice choice) {
  const bool cuda = torch::cuda::is_available();
  if (choice == DeviceChoice::cuda && !cuda)
    fail(ErrorKind::invalid_input, "--device cuda: this libtorch has no CUDA or no GPU is visible");
  return (choice != DeviceChoice::cpu && cuda) ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
}

// Runs engine work, turning libtorch's exceptions into kinema::Error with a one-line message.
template <typename Fn>
auto guarded(const std::string& what, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const Error&) {
    throw;
  } catch (const c10::Error& e) {
    const std::string message = e.what_without_backtrace();
    const std::string first_line = message.substr(0, message.find('\n'));
    if (message.find("can't allocate memory") != std::string::npos || message.find("out of memory") != std::string::npos)
      fail(ErrorKind::internal, what + ": out of memory (" + first_line + ")");
    fail(ErrorKind::internal, what + ": " + first_line);
  }
}

// Prompt words for unknown_words(): letters, digits, apostrophes and any non-ASCII (UTF-8) bytes.
bool is_word_byte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '\'' || u >= 0x80;
}

constexpr std::string_view kWordStart = "\xE2\x96\x81";  // SentencePiece's U+2581, marking a word's start

// Characters (UTF-8 code points) of a piece, not counting the word-start mark.
size_t piece_characters(std::string_view piece) {
  if (piece.substr(0, kWordStart.size()) == kWordStart) piece.remove_prefix(kWordStart.size());
  return static_cast<size_t>(std::count_if(piece.begin(), piece.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

}  // namespace

struct Generator::Impl {
  ModelFolder folder;
  torch::Device device{torch::kCPU};
  torch::Dtype dtype = torch::kFloat;
  text::Tokenizer tokenizer;
  model::KinemaModel model{nullptr};
  std::unique_ptr<model::MelVocoder> vocoder;
  mutable std::once_flag known_words_once;  // known_words(), listed on first use
  mutable std::vector<std::string> known_words;

  Impl(ModelFolder f, torch::Device d, text::Tokenizer t)
      : folder(std::move(f)), device(d), tokenizer(std::move(t)) {}

  const model::ModelConfig& config() const { return folder.config; }

  // RGB24 frames [F, H, W, 3] -> [1, 3, F, H, W] in [-1, 1].
  torch::Tensor frames_to_tensor(const media::Clip& clip, int count) const {
    auto t = torch::from_blob(const_cast<uint8_t*>(clip.frames.data()), {count, clip.height, clip.width, 3}, torch::kByte);
    return (t.permute({3, 0, 1, 2}).unsqueeze(0).to(torch::kFloat) / 127.5 - 1.0).to(device);
  }
};

Generator::Generator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Generator::~Generator() = default;

std::unique_ptr<Generator> Generator::open(const fs::path& model_dir, DeviceChoice choice) {
  return guarded("loading " + model_dir.string(), [&] { return open_unguarded(model_dir, choice); });
}

std::unique_ptr<Generator> Generator::open_unguarded(const fs::path& model_dir, DeviceChoice choice) {
  ModelFolder folder = ModelFolder::open(model_dir);
  configure_cpu_threads();
  const torch::Device device = resolve_device(choice);
  auto impl = std::make_unique<Impl>(std::move(folder), device, text::Tokenizer::load(model_dir / "tokenizer.model"));
  impl->dtype = device.is_cuda() ? torch::kBFloat16 : torch::kFloat;
  impl->model = model::load_model(model_dir, impl->config(), device, impl->dtype);
  if (impl->config().has_audio())
    impl->vocoder = std::make_unique<model::MelVocoder>(impl->config().audio, impl->config().clip.audio_sample_rate);
  return std::unique_ptr<Generator>(new Generator(std::move(impl)));
}

const model::ModelConfig& Generator::config() const { return impl_->config(); }

ModelSummary Generator::summary() const {
  ModelSummary s;
  s.name = config().name;
  s.version = config().version;
  s.dir = impl_->folder.dir;
  s.device = impl_->device.is_cuda() ? "cuda:0 (bf16)" : "cpu (float32)";
  s.parameters = model::parameter_counts(impl_->model);
  s.tokenizer_vocab = impl_->tokenizer.vocab_size();
  return s;
}

int Generator::threads() const { return torch::get_num_threads(); }

namespace {

// Where `needle` (lower case) next occurs in `text` from `from`, ignoring ASCII case; npos if nowhere.
size_t find_folded(const std::string& text, const std::string& needle, size_t from) {
  const auto it = std::search(text.begin() + static_cast<std::ptrdiff_t>(std::min(from, text.size())), text.end(),
                              needle.begin(), needle.end(), [](char a, char b) {
                                return std::tolower(static_cast<unsigned char>(a)) == static_cast<unsigned char>(b);
                              });
  return it == text.end() ? std::string::npos : static_cast<size_t>(it - text.begin());
}

// A model trained with world guidance understands what the world's prompt parser understands.
std::vector<PromptWord> world_unknown_words(const std::string& text) {
  std::vector<PromptWord> out;
  size_t cursor = 0;
  for (const auto& word : world::parse_prompt(text).words) {
    const size_t at = find_folded(text, word.text, cursor);
    if (at == std::string::npos) continue;
    cursor = at + word.text.size();
    if (word.meaning == "unknown") out.push_back({at, word.text.size(), text.substr(at, word.text.size())});
  }
  return out;
}

}  // namespace

std::vector<PromptWord> Generator::unknown_words(const std::string& text) const {
  if (config().dit.guide_channels > 0) return world_unknown_words(text);
  const text::Tokenizer& tokenizer = impl_->tokenizer;
  const int unknown = tokenizer.unk_id();
  const std::vector<std::string>& whole = known_words();
  std::vector<PromptWord> out;
  for (size_t start = 0; start < text.size();) {
    if (!is_word_byte(text[start])) {
      ++start;
      continue;
    }
    size_t end = start;
    while (end < text.size() && is_word_byte(text[end])) ++end;
    PromptWord word{start, end - start, text.substr(start, end - start)};
    start = end;
    if (std::binary_search(whole.begin(), whole.end(), word.text)) continue;
    std::vector<std::string> pieces;
    bool known = true;
    for (int id : tokenizer.encode(word.text)) {
      if (id == unknown) known = false;
      const std::string piece = tokenizer.piece(id);
      if (piece != kWordStart) pieces.push_back(piece);  // a bare word-start mark says nothing of the word
    }
    if (pieces.size() > 1)
      known = known && std::none_of(pieces.begin(), pieces.end(), [](const auto& p) { return piece_characters(p) < 2; });
    if (!known || pieces.empty()) out.push_back(std::move(word));
  }
  return out;
}

const std::vector<std::string>& Generator::known_words() const {
  std::call_once(impl_->known_words_once, [this] {
    const text::Tokenizer& tokenizer = impl_->tokenizer;
    std::vector<std::string>& words = impl_->known_words;
    if (config().dit.guide_channels > 0) {  // the world's vocabulary, word by word
      for (const auto& phrase : world::vocabulary()) {
        size_t start = 0;
        const std::string text(phrase.text);
        while (start < text.size()) {
          const size_t end = std::min(text.find(' ', start), text.size());
          words.push_back(text.substr(start, end - start));
          start = end + 1;
        }
      }
    }
    for (int id = 0; id < tokenizer.vocab_size() && config().dit.guide_channels == 0; ++id) {
      const std::string piece = tokenizer.piece(id);
      if (piece.size() <= kWordStart.size() || piece.compare(0, kWordStart.size(), kWordStart) != 0) continue;
      const std::string word = piece.substr(kWordStart.size());
      if (std::all_of(word.begin(), word.end(), is_word_byte)) words.push_back(word);
    }
    std::sort(words.begin(), words.end());
    words.erase(std::unique(words.begin(), words.end()), words.end());
  });
  return impl_->known_words;
}

void Generator::validate(const GenerationRequest& request) const { checked(request); }

std::vector<safety::CameoUse> Generator::checked(const GenerationRequest& r) const {
  const auto& c = config();
  if (r.prompt.find_first_not_of(" \t\r\n") == std::string::npos)
    fail(ErrorKind::invalid_input, "the prompt is empty");
  if (!std::isfinite(r.seconds) || r.seconds < 0)
    fail(ErrorKind::invalid_input, "--seconds must be a positive number");
  const double max_seconds = static_cast<double>(c.clip.max_frames) / c.clip.fps;
  if (r.seconds > 0 && c.frames_for_seconds(r.seconds) > c.clip.max_frames) {
    char text[160];
    std::snprintf(text, sizeof text, "%s makes clips of at most %.2f s; %.2f s was asked for", c.name.c_str(),
                  max_seconds, r.seconds);
    fail(ErrorKind::invalid_input, text);
  }
  if (r.steps < 0 || r.steps > 1000) fail(ErrorKind::invalid_input, "--steps must be between 1 and 1000");
  if (r.guidance > 100 || std::isnan(r.guidance)) fail(ErrorKind::invalid_input, "--guidance must be between 0 and 100");
  if (r.shift > 100 || std::isnan(r.shift)) fail(ErrorKind::invalid_input, "--shift must be at most 100");
  if (!r.solver.empty()) sampling::parse_solver(r.solver);
  if (r.mode != "auto" && r.mode != "guided" && r.mode != "free")
    fail(ErrorKind::invalid_input, "unknown mode '" + r.mode + "' (choose auto, guided or free)");
  if (r.mode == "guided" && c.dit.guide_channels == 0)
    fail(ErrorKind::invalid_input, c.name + " was not trained with world guidance: use --mode free");
  if (r.start_frames) {
    const auto& s = *r.start_frames;
    if (s.width != c.clip.width || s.height != c.clip.height)
      fail(ErrorKind::invalid_input, "start frames are " + std::to_string(s.width) + "x" + std::to_string(s.height) +
                                         "; the model makes " + std::to_string(c.clip.width) + "x" +
                                         std::to_string(c.clip.height));
    if (s.frame_count() < 1) fail(ErrorKind::invalid_input, "start frames: no frames given");
  }
  // The safeguards, with the guidance the request will run at: below 1 the negative prompt steers towards
  // what it says, so it is read like the prompt.
  safety::ScreenOptions screen;
  screen.guidance = r.guidance >= 0 ? r.guidance : c.sampler.guidance;
  return safety::require_allowed(r.prompt, r.negative_prompt, screen);
}

media::Clip Generator::still_frame(const fs::path& image) const {
  const auto& c = config();
  const media::Clip source = media::read_mp4(image).clip;
  if (source.frame_count() < 1) fail(ErrorKind::format, image.string() + ": no picture in it");
  // The middle of the picture at the model's aspect ratio, scaled to its size.
  const double aspect = static_cast<double>(c.clip.width) / c.clip.height;
  int w = source.width, h = source.height;
  if (static_cast<double>(w) / h > aspect)
    w = std::max(1, static_cast<int>(std::lround(h * aspect)));
  else
    h = std::max(1, static_cast<int>(std::lround(w / aspect)));
  const int x = (source.width - w) / 2, y = (source.height - h) / 2;
  auto picture = torch::from_blob(const_cast<uint8_t*>(source.frames.data()), {source.height, source.width, 3}, torch::kByte)
                     .narrow(0, y, h)
                     .narrow(1, x, w)
                     .permute({2, 0, 1})
                     .unsqueeze(0)
                     .to(torch::kFloat);
  namespace F = torch::nn::functional;
  auto resize = F::InterpolateFuncOptions().size(std::vector<int64_t>{c.clip.height, c.clip.width});
  if (w >= c.clip.width && h >= c.clip.height)
    resize.mode(torch::kArea);  // averages what it shrinks
  else
    resize.mode(torch::kBilinear).align_corners(false);
  picture = F::interpolate(picture, resize);
  picture = picture.round().clamp(0, 255).to(torch::kByte).squeeze(0).permute({1, 2, 0}).contiguous();
  media::Clip still;
  still.width = c.clip.width;
  still.height = c.clip.height;
  still.fps = c.clip.fps;
  still.frames.assign(picture.data_ptr<uint8_t>(), picture.data_ptr<uint8_t>() + picture.numel());
  return still;
}

GenerationResult Generator::generate(const GenerationRequest& request, const ProgressCallback& progress,
                                     const std::atomic<bool>* cancel) {
  return guarded("generation", [&] { return generate_unguarded(request, progress, cancel); });
}

GenerationResult Generator::generate_unguarded(const GenerationRequest& request, const ProgressCallback& progress,
                                               const std::atomic<bool>* cancel) {
  const std::vector<safety::CameoUse> cameos = checked(request);
  const auto& c = config();
  Impl& m = *impl_;
  const auto started = Clock::now();
  const auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - started).count(); };
  const auto report = [&](const std::string& stage, int step, int steps, double eta) {
    if (cancel && cancel->load()) fail(ErrorKind::cancelled, "generation cancelled");
    if (progress) progress({stage, step, steps, elapsed(), eta});
  };

  GenerationResult result;
  result.cameos = cameos;
  // A cameo's likeness enters through the image-to-video path: its reference image is the first frame.
  std::optional<media::Clip> start_frames = request.start_frames;
  if (!start_frames && !cameos.empty()) start_frames = still_frame(cameos.front().reference);
  result.steps = request.steps > 0 ? request.steps : c.sampler.steps;
  result.guidance = request.guidance >= 0 ? request.guidance : c.sampler.guidance;
  result.shift = request.shift > 0 ? request.shift : c.sampler.shift;
  result.solver = request.solver.empty() ? c.sampler.solver : request.solver;
  result.seed = request.seed;
  const auto solver = sampling::parse_solver(result.solver);
  const bool cfg = result.guidance != 1.0;

  c10::InferenceMode inference;

  // Shapes: video latents [1, C, T, h, w]; audio latents [1, Ca, Ta] on their own finer grid.
  const int frames = request.seconds > 0 ? c.frames_for_seconds(request.seconds) : c.clip.frames;
  const int64_t latent_t = c.latent_frames(frames);
  const double clip_seconds = static_cast<double>(frames) / c.clip.fps;
  const int64_t samples = c.has_audio() ? std::llround(clip_seconds * c.clip.audio_sample_rate) : 0;
  int64_t audio_t = 0;
  if (c.has_audio()) {
    const int64_t mel_frames = (samples + c.audio.hop - 1) / c.audio.hop;
    const int64_t per_token = int64_t{c.audio.downsample} * c.dit.audio_patch;
    audio_t = (mel_frames + per_token - 1) / per_token * c.dit.audio_patch;
  }

  // Noise from a seeded CPU generator, so the result does not depend on the device's RNG.
  auto generator = at::make_generator<at::CPUGeneratorImpl>(request.seed);
  const auto f32 = torch::TensorOptions().dtype(torch::kFloat);
  sampling::State noise{torch::randn({1, c.vae.latent_channels, latent_t, c.latent_height(), c.latent_width()}, generator, f32)
                            .to(m.device)};
  if (c.has_audio()) noise.push_back(torch::randn({1, c.audio.latent_channels, audio_t}, generator, f32).to(m.device));

  // Conditioning frames: encode the largest causal prefix (1 + r k frames) and hold those latents.
  torch::Tensor held, condition_input;
  int64_t held_t = 0;
  if (start_frames) {
    const auto& start = *start_frames;
    const int r = c.vae.temporal_downsample;
    held_t = std::min<int64_t>(1 + (start.frame_count() - 1) / r, latent_t);
    result.held_frames = static_cast<int>(1 + r * (held_t - 1));
    const auto pixels = m.frames_to_tensor(start, result.held_frames);
    held = m.model->vae->normalize(m.model->vae->encode(pixels).mean).to(torch::kFloat);
  }
  if (c.dit.condition_channels > 0) condition_input = model::condition_input(held, noise[0]);
  const torch::Tensor held_noise = held.defined() ? noise[0].narrow(2, 0, held_t).clone() : torch::Tensor();
  const sampling::Constraint hold = held.defined() ? sampling::Constraint([&](sampling::State& x, double t) {
    x[0].narrow(2, 0, held_t).copy_(held * (1.0 - t) + held_noise * t);
  })
                                                   : sampling::Constraint();

  // Guided mode: the world simulates the prompt; its layout and sound events become guide channels.
  std::optional<WorldGuide> guide = request.guide;
  const bool guidable = c.dit.guide_channels > 0;
  if (guidable && !guide && request.mode != "free") {
    report("simulating the world", 0, 0, -1);
    world::Format format{c.clip.width, c.clip.height, c.clip.fps, frames,
                         c.clip.audio_sample_rate > 0 ? c.clip.audio_sample_rate : 16000};
    const auto parsed = world::parse_prompt(request.prompt, format);
    result.unknown_words = parsed.unknown;
    if (request.mode == "guided" || parsed.unknown.empty()) {
      world::Scene scene = parsed.scene;
      int first = 0;  // the clip's first frame in the simulation
      if (!request.continue_scene.empty()) {
        // One continuous simulation: this clip starts where the previous shot ended, less the frames
        // it holds from that shot's end.
        world::Scene previous;
        try {
          previous = world::scene_from_json(Json::parse(request.continue_scene), "continued scene");
        } catch (const Json::exception& e) {
          fail(ErrorKind::invalid_input, std::string("the continued scene is not valid JSON: ") + e.what());
        }
        if (previous.format.width != c.clip.width || previous.format.height != c.clip.height ||
            previous.format.fps != c.clip.fps)
          fail(ErrorKind::invalid_input, "the continued scene was made in another clip format than this model's");
        first = std::max(0, previous.total_frames() - result.held_frames);
        scene = continue_scene(previous, parsed, first + frames);
      }
      world::WorldOptions options;
      options.pictures = false;
      options.sound.events = options.sound.ambience = false;
      const auto rendered = world::render_scene(scene, options);
      guide = make_world_guide(rendered, first, frames, c.clip.width, c.clip.height, model::audio_latent_seconds(c),
                               std::max<int64_t>(audio_t, 1));
      result.world_scene = world::to_json(scene).dump();
      // The world's caption leaves out the words it does not know: then the DiT reads the prompt as written.
      if (!parsed.unknown.empty()) guide->caption.clear();
    }
  }
  result.mode = guide ? "guided" : "free";
  if (guide && request.steps <= 0 && c.sampler.guided_steps > 0) result.steps = c.sampler.guided_steps;

  // Text features: conditional first, then the negative prompt for classifier-free guidance. In guided mode
  // the DiT reads the world's caption of what it simulated, worded as its training captions were.
  report("encoding prompt", 0, result.steps, -1);
  result.text = guide && request.read_world_caption && !guide->caption.empty() ? guide->caption : request.prompt;
  std::vector<std::string> prompts{result.text};
  if (cfg) prompts.push_back(request.negative_prompt);
  const auto raw_tokens = text::tokenize(m.tokenizer, prompts, c.text);
  const text::TokenBatch tokens{raw_tokens.ids.to(m.device), raw_tokens.mask.to(m.device)};
  const auto context = m.model->text_encoder->forward(tokens.ids, tokens.mask);
  torch::Tensor video_guide, audio_guide, layout;
  if (guidable) {
    if (guide) {
      if (guide->layout.width != c.clip.width || guide->layout.height != c.clip.height ||
          guide->layout.frame_count() != frames)
        fail(ErrorKind::invalid_input, "the guide's layout does not match the clip being made");
      layout = m.frames_to_tensor(guide->layout, frames);
    }
    video_guide = model::video_guide(layout, noise[0], c.vae.temporal_downsample);
  }
  if (guidable && c.has_audio() && c.dit.audio_guide_channels > 0) {
    torch::Tensor events;
    if (guide) {
      if (guide->audio_event_channels != c.dit.audio_guide_channels - 1)
        fail(ErrorKind::model, "the guide's sound events do not match model.json's audio_guide_channels");
      const int64_t columns = static_cast<int64_t>(guide->audio_events.size()) / guide->audio_event_channels;
      events = torch::from_blob(guide->audio_events.data(), {1, guide->audio_event_channels, columns}, torch::kFloat)
                   .clone();
      events = torch::constant_pad_nd(events, {0, std::max<int64_t>(0, audio_t - columns)}).narrow(2, 0, audio_t);
    }
    audio_guide = model::audio_guide(events, noise[1], c.dit.audio_guide_channels);
  }

  torch::Tensor scene_input;  // the scene description's style and light (guided), or the "none" flag
  if (c.dit.scene_channels > 0) {
    torch::Tensor features;
    if (guide) {
      if (static_cast<int>(guide->scene.size()) != c.dit.scene_channels - 1)
        fail(ErrorKind::model, "the guide's scene features do not match model.json's scene_channels");
      features = torch::tensor(guide->scene, torch::kFloat).unsqueeze(0);
    }
    scene_input = model::scene_guide(features, 1, c.dit.scene_channels).to(m.device);
  }

  // Guidance on the world's guide: the same step again with the layout, sound events and scene withheld (the
  // DiT was trained with them dropped), and the difference scaled, as classifier-free guidance scales a prompt's.
  result.layout_guidance = !guide ? 1.0 : request.layout_guidance >= 0 ? request.layout_guidance : c.sampler.layout_guidance;
  const bool layout_cfg = result.layout_guidance != 1.0;
  torch::Tensor free_video_guide, free_audio_guide, free_scene;
  if (layout_cfg) {
    if (video_guide.defined()) free_video_guide = model::video_guide({}, noise[0], c.vae.temporal_downsample);
    if (audio_guide.defined()) free_audio_guide = model::audio_guide({}, noise[1], c.dit.audio_guide_channels);
    if (scene_input.defined()) free_scene = model::scene_guide({}, 1, c.dit.scene_channels).to(m.device);
  }
  // Rows of one batch: the request; its negative prompt (cfg); without the guide (layout_cfg).
  std::vector<int64_t> text_rows{0};
  if (cfg) text_rows.push_back(1);
  if (layout_cfg) text_rows.push_back(0);
  const int64_t batch = static_cast<int64_t>(text_rows.size());
  const auto row_index = torch::tensor(text_rows, torch::kLong).to(m.device);
  const auto row_context = context.index_select(0, row_index), row_mask = tokens.mask.index_select(0, row_index);
  const auto rows = [&](const torch::Tensor& guided, const torch::Tensor& free) {
    std::vector<torch::Tensor> out(static_cast<size_t>(cfg ? 2 : 1), guided);
    if (layout_cfg) out.push_back(free);
    return torch::cat(out, 0);
  };
  const sampling::Velocity velocity = [&](const sampling::State& x, double t) {
    model::DitInput in;
    std::vector<torch::Tensor> video_parts{x[0]}, free_video_parts{x[0]};
    if (condition_input.defined()) video_parts.push_back(condition_input), free_video_parts.push_back(condition_input);
    if (video_guide.defined()) video_parts.push_back(video_guide), free_video_parts.push_back(free_video_guide);
    in.video = rows(torch::cat(video_parts, 1), layout_cfg ? torch::cat(free_video_parts, 1) : torch::Tensor());
    if (c.has_audio()) {
      std::vector<torch::Tensor> audio_parts{x[1]}, free_audio_parts{x[1]};
      if (audio_guide.defined()) audio_parts.push_back(audio_guide), free_audio_parts.push_back(free_audio_guide);
      in.audio = rows(torch::cat(audio_parts, 1), layout_cfg ? torch::cat(free_audio_parts, 1) : torch::Tensor());
    }
    in.timestep = torch::full({batch}, t, f32.device(m.device));
    if (scene_input.defined()) in.scene = rows(scene_input, free_scene);
    in.context = row_context;
    in.context_mask = row_mask;
    const auto out = m.model->dit->forward(in);
    sampling::State v{out.video.to(torch::kFloat)};
    if (c.has_audio()) v.push_back(out.audio.to(torch::kFloat));
    for (size_t k = 0; k < v.size(); ++k) {
      torch::Tensor& part = v[k];
      torch::Tensor guided = part[0].unsqueeze(0);
      if (cfg) guided = sampling::guided_velocity(guided, part[1].unsqueeze(0), result.guidance);
      // The picture only: the sound keeps the guided prediction, as it was trained.
      if (layout_cfg && k == 0)
        guided = guided + (part[0].unsqueeze(0) - part[batch - 1].unsqueeze(0)) * (result.layout_guidance - 1.0);
      part = guided;
    }
    return v;
  };

  const auto denoise_started = Clock::now();
  const auto timesteps = sampling::flow_timesteps(result.steps, result.shift);
  const auto latents = sampling::sample(noise, timesteps, solver, velocity, hold, [&](int step, int steps) {
    double eta = -1;
    if (step > 0) {
      const double per_step = std::chrono::duration<double>(Clock::now() - denoise_started).count() / step;
      eta = per_step * (steps - step) + per_step;  // decoding costs about one step
    }
    report("denoising", step, steps, eta);
    return true;
  });

  report("decoding video", result.steps, result.steps, -1);
  // A guided decoder reads the layout too, and the scene description where it takes one (free mode: neither).
  torch::Tensor decoder_scene;
  if (guide && c.vae.scene_channels > 0) decoder_scene = torch::tensor(guide->scene, torch::kFloat).unsqueeze(0);
  auto video = m.model->vae->decode(m.model->vae->denormalize(latents[0].to(m.dtype)),
                                    layout.defined() ? layout.to(m.dtype) : layout, {}, decoder_scene);  // [1, 3, F, H, W]
  video = ((video.to(torch::kFloat).clamp(-1.0, 1.0) + 1.0) * 127.5).round().to(torch::kByte);
  video = video.squeeze(0).permute({1, 2, 3, 0}).contiguous().cpu();  // [F, H, W, 3]
  if (video.size(0) != frames) fail(ErrorKind::internal, "decoder made " + std::to_string(video.size(0)) + " frames");

  media::Clip& clip = result.clip;
  clip.width = c.clip.width;
  clip.height = c.clip.height;
  clip.fps = c.clip.fps;
  clip.frames.assign(video.data_ptr<uint8_t>(), video.data_ptr<uint8_t>() + video.numel());
  if (held.defined()) {  // the held frames are the caller's own pixels, not their reconstruction
    const auto& start = *start_frames;
    std::copy_n(start.frames.begin(), clip.frame_bytes() * result.held_frames, clip.frames.begin());
  }

  if (c.has_audio()) {
    report("decoding audio", result.steps, result.steps, -1);
    const auto mel = m.model->audio_vae->decode(m.model->audio_vae->denormalize(latents[1].to(m.dtype)));
    const auto wave = m.vocoder->synthesize(mel.to(torch::kFloat), samples, generator).clamp(-1.0, 1.0).cpu().contiguous();
    clip.sample_rate = c.clip.audio_sample_rate;
    clip.channels = 1;
    clip.audio.assign(wave.data_ptr<float>(), wave.data_ptr<float>() + wave.numel());
  }
  result.wall_seconds = elapsed();
  logger("engine")->info("generated {} frames in {:.2f} s ({} mode, {} steps, {}, guidance {}, layout guidance {})",
                         frames, result.wall_seconds, result.mode, result.steps, result.solver, result.guidance,
                         result.layout_guidance);
  return result;
}

media::Clip continuation_start(const media::Clip& previous, int shown_begin, int shown_end, const model::ModelConfig& config) {
  shown_end = std::clamp(shown_end, 0, previous.frame_count());
  shown_begin = std::clamp(shown_begin, 0, std::max(0, shown_end - 1));
  const int hold = std::min(1 + config.vae.temporal_downsample, shown_end - shown_begin);
  return media::excerpt(previous, shown_end - hold, hold);
}

double continued_seconds(int shown_frames, int held, const model::ModelConfig& config) {
  return static_cast<double>(std::min(shown_frames + held, config.clip.max_frames)) / config.clip.fps;
}

safety::ProvenanceFacts provenance_facts(const GenerationResult& result, const model::ModelConfig& config,
                                         const std::string& title) {
  safety::ProvenanceFacts facts;
  facts.model_name = config.name;
  facts.model_version = config.version;
  facts.seed = result.seed;
  facts.title = title;
  char settings[160];
  std::snprintf(settings, sizeof settings, "%d steps, %s, guidance %g, %s mode", result.steps, result.solver.c_str(),
                result.guidance, result.mode.c_str());
  facts.settings = settings;
  if (result.mode == "guided") {
    std::snprintf(settings, sizeof settings, ", layout guidance %g", result.layout_guidance);
    facts.settings += settings;
  }
  for (const auto& cameo : result.cameos) facts.cameos.push_back(cameo.hash);
  return facts;
}

}  // namespace kinema::pipeline
