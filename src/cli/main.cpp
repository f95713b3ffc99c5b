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
#include "core/memory.h"

namespace {

constexpr const char* kUsage = R"(usage: kinema <command> [options]

commands:
  generate --prompt TEXT [--negative TEXT] [--model DIR] [--seconds S] [--steps N] [--guidance G]
           [--seed N] [--solver euler|heun|unipc] [--shift S] [--device auto|cpu|cuda]
           [--mode auto|guided|free] [--layout-guidance G] [--as-written] [--no-visible-mark] --out FILE.mp4
           make a clip with sound from a prompt (marked as synthetic: visible mark, watermark, C2PA);
           guided, the model reads the world's caption of what it simulated unless --as-written, and
           follows the world's layout with guidance G (the model's default; 1: none)
  info [--model DIR]
           print a model's config, parameter counts and vocabulary
  bench [--model DIR] [--seconds S] [--steps N] [--repeat R] [--device auto|cpu|cuda]
           time generation (default and half steps): wall time, real-time factor, stages, peak memory
  train [--recipe FILE] [--run DIR] [--stage prepare|vae|audio|dit|export|all] [--minutes M] [--export DIR]
           [--device auto|cpu|cuda]
           train the built-in model (resumes from the run folder's checkpoints; Ctrl-C checkpoints and stops)
  world <render|dataset|parse|plan|bench> [options]
           Kinema World: render simulated scenes with captions, write training shards, parse prompts,
           show what the simulator decides for a prompt (layout and sound events)
  judge --clip FILE.mp4 --prompt TEXT [--previous FILE.mp4] [--json FILE] [--keep-mark]
           score a clip against its prompt, criterion by criterion (docs/JUDGE.md)
  eval --prompts FILE [--model DIR] --out report.json [--mode auto|guided|free] [--seed N] [--steps N]
       [--guidance G] [--layout-guidance G] [--clips DIR] [--as-written]
           generate each prompt of a list ("shot || next shot" continues a scene) and judge it
  sheet --prompts FILE | --prompt TEXT [--count N] [--model DIR] [--seed N] [--steps N] [--every K] --out FILE.png
           a contact sheet: per prompt the layout the model is given, the world's rendering, guided, free
  check --prompt TEXT [--negative TEXT] [--model DIR] [--guidance G]
           run the content rules and cameo grants on a prompt, list words the model does not know;
           exit status 3 when a generation would be refused
  cameo <key|create|list|show|grant|export|import|revoke> [options]
           likenesses used only with their owner's consent: @NAME in a prompt (kinema cameo help)
  verify FILE [--json] [--trust DIR]
           does a video say it is synthetic? checks its C2PA manifest, invisible watermark and visible mark

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
  kinema::keep_freed_memory_for_reuse();
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
      {"judge", kinema::cli::run_judge},
      {"eval", kinema::cli::run_eval},
      {"sheet", kinema::cli::run_sheet},
      {"verify", kinema::cli::run_verify},
      {"check", kinema::cli::run_check},
      {"cameo", kinema::cli::run_cameo},
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
