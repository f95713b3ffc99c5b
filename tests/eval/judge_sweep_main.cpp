// A tool, not a test: judges the world's own clips over many random scenes and prints the figures of
// docs/JUDGE.md (overall min / median / mean, each criterion's mean and pass rate, every failure).
//   build/tests/kinema-judge-sweep [--from SEED] [--count N] [--shots K] [--style S] [--mp4]
// --mp4 writes each clip through the MP4 writer and reads it back first (H.264 and AAC), as `kinema judge` sees it.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>

#include <unistd.h>

#include "eval/judge.h"
#include "media/mp4_reader.h"
#include "media/mp4_writer.h"
#include "world/world.h"

using namespace kinema;

int main(int argc, char** argv) {
  uint64_t from = 1;
  int count = 200, shots = 2;
  bool mp4 = false;
  std::optional<world::Style> style;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const char* value = i + 1 < argc ? argv[i + 1] : "";
    if (a == "--from") from = std::strtoull(value, nullptr, 10), ++i;
    else if (a == "--count") count = std::atoi(value), ++i;
    else if (a == "--shots") shots = std::max(1, std::atoi(value)), ++i;
    else if (a == "--style") style = world::from_name<world::Style>(value), ++i;
    else if (a == "--mp4") mp4 = true;
    else {
      std::fprintf(stderr, "usage: %s [--from SEED] [--count N] [--shots K] [--style S] [--mp4]\n", argv[0]);
      return 2;
    }
  }
  const std::filesystem::path temp = std::filesystem::temp_directory_path() / ("kinema-judge-sweep-" + std::to_string(::getpid()) + ".mp4");
  std::vector<eval::Judgement> all;
  double judge_seconds = 0;
  for (uint64_t seed = from; seed < from + static_cast<uint64_t>(count); ++seed) {
    world::SceneOptions options;
    options.min_shots = options.max_shots = shots;
    options.style = style ? style : std::optional<world::Style>(static_cast<world::Style>(seed % world::kStyles));
    const world::RenderedScene r = world::render_scene(world::random_scene(seed, options));
    std::vector<media::Clip> clips;
    for (const world::ShotClip& s : r.shots) {
      clips.push_back(s.clip);
      if (mp4) {
        media::Mp4Options o;
        o.bitexact = true;
        media::write_mp4(clips.back(), temp, o);
        clips.back() = media::read_mp4(temp).clip;
      }
    }
    for (size_t k = 0; k < clips.size(); ++k) {
      const auto t0 = std::chrono::steady_clock::now();
      all.push_back(eval::judge(clips[k], r.shots[k].caption.text, {}, k > 0 ? &clips[k - 1] : nullptr));
      judge_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      for (const eval::Criterion& c : all.back().criteria)
        if (c.applicable && !c.passed())
          std::printf("seed %llu shot %zu (%s) %s %.2f: %s\n", static_cast<unsigned long long>(seed), k + 1,
                      std::string(world::name(r.scene.style)).c_str(), c.name.c_str(), c.score, c.summary.c_str());
    }
  }
  if (mp4) std::filesystem::remove(temp);
  std::vector<double> overall;
  for (const eval::Judgement& j : all) overall.push_back(j.overall);
  std::sort(overall.begin(), overall.end());
  const Json s = eval::summarize(all);
  for (const std::string& name : eval::criterion_names()) {
    const Json& c = s["criteria"][name];
    if (c["applied"].get<int>() == 0) continue;
    std::printf("%-13s applied %4d  mean %.3f  pass rate %.3f\n", name.c_str(), c["applied"].get<int>(), c["mean"].get<double>(),
                c["pass_rate"].get<double>());
  }
  const size_t at_least = static_cast<size_t>(std::count_if(overall.begin(), overall.end(), [](double v) { return v >= 0.95; }));
  std::printf("%zu clips from %d scenes: overall min %.3f, p10 %.3f, median %.3f, mean %.3f; %zu (%.1f%%) at 0.95 or more; "
              "%.1f%% pass every criterion; %.0f ms per clip to judge\n",
              overall.size(), count, overall.front(), overall[overall.size() / 10], overall[overall.size() / 2],
              s["overall_mean"].get<double>(), at_least, 100.0 * at_least / overall.size(), 100 * s["passed_share"].get<double>(),
              1000 * judge_seconds / overall.size());
  return 0;
}
