// Finding and checking model folders.
#include "pipeline/model_folder.h"

#include <cstdlib>

#include "core/error.h"
#include "core/paths.h"

namespace kinema::pipeline {
namespace fs = std::filesystem;

ModelFolder ModelFolder::open(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) fail(ErrorKind::model, "no model folder at " + dir.string());
  ModelFolder folder;
  folder.dir = dir;
  const fs::path json = dir / "model.json";
  if (!fs::is_regular_file(json, ec)) fail(ErrorKind::model, dir.string() + " is not a model folder: no model.json");
  folder.config = model::ModelConfig::load(json);
  folder.tokenizer = dir / "tokenizer.model";
  if (!fs::is_regular_file(folder.tokenizer, ec))
    fail(ErrorKind::model, dir.string() + ": no tokenizer.model");
  folder.card = dir / "MODEL_CARD.md";
  return folder;
}

fs::path default_model_dir() {
  if (const char* env = std::getenv("KINEMA_MODEL"); env && *env) return env;  // the user's choice, checked on open
  std::vector<fs::path> candidates;
  const fs::path exe_dir = executable_dir();
  if (!exe_dir.empty()) {
    candidates.push_back(exe_dir / "../models/kinema-tiny");
    candidates.push_back(exe_dir / "models/kinema-tiny");
    candidates.push_back(exe_dir / "../share/kinema/models/kinema-tiny");
  }
  for (const fs::path& c : candidates) {
    std::error_code ec;
    if (fs::is_regular_file(c / "model.json", ec)) return fs::weakly_canonical(c, ec);
  }
  return {};
}

std::string no_model_message() {
  return "no model is installed: Kinema's built-in model goes in models/kinema-tiny (train it with "
         "`kinema train`, see README), or pass --model DIR, or set KINEMA_MODEL";
}

}  // namespace kinema::pipeline
