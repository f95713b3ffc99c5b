// Detections against the simulation's positions, and the two-shot scene of two prompts.
#include "eval/guided.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/error.h"
#include "eval/clip_reading.h"
#include "eval/expectation.h"
#include "eval/tracks.h"

namespace kinema::eval {
namespace {

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const double at = q * (v.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(at));
  const size_t hi = std::min(v.size() - 1, lo + 1);
  return v[lo] + (v[hi] - v[lo]) * (at - lo);
}

double mean_of(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return v.empty() ? 0.0 : sum / v.size();
}

// Where the judge's blob of a thing is centred, in the thing's own frame (origin and y up as the world has
// them): balls and boxes at their origin, a glass at its cup's centroid, a character at the middle of its
// legs and torso (its colour; the head is skin).
world::Vec2 visual_centre(const world::ObjectState& o) {
  using world::Kind;
  switch (o.kind) {
    case Kind::ball:
    case Kind::box: return {0, 0};
    case Kind::glass: {
      const world::GlassShape g = world::glass_shape(o.size);
      const double a = g.foot_half_width, b = g.rim_half_width;
      return {0, g.height * (a + 2 * b) / (3 * (a + b))};
    }
    case Kind::character: {
      const world::CharacterShape c = world::character_shape(o.size);
      const double torso = 2 * c.half_width * (c.shoulder - c.hip), legs = 2 * c.limb_width * c.hip;
      return {0, (torso * 0.5 * (c.hip + c.shoulder) + legs * 0.5 * c.hip) / (torso + legs)};
    }
  }
  return {0, 0};
}

double reach_of(const world::ObjectState& o) {
  using world::Kind;
  switch (o.kind) {
    case Kind::ball: return world::ball_radius(o.size);
    case Kind::box: return std::hypot(world::box_half_size(o.size).x, world::box_half_size(o.size).y);
    case Kind::glass: return 0.6 * world::glass_shape(o.size).height;
    case Kind::character: return 0.6 * world::character_shape(o.size).height;
  }
  return 0.3;
}

}  // namespace

Json GuidedReport::to_json() const {
  Json j{{"pairs", pairs}, {"in_view", in_view}, {"detection_rate", detection_rate}, {"mean_px", mean}, {"median_px", median},
         {"p90_px", p90}};
  j["subjects"] = Json::array();
  for (const GuidedSubject& s : subjects) {
    Json sj{{"id", s.id},           {"kind", world::name(s.kind)}, {"colour", world::name(s.colour)}, {"in_view", s.in_view},
            {"detected", s.detected}, {"mean_px", s.mean},        {"median_px", s.median},             {"p90_px", s.p90}};
    sj["frames"] = Json::array();
    for (const GuidedFrame& f : s.frames) {
      Json fj{{"frame", f.frame}, {"reference", {f.reference_x, f.reference_y}}, {"detected", f.detected}};
      if (f.detected) {
        fj["seen"] = {f.x, f.y};
        fj["distance_px"] = f.distance;
      }
      sj["frames"].push_back(std::move(fj));
    }
    j["subjects"].push_back(std::move(sj));
  }
  return j;
}

GuidedReport compare_with_reference(const media::Clip& clip, const world::RenderedScene& reference, int shot, const Rect& ignore) {
  const world::Scene& scene = reference.scene;
  if (shot < 0 || shot >= static_cast<int>(scene.shots.size()))
    fail(ErrorKind::invalid_input, "guided evaluation: the reference has no shot " + std::to_string(shot));
  return compare_with_reference_at(clip, reference, shot * scene.format.frames, ignore);
}

