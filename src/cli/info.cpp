// `kinema info`: a model folder's config, parameter counts and vocabulary.
#include <cstdio>

#include "cli/args.h"
#include "cli/commands.h"
#include "core/error.h"
#include "pipeline/generator.h"
#include "pipeline/model_folder.h"

namespace kinema::cli {

int run_info(const std::vector<std::string>& argv) {
  const Args args(argv, {"model", "device"});
  std::filesystem::path dir = args.string("model");
  if (dir.empty()) dir = pipeline::default_model_dir();
  if (dir.empty()) fail(ErrorKind::model, pipeline::no_model_message());
  auto generator = pipeline::Generator::open(dir, pipeline::parse_device(args.string("device", "cpu")));
  const auto s = generator->summary();
  const auto& c = generator->config();

  std::printf("model       %s %s\nfolder      %s\ndevice      %s\n", s.name.c_str(), s.version.c_str(), s.dir.c_str(),
              s.device.c_str());
  std::printf("clip        %dx%d, %d fps, %d frames (%.2f s, up to %.2f s), audio %s\n", c.clip.width, c.clip.height,
              c.clip.fps, c.clip.frames, static_cast<double>(c.clip.frames) / c.clip.fps,
              static_cast<double>(c.clip.max_frames) / c.clip.fps,
              c.has_audio() ? (std::to_string(c.clip.audio_sample_rate) + " Hz").c_str() : "none");
  std::printf("vocabulary  %d tokens (model.json: %d)\n", s.tokenizer_vocab, c.text.vocab_size);
  int64_t total = 0;
  std::printf("parameters\n");
  for (const auto& [name, count] : s.parameters) {
    std::printf("  %-14s %12lld\n", name.c_str(), static_cast<long long>(count));
    total += count;
  }
  std::printf("  %-14s %12lld\n", "total", static_cast<long long>(total));
  std::printf("config\n%s\n", c.to_json().dump(2).c_str());
  return kOk;
}

}  // namespace kinema::cli
