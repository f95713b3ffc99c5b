// build/tests/kinema-fixture DIR: writes the tests' fixture model (random weights) for manual checks and
// benchmarks of the pipeline. Not a model: it makes noise.
#include <cstdio>

#include "core/error.h"
#include "support/fixture_model.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: kinema-fixture DIR\n");
    return 2;
  }
  try {
    kinema::testing::make_fixture_model(argv[1]);
  } catch (const kinema::Error& e) {
    std::fprintf(stderr, "kinema-fixture: %s\n", e.what());
    return 1;
  }
  std::printf("fixture model written to %s\n", argv[1]);
  return 0;
}
