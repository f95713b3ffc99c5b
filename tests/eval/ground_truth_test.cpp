// The judge on the world's own clips: random scenes of every style, two shots each (the second judged with the
// first as the shot before), score at least 0.95 overall. docs/JUDGE.md has the figures over 200 scenes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "eval/judge.h"
#include "world/world.h"

namespace kinema::eval {
namespace {

TEST(GroundTruth, WorldClipsOfEveryStyleScoreAtLeast095Overall) {
  std::vector<Judgement> judgements;
  for (int s = 0; s < world::kStyles; ++s)
    for (uint64_t seed = 1000; seed < 1003; ++seed) {
      world::SceneOptions options;
      options.min_shots = options.max_shots = 2;
      options.style = static_cast<world::Style>(s);
      const world::RenderedScene r = world::render_scene(world::random_scene(seed + 10 * s, options));
      for (int k = 0; k < 2; ++k) {
        judgements.push_back(judge(r.shots[k].clip, r.shots[k].caption.text, {}, k > 0 ? &r.shots[k - 1].clip : nullptr));
        const Judgement& j = judgements.back();
        if (!j.passed)
          std::printf("seed %llu shot %d (%s): %.3f, failed %s\n", static_cast<unsigned long long>(seed + 10 * s), k + 1,
                      r.shots[k].caption.text.c_str(), j.overall, j.failed.front().c_str());
      }
    }
  const Json summary = summarize(judgements);
  std::vector<double> overall;
  for (const Judgement& j : judgements) overall.push_back(j.overall);
  std::sort(overall.begin(), overall.end());
  std::printf("%zu clips: overall mean %.3f, median %.3f, lowest %.3f; %.0f%% pass every criterion\n", overall.size(),
              summary["overall_mean"].get<double>(), overall[overall.size() / 2], overall.front(),
              100 * summary["passed_share"].get<double>());
  EXPECT_GE(summary["overall_mean"].get<double>(), 0.95);
  EXPECT_GE(overall[overall.size() / 2], 0.95);
}

}  // namespace
}  // namespace kinema::eval