GuidedReport compare_with_reference_at(const media::Clip& clip, const world::RenderedScene& reference, int first_frame,
                                       const Rect& ignore) {
  const world::Scene& scene = reference.scene;
  if (first_frame < 0 || first_frame >= static_cast<int>(reference.trace.frames.size()))
    fail(ErrorKind::invalid_input, "guided evaluation: the reference has no frame " + std::to_string(first_frame));
  const int w = clip.width, h = clip.height;
  // The things to look for: every thing of the scene, kind and colour as the world has them.
  Expectation expect;
  for (const world::Object& o : scene.objects) {
    ExpectedSubject s;
    s.id = o.id;
    s.kind = o.kind;
    s.colour = o.colour;
    s.parsed_colour = o.colour;
    s.size = o.size;
    s.action = o.action;
    expect.subjects.push_back(s);
  }
  const ClipReading reading = read_clip(clip, ignore);
  const std::vector<SubjectTrack> tracks = track_subjects(reading, expect);
  const int first = first_frame;
  const int frames = clip.frame_count();

  GuidedReport report;
  std::vector<double> all;
  for (size_t s = 0; s < expect.subjects.size(); ++s) {
    GuidedSubject gs;
    gs.id = expect.subjects[s].id;
    gs.kind = expect.subjects[s].kind;
    gs.colour = *expect.subjects[s].colour;
    std::vector<double> distances;
    for (int f = 0; f < frames && first + f < static_cast<int>(reference.trace.frames.size()); ++f) {
      const world::FrameState& state = reference.trace.frames[first + f];
      const world::ObjectState* o = state.find(gs.id);
      if (!o || o->broken) continue;
      const world::View view = world::view_for(state.camera, w, h);
      const world::Vec2 c = visual_centre(*o);
      const double wx = o->x + c.x * std::cos(o->angle) - c.y * std::sin(o->angle);
      const double wy = o->y + c.x * std::sin(o->angle) + c.y * std::cos(o->angle);
      const double px = view.px(wx), py = view.py(wy), margin = reach_of(*o) * view.scale;
      if (px < margin || px > w - margin || py < margin || ignore.contains(static_cast<int>(px), static_cast<int>(py))) continue;
      GuidedFrame gf;
      gf.frame = f;
      gf.reference_x = px;
      gf.reference_y = py;
      const Detection& d = tracks[s].frames[f];
      gf.detected = d.found && !d.at_edge && d.whole;
      if (gf.detected) {
        gf.x = d.cx;
        gf.y = d.cy;
        gf.distance = std::hypot(d.cx - px, d.cy - py);
        distances.push_back(gf.distance);
        all.push_back(gf.distance);
        ++gs.detected;
      }
      ++gs.in_view;
      gs.frames.push_back(gf);
    }
    gs.mean = mean_of(distances);
    gs.median = percentile(distances, 0.5);
    gs.p90 = percentile(distances, 0.9);
    report.in_view += gs.in_view;
    report.subjects.push_back(std::move(gs));
  }
  report.pairs = static_cast<int>(all.size());
  report.detection_rate = report.in_view > 0 ? static_cast<double>(report.pairs) / report.in_view : 0.0;
  report.mean = mean_of(all);
  report.median = percentile(all, 0.5);
  report.p90 = percentile(all, 0.9);
  return report;
}

LatentPhaseLag::LatentPhaseLag(int temporal_downsample)
    : sums_(static_cast<size_t>(std::max(1, temporal_downsample)), 0.0), counts_(sums_.size(), 0) {}

void LatentPhaseLag::add(const GuidedReport& report, int decoded_offset, double min_speed_px) {
  const int r = phases();
  for (const GuidedSubject& s : report.subjects) {
    for (size_t i = 1; i + 1 < s.frames.size(); ++i) {
      const GuidedFrame &before = s.frames[i - 1], &f = s.frames[i], &after = s.frames[i + 1];
      const int decoded = f.frame + decoded_offset;
      if (!f.detected || decoded < 1 || before.frame != f.frame - 1 || after.frame != f.frame + 1) continue;
      const double vx = (after.reference_x - before.reference_x) / 2, vy = (after.reference_y - before.reference_y) / 2;
      const double speed = std::hypot(vx, vy);
      if (speed < min_speed_px) continue;
      const size_t phase = static_cast<size_t>((decoded - 1) % r);
      sums_[phase] += ((f.x - f.reference_x) * vx + (f.y - f.reference_y) * vy) / speed;
      ++counts_[phase];
    }
  }
}

double LatentPhaseLag::mean_px(int phase) const {
  const auto p = static_cast<size_t>(phase);
  return counts_.at(p) > 0 ? sums_[p] / counts_[p] : 0.0;
}

Json LatentPhaseLag::to_json() const {
  Json out = Json::array();
  for (int p = 0; p < phases(); ++p) out.push_back({{"phase", p + 1}, {"frames", frames(p)}, {"mean_px", mean_px(p)}});
  return out;
}

std::string LatentPhaseLag::summary() const {
  std::string out = "fast things (3 px a frame or more), along their motion by place in the latent frame:";
  char part[48];
  for (int p = 0; p < phases(); ++p) {
    std::snprintf(part, sizeof part, " %+.2f px (%d)", mean_px(p), frames(p));
    out += part;
  }
  return out;
}

world::Scene two_shot_scene(const std::string& first, const std::string& second, const world::Format& format) {
  world::Scene scene = world::cut_into_shots(world::parse_prompt(first, format).scene, 2, 0);
  const Expectation next = expect_from_prompt(second, format);
  world::Shot& shot = scene.shots[1];
  shot.camera = next.camera.value_or(world::CameraMove::static_);
  if (shot.camera == world::CameraMove::follow) {
    shot.subject = -1;
    if (next.follow >= 0) {
      const ExpectedSubject& followed = next.subjects[next.follow];
      for (const world::Object& o : scene.objects)
        if (o.kind == followed.kind && (!followed.colour || o.colour == *followed.colour) && shot.subject < 0) shot.subject = o.id;
    }
    if (shot.subject < 0) shot.camera = world::CameraMove::static_;
  }
  // The light is linear over the scene: the second shot starts half way, at the time it names.
  if (next.time) {
    const double at_cut = world::light_of(*next.time);
    scene.light_end = std::clamp(2 * at_cut - scene.light_start, 0.0, 2.0);
  }
  if (next.change) scene.light_end = std::min(2.0, std::max(scene.light_end, scene.light_start) + 0.35);
  const Expectation before = expect_from_prompt(first, format);
  if (!before.style && next.style) scene.style = *next.style;
  world::validate(scene);
  return scene;
}

}  // namespace kinema::eval
