// A tool, not a test: prints distinct captions of Kinema World scenes, one a line, for the harmless part of the
// content rules' evaluation set (tests/safety/prompts_pass.txt holds its output):
//   build/tests/kinema-world-captions FIRST_SEED COUNT
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>

#include "world/caption.h"
#include "world/simulation.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: kinema-world-captions FIRST_SEED COUNT\n");
    return 2;
  }
  const unsigned long long first = std::strtoull(argv[1], nullptr, 10);
  const int count = std::atoi(argv[2]);
  std::set<std::string> seen;
  for (unsigned long long seed = first; static_cast<int>(seen.size()) < count; ++seed) {
    kinema::world::SceneOptions options;
    options.max_shots = seed % 3 == 0 ? 2 : 1;
    const auto scene = kinema::world::random_scene(seed, options);
    const auto trace = kinema::world::simulate(scene);
    for (int shot = 0; shot < static_cast<int>(scene.shots.size()) && static_cast<int>(seen.size()) < count; ++shot) {
      const std::string text = kinema::world::caption_shot(scene, trace, shot, seed % 7).text;
      if (seen.insert(text).second) std::printf("%s\n", text.c_str());
    }
  }
  return 0;
}
