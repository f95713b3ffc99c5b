// `kinema judge`: how well a clip matches its prompt, criterion by criterion (src/eval, docs/JUDGE.md).
#include <cstdio>
#include <filesystem>
#include <optional>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/judge_output.h"
#include "core/error.h"
#include "core/json.h"
#include "eval/judge.h"
#include "media/mp4_reader.h"
#include "safety/visible_mark.h"

namespace kinema::cli {
namespace fs = std::filesystem;

eval::Rect visible_mark_area(const media::Clip& clip) {
  eval::Rect area;
  if (safety::visible_mark_presence(clip) < 0.5) return area;
  for (int f = 0; f < clip.frame_count(); ++f) {
    const safety::MarkRect r = safety::visible_mark_rect(clip.width, clip.height, f, clip.fps);
    area = eval::bounding(area, eval::Rect{r.x, r.y, r.width, r.height});
  }
  return area;
}

void print_judgement(const eval::Judgement& j) {
  for (const eval::Criterion& c : j.criteria) {
    if (c.applicable)
      std::printf("  %-13s %.2f %s (pass mark %.2f)  %s\n", c.name.c_str(), c.score, c.passed() ? "pass" : "FAIL", c.pass_mark,
                  c.summary.c_str());
    else
      std::printf("  %-13s  -             %s\n", c.name.c_str(), c.summary.c_str());
  }
  std::string failed;
  for (const std::string& name : j.failed) failed += (failed.empty() ? "" : ", ") + name;
  std::printf("overall %.3f: %s%s\n", j.overall, j.passed ? "passed" : "failed ", failed.c_str());
}

int run_judge(const std::vector<std::string>& argv) {
  const Args args(argv, {"clip", "prompt", "previous", "json"}, {"keep-mark"});
  const fs::path clip_path = args.required("clip");
  const std::string prompt = args.required("prompt");
  const media::Clip clip = media::read_mp4(clip_path).clip;
  std::optional<media::Clip> previous;
  if (args.has("previous")) previous = media::read_mp4(args.string("previous")).clip;

  // The safeguards' visible mark glides along the bottom of exported clips: its area is left out, unless asked.
  eval::JudgeOptions options;
  if (!args.has("keep-mark")) {
    options.ignore = visible_mark_area(clip);
    if (!options.ignore.empty())
      std::printf("leaving out the visible mark's area: %dx%d at (%d, %d)\n", options.ignore.width, options.ignore.height,
                  options.ignore.x, options.ignore.y);
  }
  const eval::Judgement j = eval::judge(clip, prompt, options, previous ? &*previous : nullptr);
  std::printf("%s: %dx%d, %d frames at %d fps%s\n", clip_path.c_str(), clip.width, clip.height, clip.frame_count(), clip.fps,
              clip.sample_rate > 0 ? ", with sound" : ", no sound");
  print_judgement(j);
  if (args.has("json")) {
    Json out = j.to_json();
    out["clip"] = clip_path.string();
    if (previous) out["previous"] = args.string("previous");
    if (!options.ignore.empty())
      out["ignored"] = {{"x", options.ignore.x}, {"y", options.ignore.y}, {"width", options.ignore.width}, {"height", options.ignore.height}};
    write_json_file(args.string("json"), out);
  }
  return kOk;
}

}  // namespace kinema::cli
