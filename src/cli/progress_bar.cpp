// A one-line progress bar for the terminal.
#include "cli/progress_bar.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>

namespace kinema::cli {

std::string format_duration(double seconds) {
  if (seconds < 0) return "--:--";
  const long s = std::lround(seconds);
  char text[32];
  std::snprintf(text, sizeof text, "%ld:%02ld", s / 60, s % 60);
  return text;
}

ProgressBar::ProgressBar() : tty_(::isatty(STDERR_FILENO) == 1) {}

void ProgressBar::update(const pipeline::GenerationProgress& p) {
  if (!tty_) {
    if (p.stage != last_stage_) std::fprintf(stderr, "%s...\n", p.stage.c_str());
    last_stage_ = p.stage;
    return;
  }
  constexpr int kWidth = 30;
  const double fraction = p.steps > 0 ? static_cast<double>(p.step) / p.steps : 0.0;
  const int filled = static_cast<int>(fraction * kWidth);
  std::string bar(filled, '#');
  bar.append(kWidth - filled, '.');
  const double rate = p.step > 0 && p.elapsed_seconds > 0 ? p.step / p.elapsed_seconds : 0.0;
  std::fprintf(stderr, "\r\033[K%-15s [%s] %d/%d  %.2f it/s  ETA %s", p.stage.c_str(), bar.c_str(), p.step, p.steps,
               rate, format_duration(p.eta_seconds).c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressBar::finish() {
  if (tty_ && drawn_) std::fprintf(stderr, "\r\033[K");
  drawn_ = false;
}

}  // namespace kinema::cli
