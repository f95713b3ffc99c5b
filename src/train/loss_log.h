// Loss curves: a CSV file appended as training runs (trimmed back to the checkpoint on resume) and a PNG
// plot of it, drawn with Cairo.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace kinema::train {

class LossLog {
 public:
  // Opens (or creates) csv with columns "step,seconds,<columns...>", dropping rows after resume_step.
  LossLog(std::filesystem::path csv, std::vector<std::string> columns, int64_t resume_step);

  void add(int64_t step, double seconds, const std::vector<double>& values);
  // Plots every column against step (log scale, smoothed) into png, replacing it atomically.
  void plot(const std::filesystem::path& png, const std::string& title) const;

 private:
  struct Row {
    int64_t step;
    double seconds;
    std::vector<double> values;
  };
  void write_all() const;

  std::filesystem::path csv_;
  std::vector<std::string> columns_;
  std::vector<Row> rows_;
};

}  // namespace kinema::train
