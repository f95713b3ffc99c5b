// `kinema eval`: generate a clip for each prompt of a list with a model, judge each against its prompt (and a
// continued shot, made from the end of the shot before it as the studio makes it, against that shot), and
// write one report. In guided mode it also measures how
// closely each thing follows the world's simulation, frame by frame.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <optional>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/judge_output.h"
#include "core/error.h"
#include "core/json.h"
#include "eval/guided.h"
#include "eval/judge.h"
#include "eval/prompt_list.h"
#include "pipeline/generator.h"
#include "pipeline/model_folder.h"
#include "safety/provenance.h"
#include "world/world.h"

namespace kinema::cli {
namespace fs = std::filesystem;

namespace {

struct Shot {
  pipeline::GenerationResult result;
  media::Clip shown;                  // what a viewer sees: the clip less the frames held from the shot before
  std::optional<world::Scene> scene;  // guided: the world scene simulated for it
};

// The world's own film of what a guided shot was asked to draw, and where the shot starts in it.
std::optional<eval::GuidedReport> compare_guided(const Shot& shot, const Shot* previous) {
  if (!shot.scene) return std::nullopt;
  // What a viewer sees of a continued shot starts where the previous shot's simulation ended.
  int first = 0;
  if (previous && previous->scene) first = previous->scene->total_frames();
  world::WorldOptions options;
  options.sound.events = options.sound.ambience = false;
  const world::RenderedScene reference = world::render_scene(*shot.scene, options);
  return eval::compare_with_reference_at(shot.shown, reference, first);
}

// "shot-007.mp4": the prompt list's order.
std::string shot_file_name(size_t index) {
  char name[32];
  std::snprintf(name, sizeof name, "shot-%03zu.mp4", index + 1);
  return name;
}

// The whole shot as generated (held frames included, so a cut can be looked at), marked as synthetic like
// every clip Kinema writes.
void write_shot(const Shot& shot, const pipeline::GenerationRequest& request, const model::ModelConfig& config,
                const fs::path& file) {
  auto facts = pipeline::provenance_facts(shot.result, config, request.prompt);
  facts.front_end = "kinema eval";
  safety::require_export_allowed(facts.cameos);  // a cameo's grant covers export, as for kinema generate
  safety::ExportOptions options;
  options.mp4.title = request.prompt;
  safety::export_clip(shot.result.clip, file, facts, options);
}

}  // namespace

int run_eval(const std::vector<std::string>& argv) {
  const Args args(argv, {"prompts", "model", "out", "mode", "seed", "steps", "guidance", "device", "clips", "layout-guidance"},
                  {"as-written"});
  const auto prompts = eval::read_prompt_list(args.required("prompts"));
  if (prompts.empty()) fail(ErrorKind::invalid_input, "--prompts: the list holds no prompt");
  const fs::path out = args.required("out");
  const std::string mode = args.string("mode", "auto");
  if (mode != "auto" && mode != "guided" && mode != "free") fail(ErrorKind::invalid_input, "--mode: auto, guided or free");
  fs::path model_dir = args.has("model") ? fs::path(args.string("model")) : pipeline::default_model_dir();
  if (model_dir.empty()) fail(ErrorKind::model, pipeline::no_model_message());
  const fs::path clips_dir = args.string("clips");
  if (!clips_dir.empty()) {  // before any work, as a bad --out would be
    std::error_code ec;
    fs::create_directories(clips_dir, ec);
    if (ec) fail(ErrorKind::io, "--clips: cannot create " + clips_dir.string() + ": " + ec.message());
  }

  auto generator = pipeline::Generator::open(model_dir, pipeline::parse_device(args.string("device", "auto")));
  const uint64_t seed = args.unsigned_integer("seed", 0);
  std::vector<Shot> shots;
  std::vector<eval::Judgement> judgements;
  std::vector<eval::GuidedReport> guided;
  eval::LatentPhaseLag lag(generator->config().vae.temporal_downsample);
  Json report;
  report["model"] = {{"dir", model_dir.string()}, {"name", generator->config().name}, {"version", generator->config().version}};
  report["mode"] = mode;
  report["prompts_file"] = args.string("prompts");
  report["shots"] = Json::array();
  for (size_t i = 0; i < prompts.size(); ++i) {
    const eval::ListedPrompt& p = prompts[i];
    const Shot* previous = p.continues >= 0 ? &shots[static_cast<size_t>(p.continues)] : nullptr;
    pipeline::GenerationRequest request;
    request.prompt = p.text;
    request.mode = mode;
    request.seed = seed + i;
    request.steps = static_cast<int>(args.integer("steps", 0));
    request.guidance = args.number("guidance", -1.0);
    request.read_world_caption = !args.has("as-written");
    request.layout_guidance = args.number("layout-guidance", -1.0);
    if (previous) {  // as the studio continues a shot: from its last frames, in the same simulation
      const model::ModelConfig& c = generator->config();
      request.start_frames = pipeline::continuation_start(previous->shown, 0, previous->shown.frame_count(), c);
      request.continue_scene = previous->result.world_scene;
      request.seconds = pipeline::continued_seconds(c.clip.frames, request.start_frames->frame_count(), c);
    }
    std::printf("[%zu/%zu] %s%s\n", i + 1, prompts.size(), previous ? "(continued) " : "", p.text.c_str());
    std::fflush(stdout);
    Shot shot;
    shot.result = generator->generate(request);
    shot.shown = media::excerpt(shot.result.clip, shot.result.held_frames, shot.result.clip.frame_count());
    if (!shot.result.world_scene.empty())
      shot.scene = world::scene_from_json(Json::parse(shot.result.world_scene), "generated world scene");

    const eval::Judgement j = eval::judge(shot.shown, p.text, {}, previous ? &previous->shown : nullptr);
    print_judgement(j);
    Json entry{{"prompt", p.text},
               {"line", p.line},
               {"continues", p.continues >= 0 ? Json(p.continues) : Json(nullptr)},
               {"seed", shot.result.seed},
               {"mode", shot.result.mode},
               {"text", shot.result.text},
               {"steps", shot.result.steps},
               {"guidance", shot.result.guidance},
               {"layout_guidance", shot.result.layout_guidance},
               {"held_frames", shot.result.held_frames},
               {"shown_frames", shot.shown.frame_count()},
               {"generation_seconds", shot.result.wall_seconds},
               {"unknown_words", shot.result.unknown_words},
               {"judgement", j.to_json()}};
    if (const auto g = compare_guided(shot, previous)) {
      std::printf("  guided: things found in %d of %d frames where the simulation has them; %.1f px from its track "
                  "(median; p90 %.1f)\n",
                  g->pairs, g->in_view, g->median, g->p90);
      entry["guided"] = g->to_json();
      lag.add(*g, shot.result.held_frames);
      guided.push_back(*g);
    }
    if (!clips_dir.empty()) {
      const fs::path file = clips_dir / shot_file_name(i);
      write_shot(shot, request, generator->config(), file);
      entry["clip"] = file.string();
    }
    report["shots"].push_back(std::move(entry));
    judgements.push_back(j);
    shots.push_back(std::move(shot));
  }

  report["summary"] = eval::summarize(judgements);
  if (!guided.empty()) {
    int pairs = 0, in_view = 0;
    double weighted_mean = 0;
    for (const eval::GuidedReport& g : guided) {
      pairs += g.pairs;
      in_view += g.in_view;
      weighted_mean += g.mean * g.pairs;
    }
    report["summary"]["guided"] = {{"shots", guided.size()},
                                   {"detection_rate", in_view > 0 ? static_cast<double>(pairs) / in_view : 0.0},
                                   {"mean_px", pairs > 0 ? weighted_mean / pairs : 0.0},
                                   {"lag_by_latent_phase", lag.to_json()}};
    std::printf("%s\n", lag.summary().c_str());
  }
  write_json_file(out, report);
  const Json& s = report["summary"];
  std::printf("%zu shots: overall mean %.3f, lowest %.3f; %.0f%% passed every criterion; report in %s\n", judgements.size(),
              s["overall_mean"].get<double>(), s["overall_min"].get<double>(), 100 * s["passed_share"].get<double>(), out.c_str());
  return kOk;
}

}  // namespace kinema::cli
