// A one-line progress bar on a terminal's stderr (step, it/s, ETA); stage lines when stderr is not a terminal.
#pragma once

#include <string>

#include "pipeline/generator.h"

namespace kinema::cli {

class ProgressBar {
 public:
  ProgressBar();
  void update(const pipeline::GenerationProgress& p);
  void finish();  // ends the bar's line

 private:
  bool tty_;
  bool drawn_ = false;
  std::string last_stage_;
};

std::string format_duration(double seconds);

}  // namespace kinema::cli
