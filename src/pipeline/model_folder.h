// A model folder: models/<name>/ with model.json, weights (*.safetensors, maybe sharded), tokenizer.model
// and MODEL_CARD.md. Finding and checking one is torch-free.
#pragma once

#include <filesystem>
#include <string>

#include "model/config.h"

namespace kinema::pipeline {

struct ModelFolder {
  std::filesystem::path dir;
  std::filesystem::path tokenizer;  // tokenizer.model
  std::filesystem::path card;       // MODEL_CARD.md (may be absent)
  model::ModelConfig config;

  // Checks the folder's files exist and parses model.json; errors say which file is missing.
  static ModelFolder open(const std::filesystem::path& dir);
};

// The model Kinema uses when none is named: $KINEMA_MODEL if set, else models/kinema-tiny beside the
// executable's folder (build/../models) or installed under share/kinema. Empty if none is installed.
std::filesystem::path default_model_dir();

// What to tell a user who has no model installed.
std::string no_model_message();

}  // namespace kinema::pipeline
