// `kinema generate`: a prompt in, an MP4 with sound out.
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/progress_bar.h"
#include "core/error.h"
#include "pipeline/generator.h"
#include "pipeline/model_folder.h"
#include "safety/content_screen.h"
#include "safety/provenance.h"

namespace kinema::cli {
namespace fs = std::filesystem;

namespace {

fs::path model_dir_from(const Args& args) {
  if (args.has("model")) return args.string("model");
  fs::path dir = pipeline::default_model_dir();
  if (dir.empty()) fail(ErrorKind::model, pipeline::no_model_message());
  return dir;
}

// Fails before any work if the output cannot be written.
void check_output(const fs::path& out) {
  const fs::path dir = out.parent_path().empty() ? fs::path(".") : out.parent_path();
  std::error_code ec;
  if (fs::is_directory(out, ec)) fail(ErrorKind::io, "cannot write " + out.string() + ": it is a folder");
  if (!fs::is_directory(dir, ec)) fail(ErrorKind::io, "cannot write " + out.string() + ": no folder " + dir.string());
  if (::access(dir.c_str(), W_OK) != 0) fail(ErrorKind::io, "cannot write " + out.string() + ": folder is not writable");
}

}  // namespace

int run_generate(const std::vector<std::string>& argv) {
  const Args args(argv,
                  {"prompt", "negative", "model", "seconds", "steps", "guidance", "seed", "solver", "shift", "device",
                   "mode", "out", "layout-guidance"},
                  {"no-visible-mark", "as-written"});
  pipeline::GenerationRequest request;
  request.prompt = args.required("prompt");
  request.negative_prompt = args.string("negative");
  request.seconds = args.number("seconds", 0.0);
  request.steps = static_cast<int>(args.integer("steps", 0));
  request.guidance = args.number("guidance", -1.0);
  request.shift = args.number("shift", 0.0);
  request.seed = args.unsigned_integer("seed", 0);
  request.solver = args.string("solver");
  request.mode = args.string("mode", "auto");
  request.read_world_caption = !args.has("as-written");
  request.layout_guidance = args.number("layout-guidance", -1.0);
  const fs::path out = args.required("out");
  if (args.has("seconds") && request.seconds <= 0) fail(ErrorKind::invalid_input, "--seconds must be positive");
  if (args.has("steps") && request.steps < 1) fail(ErrorKind::invalid_input, "--steps must be at least 1");
  if (args.has("guidance") && request.guidance < 0) fail(ErrorKind::invalid_input, "--guidance must be >= 0");
  if (args.has("layout-guidance") && request.layout_guidance < 0)
    fail(ErrorKind::invalid_input, "--layout-guidance must be >= 0");
  check_output(out);

  // The safeguards refuse before any work, the model's loading included (generate() checks again).
  const fs::path model_dir = model_dir_from(args);
  safety::ScreenOptions screen;
  screen.guidance = request.guidance >= 0 ? request.guidance : pipeline::ModelFolder::open(model_dir).config.sampler.guidance;
  // generate writes an MP4, so a cameo it names must be granted for export too: ask before the work, not after.
  std::vector<std::string> named;
  for (const auto& cameo : safety::require_allowed(request.prompt, request.negative_prompt, screen))
    named.push_back(cameo.hash);
  safety::require_export_allowed(named);

  const auto device = pipeline::parse_device(args.string("device", "auto"));
  auto generator = pipeline::Generator::open(model_dir, device);
  generator->validate(request);

  ProgressBar bar;
  const auto result = generator->generate(request, [&](const pipeline::GenerationProgress& p) { bar.update(p); });
  bar.update({"writing mp4", result.steps, result.steps, result.wall_seconds, -1});

  // Every clip leaves marked as synthetic (visible mark unless turned off, watermark, signed C2PA manifest).
  auto facts = pipeline::provenance_facts(result, generator->config(), request.prompt);
  facts.visible_mark = !args.has("no-visible-mark");
  facts.front_end = "kinema generate";
  safety::require_export_allowed(facts.cameos);  // checked again: a grant may have been revoked meanwhile
  safety::ExportOptions options;
  options.mp4.title = request.prompt;
  safety::export_clip(result.clip, out, facts, options);
  bar.finish();

  const double clip_seconds = result.clip.duration_seconds();
  std::string unknown;
  for (const auto& word : result.unknown_words) unknown += (unknown.empty() ? "" : ", ") + word;
  std::printf("%s: %.2f s, %dx%d at %d fps%s, %s mode%s; generated in %.2f s (real-time factor %.2f)\n",
              out.c_str(), clip_seconds, result.clip.width, result.clip.height, result.clip.fps,
              result.clip.audio.empty() ? ", no sound" : ", with sound", result.mode.c_str(),
              unknown.empty() ? "" : (" (the world does not know: " + unknown + ")").c_str(), result.wall_seconds,
              clip_seconds / result.wall_seconds);
  if (result.text != request.prompt) std::printf("the model read the world's caption: \"%s\"\n", result.text.c_str());
  return kOk;
}

}  // namespace kinema::cli
