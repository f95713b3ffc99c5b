// Reconstruction figures and contact sheets.
#include "train/reports.h"

#include <cairo.h>

#include <cmath>

#include "core/atomic_file.h"
#include "core/error.h"
#include "train/loop.h"
#include "train/stages.h"

namespace kinema::train {
namespace {

double psnr(const torch::Tensor& mse_of_unit_pixels) {
  return -10.0 * std::log10(std::max(mse_of_unit_pixels.item<double>(), 1e-12));
}

}  // namespace

void write_contact_sheet(const std::vector<const media::Clip*>& rows, int step, const std::filesystem::path& png) {
  if (rows.empty()) return;
  const int w = rows[0]->width, h = rows[0]->height;
  const int columns = (rows[0]->frame_count() + step - 1) / step;
  const int sheet_w = columns * w, sheet_h = static_cast<int>(rows.size()) * h;
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, sheet_w, sheet_h);
  cairo_surface_flush(surface);
  uint8_t* data = cairo_image_surface_get_data(surface);
  const int stride = cairo_image_surface_get_stride(surface);
  for (size_t r = 0; r < rows.size(); ++r)
    for (int col = 0; col < columns; ++col) {
      const int f = std::min(col * step, rows[r]->frame_count() - 1);
      const uint8_t* src = rows[r]->frame(f);
      for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
          uint8_t* px = data + (static_cast<int>(r) * h + y) * stride + (col * w + x) * 4;
          const uint8_t* s = src + (y * w + x) * 3;
          px[0] = s[2];
          px[1] = s[1];
          px[2] = s[0];
          px[3] = 255;
        }
    }
  cairo_surface_mark_dirty(surface);
  AtomicFile file(png);
  const auto status = cairo_surface_write_to_png(surface, file.temp_path().c_str());
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS) fail(ErrorKind::io, "cannot write " + png.string());
  file.commit();
}

Json video_reconstruction_report(model::VideoVae vae, const std::vector<Sample>& samples,
                                 const std::filesystem::path& sheet) {
  torch::NoGradGuard no_grad;
  vae->eval();
  const bool guided = vae->config.guide_channels > 0;
  // A guided decoder is measured with the layout (guided mode) and without it (free mode).
  std::vector<double> whole, moving, whole_free, moving_free;
  std::vector<media::Clip> reconstructions, free_reconstructions;
  const auto measure = [](const torch::Tensor& rec, const torch::Tensor& x, std::vector<double>& whole_out,
                          std::vector<double>& moving_out) {
    const auto diff2 = (rec - x).pow(2) / 4.0;  // unit-range pixels
    whole_out.push_back(psnr(diff2.mean()));
    const auto median = std::get<0>(x.median(2, true));
    const auto mask = ((x - median).abs().amax(1, true) > 0.1).expand_as(x);
    if (mask.any().item<bool>()) moving_out.push_back(psnr(diff2.masked_select(mask).mean()));
  };
  for (const Sample& s : samples) {
    const auto x = frames_tensor(s.clip).unsqueeze(0);
    const auto z = vae->encode(x).mean;
    torch::Tensor layout;
    if (guided && s.layout.frame_count() == s.clip.frame_count()) layout = frames_tensor(s.layout).unsqueeze(0);
    torch::Tensor scene;
    if (layout.defined() && vae->config.scene_channels > 0)
      scene = torch::tensor(s.scene_features, torch::kFloat).unsqueeze(0);
    const auto rec = vae->decode(z, layout, {}, scene).clamp(-1, 1);
    measure(rec, x, whole, moving);
    reconstructions.push_back(clip_from_tensor(rec[0], s.clip));
    if (layout.defined()) {
      const auto rec_free = vae->decode(z).clamp(-1, 1);
      measure(rec_free, x, whole_free, moving_free);
      free_reconstructions.push_back(clip_from_tensor(rec_free[0], s.clip));
    }
  }
  std::vector<const media::Clip*> rows;
  for (size_t i = 0; i < samples.size() && i < 6; ++i) {
    rows.push_back(&samples[i].clip);
    rows.push_back(&reconstructions[i]);
    if (i < free_reconstructions.size()) rows.push_back(&free_reconstructions[i]);
  }
  write_contact_sheet(rows, 6, sheet);
  const auto mean = [](const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return v.empty() ? 0.0 : s / static_cast<double>(v.size());
  };
  Json report = {{"clips", samples.size()},
                 {"psnr_db", mean(whole)},
                 {"psnr_db_min", whole.empty() ? 0.0 : *std::min_element(whole.begin(), whole.end())},
                 {"moving_psnr_db", mean(moving)},
                 {"sheet", sheet.filename().string()}};
  if (!whole_free.empty()) {
    report["free_psnr_db"] = mean(whole_free);
    report["free_moving_psnr_db"] = mean(moving_free);
  }
  return report;
}

Json audio_reconstruction_report(model::AudioAutoencoder ae, const model::MelVocoder& vocoder,
                                 const std::vector<Sample>& samples) {
  torch::NoGradGuard no_grad;
  ae->eval();
  const auto& c = ae->config;
  std::vector<torch::Tensor> waves;
  for (const Sample& s : samples) {
    const int64_t frames = ((s.clip.audio_samples() + c.hop - 1) / c.hop + c.downsample - 1) / c.downsample * c.downsample;
    waves.push_back(audio_tensor(s.clip, frames * c.hop));
  }
  const auto mel = vocoder.analyze(torch::cat(waves, 0));
  const auto rec = ae->decode(ae->encode(mel).mean);
  const double l1 = (rec - mel).abs().mean().item<double>();
  // In dB of mel energy: normalised units x std x 10 / ln 10.
  return {{"clips", samples.size()}, {"mel_l1", l1}, {"mel_l1_db", l1 * c.log_mel_std * 10.0 / std::log(10.0)}};
}

}  // namespace kinema::train
