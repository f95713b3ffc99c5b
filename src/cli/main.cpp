// `kinema`: the command-line front end. Subcommands parse flags, call the engine, print; errors become one
// line on stderr and an exit status (1 failure, 2 usage, 3 refused by the content rules).
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "core/error.h"
#include "core/log.h"

namespace {

constexpr const char* kUsage = R"(usage: kinema <command> [options]

commands:
  generate --prompt TEXT [--negative TEXT] [--model DIR] [--seconds S] [--steps N] [--guidance G]
           [--seed N] [--solver euler|heun|unipc] [--shift S] [--device auto|cpu|cuda]
           [--mode auto|guided|free] --out FILE.mp4
           make a clip with sound from a prompt
  info [--model DIR]
           print a model's config, parameter counts and vocabulary
  bench [--model DIR] [--seconds S] [--steps N] [--repeat R] [--device auto|cpu|cuda]
           time generation (default and half steps): wall time, real-time factor, stages, peak memory
  train [--recipe FILE] [--run DIR] [--stage prepare|vae|audio|dit|export|all] [--minutes M] [--export DIR]
           train the built-in model (resumes from the run folder's checkpoints; Ctrl-C checkpoints and stops)
  world <render|dataset|parse|bench> [options]
           Kinema World: render simulated scenes with captions, write training shards, parse prompts

  --verbose before the command logs what the engine does; KINEMA_MODEL names the default model folder.
)";

int exit_status_for(kinema::ErrorKind kind) {
  switch (kind) {
    case kinema::ErrorKind::invalid_input: return kinema::cli::kUsage;
    case kinema::ErrorKind::refused: return kinema::cli::kRefused;
    default: return kinema::cli::kFailed;
  }
}

void print_error(const std::string& command, const char* what) {
  if (::isatty(STDERR_FILENO)) std::fputs("\r\033[K", stderr);  // clear a progress bar
  std::fprintf(stderr, "kinema %s: %s\n", command.c_str(), what);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args[0] == "--verbose") {
    kinema::set_log_level("info");
    args.erase(args.begin());
  }
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::fputs(kUsage, args.empty() ? stderr : stdout);
    return args.empty() ? kinema::cli::kUsage : kinema::cli::kOk;
  }
  const std::map<std::string, int (*)(const std::vector<std::string>&)> commands{
      {"generate", kinema::cli::run_generate},
      {"info", kinema::cli::run_info},
      {"bench", kinema::cli::run_bench},
      {"train", kinema::cli::run_train},
      {"world", kinema::cli::run_world},
  };
  const auto command = commands.find(args[0]);
  if (command == commands.end()) {
    std::fprintf(stderr, "kinema: unknown command '%s'\n%s", args[0].c_str(), kUsage);
    return kinema::cli::kUsage;
  }
  try {
    return command->second(std::vector<std::string>(args.begin() + 1, args.end()));
  } catch (const kinema::Error& e) {
    print_error(args[0], e.what());
    return exit_status_for(e.kind());
  } catch (const std::exception& e) {
    print_error(args[0], e.what());
    return kinema::cli::kFailed;
  }
}
