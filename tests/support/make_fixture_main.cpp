// build/tests/kinema-fixture DIR [--flat] [--size N]: writes the tests' fixture model (random weights) for manual checks and
// benchmarks of the pipeline. Not a model: it makes noise.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/error.h"
#include "support/fixture_model.h"

int main(int argc, char** argv) {
  kinema::testing::FixtureOptions options;
  bool usage = false;
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--flat")
      options.flat_picture = true;
    else if (arg == "--size" && i + 1 < argc)
      options.size = std::atoi(argv[++i]);
    else
      usage = true;
  }
  if (argc < 2 || usage || options.size < 8 || options.size % 8 != 0) {
    std::fprintf(stderr,
                 "usage: kinema-fixture DIR [--flat] [--size N]\n"
                 "  --flat: its decoder draws one flat grey; --size: frame side, a multiple of 8 (default 32)\n");
    return 2;
  }
  try {
    kinema::testing::make_fixture_model(argv[1], 1, options);
  } catch (const kinema::Error& e) {
    std::fprintf(stderr, "kinema-fixture: %s\n", e.what());
    return 1;
  }
  std::printf("fixture model written to %s\n", argv[1]);
  return 0;
}
