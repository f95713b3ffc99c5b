// `kinema check`: runs the safeguards a generation would run (content rules, cameo grants) and lists the words
// the model does not know, without generating. Exit status 3 when the request would be refused.
#include <cstdio>
#include <filesystem>

#include "cli/args.h"
#include "cli/commands.h"
#include "core/error.h"
#include "pipeline/generator.h"
#include "pipeline/model_folder.h"
#include "safety/content_screen.h"
#include "world/prompt_parser.h"

namespace kinema::cli {
namespace fs = std::filesystem;

namespace {

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

}  // namespace

int run_check(const std::vector<std::string>& argv) {
  const Args args(argv, {"prompt", "negative", "model", "guidance"});
  const std::string prompt = args.required("prompt");
  const std::string negative = args.string("negative");
  if (prompt.find_first_not_of(" \t\r\n") == std::string::npos) fail(ErrorKind::invalid_input, "the prompt is empty");

  // The model, when one is named or installed: its vocabulary and its default guidance.
  fs::path model_dir = args.has("model") ? fs::path(args.string("model")) : pipeline::default_model_dir();
  safety::ScreenOptions screen;
  if (args.has("guidance")) screen.guidance = args.number("guidance", -1.0);
  std::vector<std::string> unknown;
  std::string source;
  if (!model_dir.empty()) {
    const auto generator = pipeline::Generator::open(model_dir, pipeline::DeviceChoice::cpu);
    if (!screen.guidance) screen.guidance = generator->config().sampler.guidance;
    for (const auto& word : generator->unknown_words(prompt)) unknown.push_back(word.text);
    source = "model " + generator->config().name;
  } else {
    unknown = world::parse_prompt(prompt).unknown;
    source = "Kinema World's parser (no model installed)";
  }

  const safety::Screening screening = safety::screen_request(prompt, negative, screen);
  std::printf("unknown words (%s): %s\n", source.c_str(), unknown.empty() ? "none" : joined(unknown).c_str());
  for (const auto& cameo : screening.cameos)
    std::printf("cameo @%s (%s): allowed\n", cameo.handle.c_str(), cameo.display_name.c_str());
  if (screening.refused) fail(ErrorKind::refused, screening.reason);
  std::printf("allowed by the content rules%s\n", screening.cameos.empty() ? "" : " and the cameo grants");
  return kOk;
}

}  // namespace kinema::cli
