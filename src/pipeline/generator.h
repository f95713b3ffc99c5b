// The engine's one door for front ends: a model folder in, a Clip (frames + sound) out, with progress and
// cancel. Torch-free, so the studio and the CLI include it without libtorch's headers.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "media/clip.h"
#include "model/config.h"
#include "pipeline/device.h"
#include "pipeline/world_guide.h"
#include "safety/content_screen.h"
#include "safety/provenance_facts.h"

namespace kinema::pipeline {

struct GenerationRequest {
  std::string prompt;
  std::string negative_prompt;
  double seconds = 0.0;   // 0: the model's default length; rounded to the nearest length the model makes
  int steps = 0;          // 0: the model's default (sampler.guided_steps in guided mode, where it sets one)
  double guidance = -1;   // < 0: the model's default; 1 = no classifier-free guidance (one pass per step)
  double shift = 0.0;     // <= 0: the model's default timestep shift
  std::string solver;     // empty: the model's default; euler, heun or unipc
  uint64_t seed = 0;
  // Guided mode: the world simulates the prompt and the model renders what it decided; free mode: the
  // model alone. "auto" is guided when the world's parser knows every content word of the prompt and the
  // model was trained with guidance. A caller that simulated the scene itself (the studio, across the
  // shots of a timeline) passes the guide directly.
  std::string mode = "auto";
  std::optional<WorldGuide> guide;
  // The world scene of the shot before (GenerationResult::world_scene), to continue in one simulation:
  // with start_frames, the clip starts that many frames before the previous shot's end.
  std::string continue_scene;
  // Frames the clip must start with (e.g. the end of the previous shot, or one still image): they are
  // encoded and held fixed while the rest is denoised. Same size as the model's clips.
  std::optional<media::Clip> start_frames;
  // Guided mode: the DiT reads the world's caption of the scene it simulated (WorldGuide::caption), worded as
  // the captions it was trained on, rather than the prompt as written; false: the prompt as written.
  bool read_world_caption = true;
  // Guided mode: guidance on the world's guide, as classifier-free guidance on a prompt: each step also runs
  // without the layout, sound events and scene, and the difference in the picture's velocity is scaled by
  // this. < 0: the model's default (model.json sampler.layout_guidance); 1: none (one pass per step).
  double layout_guidance = -1;
};

struct GenerationProgress {
  std::string stage;  // "encoding prompt", "denoising", "decoding video", "decoding audio"
  int step = 0;       // denoising step done (0..steps)
  int steps = 0;
  double elapsed_seconds = 0.0;
  double eta_seconds = -1.0;  // < 0 while unknown
};

using ProgressCallback = std::function<void(const GenerationProgress&)>;

// The start frames of a shot that continues another (GenerationRequest::start_frames): the last 1 + r of
// the frames [shown_begin, shown_end) the viewer saw of it (one latent frame of the causal autoencoder holds
// one frame, each further one r), so the engine has its last picture and the motion into it.
media::Clip continuation_start(const media::Clip& previous, int shown_begin, int shown_end, const model::ModelConfig& config);
// How long to ask for a continued shot that should show `shown_frames` new frames after the `held` it starts
// with (the model's longest clip at most): GenerationRequest::seconds.
double continued_seconds(int shown_frames, int held, const model::ModelConfig& config);

struct GenerationResult {
  media::Clip clip;
  double wall_seconds = 0.0;
  int steps = 0;
  double guidance = 0.0;
  double layout_guidance = 1.0;
  double shift = 0.0;
  std::string solver;
  uint64_t seed = 0;
  int held_frames = 0;  // video frames taken from start_frames
  std::string mode;     // "guided" or "free": what was used
  std::string world_scene;  // guided mode: the world scene simulated (JSON), for continuing it
  std::string text;         // what the DiT read: the prompt, or in guided mode the world's caption of its scene
  std::vector<std::string> unknown_words;  // words of the prompt the world does not know
  // Cameos the prompt named (@name), each checked for a valid grant; exports check their grants again
  // (safety::require_export_allowed), since a grant can be revoked or expire after the clip was made.
  std::vector<safety::CameoUse> cameos;
};

// What a clip's provenance records of how it was made (model, seed, settings, cameos, the prompt as title):
// the one place every front end fills them from. The caller adds what is its own: front_end, and the marks
// (visible_mark, watermark, generation_id).
safety::ProvenanceFacts provenance_facts(const GenerationResult& result, const model::ModelConfig& config,
                                         const std::string& title);

// A word of a prompt: bytes [offset, offset + length) of the UTF-8 text.
struct PromptWord {
  size_t offset = 0;
  size_t length = 0;
  std::string text;
};

struct ModelSummary {
  std::string name, version;
  std::filesystem::path dir;
  std::string device;  // "cpu" or "cuda:0 (bf16)"
  std::vector<std::pair<std::string, int64_t>> parameters;  // per component
  int tokenizer_vocab = 0;
};

class Generator {
 public:
  // Loads the model folder onto the device; errors (kinema::Error) name the file and what is wrong.
  static std::unique_ptr<Generator> open(const std::filesystem::path& model_dir,
                                         DeviceChoice device = DeviceChoice::automatic);
  ~Generator();

  const model::ModelConfig& config() const;
  ModelSummary summary() const;
  int threads() const;  // CPU threads libtorch uses

  // Checks a request without running it (empty prompt, length the model cannot make, bad settings), then
  // the safeguards every front end is held to (safety/content_screen.h): the content rules on the prompt and
  // the negative prompt, and a valid grant for every @cameo named. A refusal throws kinema::Error (refused)
  // naming the category or the cameo; generate() checks the same before any work.
  void validate(const GenerationRequest& request) const;

  // Words of `text` the model does not know. A model trained with world guidance knows what the world's
  // prompt parser knows (world/vocabulary.h). Otherwise: words its tokenizer holds neither as a
  // whole-word piece nor splits into pieces of two or more characters (a word it can only spell letter by
  // letter was not in the text it learned from). Thread-safe beside generate().
  std::vector<PromptWord> unknown_words(const std::string& text) const;
  // What the model knows by name, sorted: the world's words, or the tokenizer's whole-word pieces.
  const std::vector<std::string>& known_words() const;

  // Generates one clip. Progress is reported at each stage and after every denoising step; setting
  // *cancel to true stops at the next step with kinema::Error (cancelled). Same request, same device:
  // the same clip, bit for bit, on the CPU. A prompt that names a cameo (@name) starts from the cameo's
  // reference image (image-to-video) unless the request brings start frames of its own.
  GenerationResult generate(const GenerationRequest& request, const ProgressCallback& progress = {},
                            const std::atomic<bool>* cancel = nullptr);

 private:
  struct Impl;
  static std::unique_ptr<Generator> open_unguarded(const std::filesystem::path& model_dir, DeviceChoice device);
  GenerationResult generate_unguarded(const GenerationRequest& request, const ProgressCallback& progress,
                                      const std::atomic<bool>* cancel);
  std::vector<safety::CameoUse> checked(const GenerationRequest& request) const;  // validate(), with the cameos
  media::Clip still_frame(const std::filesystem::path& image) const;            // an image at the model's size
  explicit Generator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kinema::pipeline
