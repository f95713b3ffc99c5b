// `kinema train`: trains the built-in model stage by stage in a run folder; Ctrl-C checkpoints and stops.
#include <csignal>
#include <cstdio>

#include "cli/args.h"
#include "cli/commands.h"
#include "core/paths.h"
#include "train/recipe.h"

namespace kinema::cli {
namespace {

std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop = true; }

std::filesystem::path from_repository(const std::string& relative) {
  // build/kinema -> the repository beside it; else the working folder.
  const auto beside = executable_dir() / ".." / relative;
  return std::filesystem::exists(beside) ? std::filesystem::weakly_canonical(beside) : std::filesystem::path(relative);
}

}  // namespace

int run_train(const std::vector<std::string>& argv) {
  const Args args(argv, {"recipe", "run", "stage", "minutes", "export", "device"});
  train::RecipeOptions options;
  options.recipe = args.has("recipe") ? std::filesystem::path(args.string("recipe"))
                                      : from_repository("assets/models/kinema-tiny.json");
  options.run = args.has("run") ? std::filesystem::path(args.string("run")) : from_repository("runs") / "kinema-tiny";
  options.export_to = args.has("export") ? std::filesystem::path(args.string("export"))
                                         : from_repository("models") / "kinema-tiny";
  options.stage = args.string("stage", "all");
  options.minutes = args.number("minutes", 0.0);
  options.device = args.string("device", "auto");
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  const bool finished = train::run_recipe(options, [](const std::string& line) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  }, &g_stop);
  std::printf("%s: %s\n", options.run.c_str(), finished ? "finished" : "stopped (resumes from its checkpoints)");
  return kOk;
}

}  // namespace kinema::cli
