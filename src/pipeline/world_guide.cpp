// Guided mode's inputs from Kinema World.
#include "pipeline/world_guide.h"

#include <cmath>

namespace kinema::pipeline {

world::Rgb layout_colour(uint8_t label) {
  using namespace world;
  if (label == kLabelSky) return {150, 170, 190};
  if (label == kLabelSun) return {250, 250, 240};
  if (label < kLabelThings) return floor_colour(Style::cartoon, static_cast<Material>(label - kLabelFloor));
  if (label >= kLabelFragment && label < kLabelCount)
    return mix(palette_colour(Style::cartoon, static_cast<Colour>(label - kLabelFragment)), {255, 255, 255}, 0.45);
  if (label < kLabelFragment) {
    const int kind = (label - kLabelThings) / kColours, colour = (label - kLabelThings) % kColours;
    const Rgb base = palette_colour(Style::cartoon, static_cast<Colour>(colour));
    // Kinds differ in shape already; a small shift in tone keeps a glass apart from a ball of its colour.
    static constexpr double kTone[] = {0.0, 0.15, 0.3, -0.2};
    const double t = kTone[kind];
    return t >= 0 ? mix(base, {255, 255, 255}, t) : mix(base, {0, 0, 0}, -t);
  }
  return {0, 0, 0};
}

std::vector<float> rasterize_events(const std::vector<world::SoundEvent>& events, double grid_seconds,
                                    int64_t grid_frames) {
  std::vector<float> out(static_cast<size_t>(kAudioEventChannels * grid_frames), 0.0f);
  const auto add = [&](int64_t frame, double strength, const world::SoundEvent& e) {
    if (frame < 0 || frame >= grid_frames || strength <= 0) return;
    const int channels[] = {static_cast<int>(e.kind), world::kSoundKinds + static_cast<int>(e.material),
                            world::kSoundKinds + world::kMaterials + static_cast<int>(e.other)};
    for (int c : channels) out[static_cast<size_t>(c * grid_frames + frame)] += static_cast<float>(strength);
  };
  for (const auto& e : events) {
    const bool lasting = e.kind == world::SoundKind::roll || e.kind == world::SoundKind::slide;
    if (lasting) {
      const double strength = std::log1p(e.speed);
      const int64_t from = static_cast<int64_t>(std::floor(e.time / grid_seconds));
      const int64_t to = static_cast<int64_t>(std::ceil((e.time + e.duration) / grid_seconds));
      for (int64_t f = from; f < std::max(to, from + 1); ++f) add(f, strength / std::max<int64_t>(1, to - from), e);
      continue;
    }
    const double strength = std::log1p(e.impulse > 0 ? e.impulse * 10.0 : e.speed);
    // Grid frame k is centred at (k + 0.5) g: split between the two nearest centres.
    const double position = e.time / grid_seconds - 0.5;
    const auto below = static_cast<int64_t>(std::floor(position));
    const double above_weight = position - static_cast<double>(below);
    add(below, strength * (1.0 - above_weight), e);
    add(below + 1, strength * above_weight, e);
  }
  return out;
}

WorldGuide make_world_guide(const world::RenderedScene& rendered, int shot, int width, int height,
                            double grid_seconds, int64_t grid_frames) {
  WorldGuide guide;
  const auto labels = world::shot_labels(rendered.scene, rendered.trace, shot, width, height);
  auto& clip = guide.layout;
  clip.width = width;
  clip.height = height;
  clip.fps = rendered.scene.format.fps;
  clip.frames.resize(labels.size() * 3);
  for (size_t i = 0; i < labels.size(); ++i) {
    const world::Rgb c = layout_colour(labels[i]);
    clip.frames[3 * i] = c.r;
    clip.frames[3 * i + 1] = c.g;
    clip.frames[3 * i + 2] = c.b;
  }
  guide.audio_events = rasterize_events(rendered.shots.at(shot).events, grid_seconds, grid_frames);
  return guide;
}

}  // namespace kinema::pipeline
