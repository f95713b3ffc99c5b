// Loss curves as CSV and PNG.
#include "train/loss_log.h"

#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "core/atomic_file.h"
#include "core/error.h"

namespace kinema::train {
namespace fs = std::filesystem;

LossLog::LossLog(fs::path csv, std::vector<std::string> columns, int64_t resume_step)
    : csv_(std::move(csv)), columns_(std::move(columns)) {
  std::ifstream in(csv_);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::stringstream fields(line);
    std::string field;
    Row row{};
    if (!std::getline(fields, field, ',')) continue;
    row.step = std::stoll(field);
    if (!std::getline(fields, field, ',')) continue;
    row.seconds = std::stod(field);
    while (std::getline(fields, field, ',')) row.values.push_back(std::stod(field));
    if (row.step <= resume_step && row.values.size() == columns_.size()) rows_.push_back(row);
  }
  write_all();
}

void LossLog::write_all() const {
  std::ostringstream out;
  out << "step,seconds";
  for (const auto& c : columns_) out << ',' << c;
  out << '\n';
  for (const Row& r : rows_) {
    out << r.step << ',' << r.seconds;
    for (double v : r.values) out << ',' << v;
    out << '\n';
  }
  const std::string text = out.str();
  write_file_atomically(csv_, text.data(), text.size());
}

void LossLog::add(int64_t step, double seconds, const std::vector<double>& values) {
  rows_.push_back({step, seconds, values});
  std::ofstream out(csv_, std::ios::app);
  out << step << ',' << seconds;
  for (double v : values) out << ',' << v;
  out << '\n';
}

void LossLog::plot(const fs::path& png, const std::string& title) const {
  constexpr int kW = 720, kH = 420, kLeft = 70, kRight = 160, kTop = 36, kBottom = 44;
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, kW, kH);
  cairo_t* cr = cairo_create(surface);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);

  double lo = 1e300, hi = -1e300;
  int64_t max_step = 1;
  for (const Row& r : rows_) {
    max_step = std::max(max_step, r.step);
    for (double v : r.values)
      if (v > 0 && std::isfinite(v)) {
        lo = std::min(lo, std::log10(v));
        hi = std::max(hi, std::log10(v));
      }
  }
  if (lo > hi) lo = -1, hi = 1;
  lo = std::floor(lo), hi = std::ceil(hi);
  if (hi - lo < 1) hi = lo + 1;
  const double pw = kW - kLeft - kRight, ph = kH - kTop - kBottom;
  auto px = [&](double step) { return kLeft + pw * step / static_cast<double>(max_step); };
  auto py = [&](double value) { return kTop + ph * (1.0 - (std::log10(value) - lo) / (hi - lo)); };

  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, 12);
  cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
  cairo_set_line_width(cr, 1);
  char label[64];
  for (double d = lo; d <= hi + 1e-9; d += 1) {
    const double y = kTop + ph * (1.0 - (d - lo) / (hi - lo));
    cairo_move_to(cr, kLeft, y);
    cairo_line_to(cr, kLeft + pw, y);
    cairo_stroke(cr);
    std::snprintf(label, sizeof label, "1e%+d", static_cast<int>(d));
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_move_to(cr, 8, y + 4);
    cairo_show_text(cr, label);
    cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
  }
  cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
  cairo_rectangle(cr, kLeft, kTop, pw, ph);
  cairo_stroke(cr);
  cairo_move_to(cr, kLeft, 22);
  cairo_show_text(cr, title.c_str());
  std::snprintf(label, sizeof label, "step (last %lld)", static_cast<long long>(max_step));
  cairo_move_to(cr, kLeft + pw / 2 - 40, kH - 14);
  cairo_show_text(cr, label);

  static const double colours[][3] = {{0.12, 0.47, 0.71}, {1.0, 0.5, 0.05}, {0.17, 0.63, 0.17},
                                      {0.84, 0.15, 0.16}, {0.58, 0.4, 0.74}, {0.55, 0.34, 0.29}};
  for (size_t c = 0; c < columns_.size(); ++c) {
    const auto& rgb = colours[c % 6];
    cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
    cairo_set_line_width(cr, 1.5);
    double smoothed = NAN;
    bool started = false;
    const double alpha = 2.0 / (1.0 + std::max<size_t>(1, rows_.size() / 50));  // smooth over ~2% of the run
    for (const Row& r : rows_) {
      const double v = r.values[c];
      if (!(v > 0) || !std::isfinite(v)) continue;
      smoothed = std::isnan(smoothed) ? v : smoothed * (1 - alpha) + v * alpha;
      if (!started) cairo_move_to(cr, px(r.step), py(smoothed));
      else cairo_line_to(cr, px(r.step), py(smoothed));
      started = true;
    }
    cairo_stroke(cr);
    cairo_rectangle(cr, kLeft + pw + 12, kTop + 8 + 18 * c, 14, 4);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_move_to(cr, kLeft + pw + 32, kTop + 14 + 18 * c);
    cairo_show_text(cr, columns_[c].c_str());
  }
  cairo_destroy(cr);
  cairo_surface_flush(surface);
  AtomicFile file(png);
  const auto status = cairo_surface_write_to_png(surface, file.temp_path().c_str());
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS) fail(ErrorKind::io, "cannot write " + png.string());
  file.commit();
}

}  // namespace kinema::train
