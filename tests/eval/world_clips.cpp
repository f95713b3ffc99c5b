// World clips for the judge's tests, whole and broken on purpose.
#include "world_clips.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "world/rng.h"

namespace kinema::eval::testing {

world::RenderedScene film(const std::string& prompt, int shots) { return film(prompt, shots, {}); }

world::RenderedScene film(const std::string& prompt, int shots, const std::function<void(world::Scene&)>& change) {
  world::Scene scene = world::parse_prompt(prompt).scene;
  if (shots > 1) {
    const world::CameraMove camera = scene.shots.front().camera;
    scene = world::cut_into_shots(scene, shots, 0);
    for (world::Shot& s : scene.shots) s.camera = camera == world::CameraMove::follow ? world::CameraMove::static_ : camera;
  }
  if (change) change(scene);
  world::validate(scene);
  return world::render_scene(scene);
}

media::Clip redraw(const world::RenderedScene& r, int shot, const std::function<void(world::FrameState&)>& edit) {
  const world::ShotClip& original = r.shots.at(static_cast<size_t>(shot));
  media::Clip clip = original.clip;
  world::Renderer renderer(r.scene, clip.width, clip.height);
  for (int f = 0; f < clip.frame_count(); ++f) {
    world::FrameState state = r.trace.frames.at(static_cast<size_t>(original.first_frame + f));
    edit(state);
    renderer.render(state, clip.frame(f));
  }
  return clip;
}

media::Clip shuffle_frames(const media::Clip& clip, uint64_t seed) {
  std::vector<int> order(static_cast<size_t>(clip.frame_count()));
  std::iota(order.begin(), order.end(), 0);
  world::Rng rng(seed);
  for (int i = clip.frame_count() - 1; i > 0; --i) std::swap(order[i], order[rng.below(i + 1)]);
  media::Clip out = clip;
  for (int i = 0; i < clip.frame_count(); ++i) std::copy(clip.frame(order[i]), clip.frame(order[i]) + clip.frame_bytes(), out.frame(i));
  return out;
}

media::Clip delay_sound(const media::Clip& clip, double seconds) {
  media::Clip out = clip;
  const size_t shift = static_cast<size_t>(seconds * clip.sample_rate) * static_cast<size_t>(clip.channels);
  std::fill(out.audio.begin(), out.audio.end(), 0.0f);
  for (size_t i = shift; i < out.audio.size(); ++i) out.audio[i] = clip.audio[i - shift];
  return out;
}

media::Clip resound_floor(const world::RenderedScene& r, int shot, world::Material floor) {
  world::Trace trace = r.trace;
  for (world::SoundEvent& e : trace.events)
    if (e.other_object < 0 && (e.kind == world::SoundKind::impact || e.kind == world::SoundKind::splash)) {
      e.kind = world::SoundKind::impact;
      e.other = floor;
    }
  const std::vector<float> track = world::synthesize_sound(r.scene, trace);
  const auto [first, last] = world::shot_samples(r.scene, shot);
  media::Clip clip = r.shots.at(static_cast<size_t>(shot)).clip;
  clip.audio.assign(track.begin() + first, track.begin() + last);
  return clip;
}

int object_id(const world::Scene& scene, world::Kind kind) {
  for (const world::Object& o : scene.objects)
    if (o.kind == kind) return o.id;
  throw std::runtime_error("the scene has no " + std::string(world::name(kind)));
}

}  // namespace kinema::eval::testing
