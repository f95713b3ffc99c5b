// Guided mode's inputs from Kinema World.
#include "pipeline/world_guide.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

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

std::vector<float> scene_features(const world::Scene& scene, int first_frame, int frame_count) {
  std::vector<float> f(kSceneFeatures, 0.0f);
  f[static_cast<size_t>(scene.style)] = 1.0f;
  const double fps = scene.format.fps;
  f[world::kStyles] = static_cast<float>(scene.light_at(first_frame / fps) / world::kLightNight);
  f[world::kStyles + 1] = static_cast<float>(scene.light_at((first_frame + frame_count - 1) / fps) / world::kLightNight);
  return f;
}

WorldGuide make_world_guide(const world::RenderedScene& rendered, int first_frame, int frame_count, int width,
                            int height, double grid_seconds, int64_t grid_frames) {
  const auto& scene = rendered.scene;
  const auto& frames = rendered.trace.frames;
  if (first_frame < 0 || frame_count < 1 || first_frame + frame_count > static_cast<int>(frames.size()))
    fail(ErrorKind::internal, "world guide: frames [" + std::to_string(first_frame) + ", " +
                                  std::to_string(first_frame + frame_count) + ") lie outside the simulation");
  WorldGuide guide;
  auto& clip = guide.layout;
  clip.width = width;
  clip.height = height;
  clip.fps = scene.format.fps;
  clip.frames.resize(static_cast<size_t>(frame_count) * width * height * 3);
  world::Renderer renderer(scene, scene.format.width, scene.format.height);
  std::vector<uint8_t> labels(static_cast<size_t>(width) * height);
  for (int f = 0; f < frame_count; ++f) {
    renderer.labels(frames[first_frame + f], width, height, labels.data());
    uint8_t* out = clip.frame(f);
    for (size_t i = 0; i < labels.size(); ++i) {
      const world::Rgb c = layout_colour(labels[i]);
      out[3 * i] = c.r;
      out[3 * i + 1] = c.g;
      out[3 * i + 2] = c.b;
    }
  }
  // The window's events, timed from its start.
  const double start = static_cast<double>(first_frame) / scene.format.fps;
  const double end = static_cast<double>(first_frame + frame_count) / scene.format.fps;
  std::vector<world::SoundEvent> events;
  for (world::SoundEvent e : rendered.trace.events)
    if (e.time + e.duration >= start && e.time < end) {
      e.time -= start;
      events.push_back(e);
    }
  guide.audio_events = rasterize_events(events, grid_seconds, grid_frames);
  guide.scene = scene_features(scene, first_frame, frame_count);
  if (!rendered.shots.empty()) {
    const int middle = (first_frame + frame_count / 2) / std::max(1, scene.format.frames);
    guide.caption = rendered.shots[std::clamp<size_t>(middle, 0, rendered.shots.size() - 1)].caption.text;
  }
  return guide;
}

world::Scene continue_scene(const world::Scene& previous, const world::ParsedPrompt& prompt, int frames_needed) {
  world::Scene scene = previous;
  // The light's rate over the previous scene's last stretch (since its last turn).
  const double cut = previous.duration();
  const double last_turn = previous.light_turns.empty() ? 0.0 : previous.light_turns.back().at;
  const double at_cut = previous.light_at(cut);
  const double rate = cut > last_turn ? (at_cut - previous.light_at(last_turn)) / (cut - last_turn) : 0.0;
  bool names_style = false;
  for (const auto& w : prompt.words) names_style = names_style || w.meaning.rfind("style", 0) == 0;
  if (names_style) scene.style = prompt.scene.style;
  // The new shot's camera; a followed subject is the thing of the same kind and colour in this scene.
  world::Shot shot = prompt.scene.shots.empty() ? world::Shot{} : prompt.scene.shots.front();
  if (shot.subject >= 0) {
    const world::Object* wanted = prompt.scene.find(shot.subject);
    shot.subject = -1;
    for (const auto& o : scene.objects)
      if (wanted && o.kind == wanted->kind && o.colour == wanted->colour) shot.subject = o.id;
  }
  if (shot.camera == world::CameraMove::follow && shot.subject < 0) shot.camera = world::CameraMove::static_;
  while (scene.total_frames() < frames_needed) scene.shots.push_back(shot);
  // The light goes on from where it is at the cut, at the same rate; where the new shot asks for a change
  // ("as night falls") it turns there toward night at the fastest drift of the training scenes (faster, and
  // kinema-tiny draws the sky jumping at the cut: measured). A named time of day is not forced on the new
  // shot: the cut keeps the light it has.
  const world::Scene& asked = prompt.scene;
  const double span = scene.duration() - cut;
  double end = at_cut + rate * span;
  if (asked.light_end > asked.light_start && asked.duration() > 0) {
    const double drift = world::kLightDriftPerShot * previous.format.fps / previous.format.frames;  // per second
    end = at_cut + std::max(rate, drift) * span;
  }
  if (span > 0) {
    // Past deep night or midday the light stays there.
    double slope = (end - at_cut) / span, reached = scene.duration();
    const double bound = std::clamp(end, 0.0, world::kLightNight);
    if (bound != end) {
      reached = slope != 0 ? cut + (bound - at_cut) / slope : cut;
      if (reached <= cut) slope = 0;
      end = bound;
    }
    if (std::abs(slope - rate) > 1e-9) scene.light_turns.push_back({cut, at_cut});
    if (reached > cut && reached < scene.duration()) scene.light_turns.push_back({reached, bound});
  }
  scene.light_end = end;
  world::validate(scene);
  return scene;
}

}  // namespace kinema::pipeline
