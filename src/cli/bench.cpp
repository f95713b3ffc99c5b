// `kinema bench`: generation speed of a model on this machine: wall time per clip, real-time factor and
// time per stage, at the default and at half the default steps, plus peak memory.
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <map>

#include "cli/args.h"
#include "cli/commands.h"
#include "core/error.h"
#include "pipeline/generator.h"
#include "pipeline/model_folder.h"

namespace kinema::cli {

namespace {

struct Timing {
  double wall = 0;
  std::map<std::string, double> stages;
  int steps = 0;
  std::string mode;
  double layout_guidance = 1.0;
};

Timing time_one(pipeline::Generator& generator, const pipeline::GenerationRequest& request) {
  Timing timing;
  std::string stage;
  double stage_start = 0;
  const auto result = generator.generate(request, [&](const pipeline::GenerationProgress& p) {
    if (p.stage != stage) {
      if (!stage.empty()) timing.stages[stage] += p.elapsed_seconds - stage_start;
      stage = p.stage;
      stage_start = p.elapsed_seconds;
    }
  });
  timing.wall = result.wall_seconds;
  timing.steps = result.steps;
  timing.mode = result.mode;
  timing.layout_guidance = result.layout_guidance;
  if (!stage.empty()) timing.stages[stage] += result.wall_seconds - stage_start;
  return timing;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

}  // namespace

int run_bench(const std::vector<std::string>& argv) {
  const Args args(argv,
                  {"model", "prompt", "seconds", "steps", "repeat", "device", "solver", "guidance", "layout-guidance"});
  std::filesystem::path dir = args.string("model");
  if (dir.empty()) dir = pipeline::default_model_dir();
  if (dir.empty()) fail(ErrorKind::model, pipeline::no_model_message());
  auto generator = pipeline::Generator::open(dir, pipeline::parse_device(args.string("device", "auto")));
  const auto& c = generator->config();
  const int repeat = static_cast<int>(args.integer("repeat", 3));
  if (repeat < 1 || (args.has("steps") && args.integer("steps", 0) < 1))
    fail(ErrorKind::invalid_input, "--repeat and --steps must be at least 1");

  pipeline::GenerationRequest request;
  request.prompt = args.string("prompt", "a red ball bounces on a metal floor");
  request.seconds = args.number("seconds", 0.0);
  request.solver = args.string("solver");
  request.guidance = args.number("guidance", -1.0);
  request.layout_guidance = args.number("layout-guidance", -1.0);
  generator->validate(request);
  const auto summary = generator->summary();
  // Warm-up (first-touch allocations and lazy initialisation), which also tells the mode and the default steps.
  const Timing first = time_one(*generator, request);
  const int default_steps = static_cast<int>(args.integer("steps", first.steps));
  std::printf("model %s %s on %s, %d thread(s); %s mode, layout guidance %g\n", summary.name.c_str(),
              summary.version.c_str(), summary.device.c_str(), generator->threads(), first.mode.c_str(),
              first.layout_guidance);
  for (int steps : {default_steps, std::max(1, default_steps / 2)}) {
    request.steps = steps;
    std::vector<double> walls;
    std::map<std::string, std::vector<double>> stages;
    double clip_seconds = 0;
    for (int i = 0; i < repeat; ++i) {
      request.seed = static_cast<uint64_t>(i);
      const Timing t = time_one(*generator, request);
      walls.push_back(t.wall);
      for (const auto& [name, seconds] : t.stages) stages[name].push_back(seconds);
    }
    const int frames = request.seconds > 0 ? c.frames_for_seconds(request.seconds) : c.clip.frames;
    clip_seconds = static_cast<double>(frames) / c.clip.fps;
    const double wall = median(walls);
    std::printf("steps %3d: %.3f s per %.2f s clip, real-time factor %.2f (median of %d)\n", steps, wall, clip_seconds,
                clip_seconds / wall, repeat);
    for (const auto& [name, values] : stages) std::printf("    %-16s %.3f s\n", name.c_str(), median(values));
  }
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  std::printf("peak memory %.0f MiB\n", usage.ru_maxrss / 1024.0);
  return kOk;
}

}  // namespace kinema::cli
