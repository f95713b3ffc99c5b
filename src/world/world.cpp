// Rendering whole scenes into shots: one simulation, cut at shot boundaries, pictures, sound and captions.
#include "world/world.h"

#include "core/error.h"
#include "world/rng.h"

namespace kinema::world {

RenderedScene render_scene(const Scene& scene, const WorldOptions& options) {
  RenderedScene out;
  out.scene = scene;
  out.trace = simulate(scene);
  const Format& f = scene.format;
  const bool with_sound = options.sound.events || options.sound.ambience;
  std::vector<float> track;
  if (with_sound) track = synthesize_sound(scene, out.trace, options.sound);
  std::unique_ptr<Renderer> renderer;
  if (options.pictures) renderer = std::make_unique<Renderer>(scene, f.width, f.height);

  for (int k = 0; k < static_cast<int>(scene.shots.size()); ++k) {
    ShotClip shot;
    shot.shot = k;
    shot.first_frame = k * f.frames;
    shot.clip.width = f.width;
    shot.clip.height = f.height;
    shot.clip.fps = f.fps;
    if (renderer) {
      shot.clip.frames.resize(static_cast<size_t>(f.frames) * shot.clip.frame_bytes());
      for (int i = 0; i < f.frames; ++i) renderer->render(out.trace.frames[shot.first_frame + i], shot.clip.frame(i));
    }
    const auto [first, last] = shot_samples(scene, k);
    if (with_sound) {
      shot.clip.sample_rate = f.sample_rate;
      shot.clip.channels = 1;
      shot.clip.audio.assign(track.begin() + first, track.begin() + last);
    }
    const double t0 = static_cast<double>(shot.first_frame) / f.fps, t1 = static_cast<double>(shot.first_frame + f.frames) / f.fps;
    for (SoundEvent e : out.trace.events) {
      if (e.time < t0 || e.time >= t1) continue;
      e.time -= t0;
      e.sample -= first;
      shot.events.push_back(e);
    }
    shot.caption = caption_shot(scene, out.trace, k, options.caption_variant);
    out.shots.push_back(std::move(shot));
  }
  return out;
}

std::vector<uint8_t> shot_labels(const Scene& scene, const Trace& trace, int shot, int width, int height) {
  if (shot < 0 || shot >= static_cast<int>(scene.shots.size()))
    fail(ErrorKind::invalid_input, "shot_labels: no shot " + std::to_string(shot));
  Renderer renderer(scene, scene.format.width, scene.format.height);
  const size_t frame = static_cast<size_t>(width) * height;
  std::vector<uint8_t> out(frame * scene.format.frames);
  for (int i = 0; i < scene.format.frames; ++i)
    renderer.labels(trace.frames[shot * scene.format.frames + i], width, height, out.data() + frame * i);
  return out;
}

Scene cut_into_shots(const Scene& scene, int count, uint64_t seed) {
  if (count < 1 || count > 64) fail(ErrorKind::invalid_input, "a scene has 1..64 shots, not " + std::to_string(count));
  Scene out = scene;
  Rng rng(derive_seed(seed, "shots"));
  std::vector<int> movers;
  for (const Object& o : scene.objects)
    if (o.action != Action::rest) movers.push_back(o.id);
  const int first_subject = scene.shots.empty() ? -1 : scene.shots.front().subject;
  out.shots.resize(std::min<size_t>(out.shots.size(), static_cast<size_t>(count)));  // shots it has stay
  for (int i = static_cast<int>(out.shots.size()); i < count; ++i) {
    Shot shot;
    shot.camera = static_cast<CameraMove>(rng.below(kCameraMoves));
    shot.subject = i == 0 && first_subject >= 0 ? first_subject : movers.empty() ? first_subject : movers[rng.below(static_cast<int>(movers.size()))];
    if (shot.camera == CameraMove::follow && shot.subject < 0) shot.camera = CameraMove::static_;
    out.shots.push_back(shot);
  }
  validate(out);
  return out;
}

namespace {

Json facts_json(const CaptionFacts& f) {
  Json j;
  j["subjects"] = Json::array();
  for (const SubjectFacts& s : f.subjects) {
    Json sj{{"id", s.id}, {"kind", name(s.kind)}, {"colour", name(s.colour)}, {"size", name(s.size)}, {"size_named", s.size_named}};
    if (s.action) sj["action"] = name(*s.action);
    sj["outcomes"] = Json::array();
    for (Outcome o : s.outcomes) sj["outcomes"].push_back(name(o));
    if (s.stack >= 0) sj["stack"] = s.stack;
    if (s.target >= 0) sj["target"] = s.target;
    j["subjects"].push_back(std::move(sj));
  }
  j["grounds"] = Json::array();
  for (Material m : f.grounds) j["grounds"].push_back(name(m));
  j["camera"] = name(f.camera);
  if (f.camera_subject >= 0) j["camera_subject"] = f.camera_subject;
  j["time"] = name(f.time);
  if (f.change) {
    static constexpr const char* names[] = {"sundown", "deepen", "nightfall"};
    j["light_change"] = names[static_cast<int>(*f.change)];
  }
  j["style"] = name(f.style);
  j["sounds"] = Json::array();
  for (Sound s : f.sounds) j["sounds"].push_back(name(s));
  return j;
}

}  // namespace

Json shot_json(const RenderedScene& r, int shot) {
  const ShotClip& s = r.shots.at(shot);
  Json j;
  j["shot"] = shot;
  j["shots"] = r.shots.size();
  j["caption"] = s.caption.text;
  j["facts"] = facts_json(s.caption.facts);
  j["scene"] = to_json(r.scene);
  j["events"] = Json::array();
  for (const SoundEvent& e : s.events) {
    Json ej{{"kind", name(e.kind)}, {"material", name(e.material)}, {"other", name(e.other)}, {"object", e.object},
            {"other_object", e.other_object}, {"impulse", e.impulse}, {"speed", e.speed}, {"time", e.time}, {"sample", e.sample}};
    if (e.duration > 0) ej["duration"] = e.duration;
    j["events"].push_back(std::move(ej));
  }
  return j;
}

}  // namespace kinema::world
