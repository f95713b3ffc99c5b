// `kinema sheet`: a contact sheet that shows, for a few prompts, what the simulator decided and what the model
// made of it: the layout the model is given, the world's own rendering of the same scene, the model's guided
// result and its free result (no layout, no events), each as a row of frames.
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "cli/args.h"
#include "cli/commands.h"
#include "core/error.h"
#include "model/config.h"
#include "pipeline/generator.h"
#include "pipeline/model_folder.h"
#include "pipeline/world_guide.h"
#include "train/reports.h"
#include "world/world.h"

namespace kinema::cli {
namespace fs = std::filesystem;

namespace {

std::vector<std::string> prompts_from(const Args& args) {
  std::vector<std::string> prompts;
  if (args.has("prompt")) prompts.push_back(args.string("prompt"));
  if (args.has("prompts")) {
    std::ifstream in(args.string("prompts"));
    if (!in) fail(ErrorKind::io, "cannot read " + args.string("prompts"));
    for (std::string line; std::getline(in, line);) {
      if (line.empty() || line[0] == '#') continue;
      prompts.push_back(line.substr(0, line.find(" || ")));  // a two-shot pair: its first shot
    }
  }
  if (prompts.empty()) fail(ErrorKind::invalid_input, "give --prompt TEXT or --prompts FILE");
  const auto count = static_cast<size_t>(args.integer("count", static_cast<int64_t>(prompts.size())));
  if (prompts.size() > count) prompts.resize(count);
  return prompts;
}

}  // namespace

int run_sheet(const std::vector<std::string>& argv) {
  const Args args(argv, {"prompt", "prompts", "count", "model", "seed", "steps", "every", "out"});
  const auto prompts = prompts_from(args);
  const fs::path out = args.required("out");
  const fs::path model_dir = args.has("model") ? fs::path(args.string("model")) : pipeline::default_model_dir();
  if (model_dir.empty()) fail(ErrorKind::model, pipeline::no_model_message());
  const auto generator = pipeline::Generator::open(model_dir);
  if (generator->config().dit.guide_channels <= 0)
    fail(ErrorKind::invalid_input, model_dir.string() + ": this model has no guided mode, so there is no layout to show");
  const auto& format = generator->config().clip;
  const int every = static_cast<int>(args.integer("every", 6));
  if (every < 1) fail(ErrorKind::invalid_input, "--every must be at least 1");

  std::vector<media::Clip> clips;  // four rows per prompt
  std::string legend;
  for (const auto& prompt : prompts) {
    pipeline::GenerationRequest request;
    request.prompt = prompt;
    request.seed = args.unsigned_integer("seed", 1);
    request.steps = static_cast<int>(args.integer("steps", 0));
    request.mode = "guided";
    const auto guided = generator->generate(request);
    request.mode = "free";
    const auto free = generator->generate(request);
    // The same scene through the world: its own rendering, and the layout the model was given.
    const auto scene = world::scene_from_json(Json::parse(guided.world_scene), "the guided result's scene");
    const auto rendered = world::render_scene(scene);
    // Only the layout is drawn here: the event grid is not shown, so one grid frame will do.
    auto layout = pipeline::make_world_guide(rendered, 0, guided.clip.frame_count(), format.width, format.height, 1.0, 1)
                      .layout;
    media::Clip world_clip = rendered.shots.at(0).clip;
    if (world_clip.frame_count() != guided.clip.frame_count() || free.clip.frame_count() != guided.clip.frame_count())
      fail(ErrorKind::internal, "the rows of '" + prompt + "' have different lengths");
    clips.push_back(std::move(layout));
    clips.push_back(std::move(world_clip));
    clips.push_back(guided.clip);
    clips.push_back(free.clip);
    legend += prompt + "\n";
    std::fprintf(stderr, "sheet: %s (guided %.1f s, free %.1f s)\n", prompt.c_str(), guided.wall_seconds,
                 free.wall_seconds);
  }
  std::vector<const media::Clip*> rows;
  for (const auto& c : clips) {
    if (c.width != format.width || c.height != format.height)
      fail(ErrorKind::internal, "a row is not at the model's size");
    rows.push_back(&c);
  }
  train::write_contact_sheet(rows, every, out);
  std::printf("%s: %zu prompts; rows per prompt: layout given to the model, the world's own rendering, guided, "
              "free; every %d frames from frame 0\n%s",
              out.c_str(), prompts.size(), every, legend.c_str());
  return 0;
}

}  // namespace kinema::cli
