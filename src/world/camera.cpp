// Camera moves per shot, computed from where things are over the shot.
#include "world/camera.h"

#include <algorithm>
#include <cmath>

namespace kinema::world {
namespace {

// Cosine ease in and out over 0..1: camera moves start and stop gently.
double ease(double t) { return 0.5 - 0.5 * std::cos(3.14159265358979323846 * std::clamp(t, 0.0, 1.0)); }

double half_view(const Scene& scene, double zoom) {
  const Format& f = scene.format;
  return kViewSpan * f.width / (2.0 * std::min(f.width, f.height) * zoom);
}

// The middle of what matters in frames [first, last): the subject and every thing that moves, when they fit
// in the view together; otherwise the subject a third of the way into the shot.
double framing_centre(const Scene& scene, const std::vector<FrameState>& frames, int first, int last, int subject) {
  double lo = 1e9, hi = -1e9;
  const FrameState& start = frames[first];
  for (size_t i = 0; i < start.objects.size(); ++i) {
    const ObjectState& o = start.objects[i];
    if (o.fragment) continue;
    bool involved = o.id == subject;
    for (int f = first; f < last && !involved; ++f) {
      const ObjectState& p = frames[f].objects[i];
      involved = std::hypot(p.x - o.x, p.y - o.y) > 0.05;
    }
    if (!involved) continue;
    for (int f = first; f < last; ++f) {
      const double x = frames[f].objects[i].x;
      lo = std::min(lo, x - 0.4);
      hi = std::max(hi, x + 0.4);
    }
  }
  if (lo > hi) return 0.0;
  const double width = 2 * half_view(scene, 1.0);
  if (hi - lo <= 0.9 * width || subject < 0) return 0.5 * (lo + hi);
  const ObjectState* s = frames[first + (last - first) / 3].find(subject);
  return s ? s->x : 0.5 * (lo + hi);
}

double subject_x(const FrameState& frame, int subject, double fallback) {
  const ObjectState* s = frame.find(subject);
  return s ? s->x : fallback;
}

}  // namespace

void place_cameras(const Scene& scene, std::vector<FrameState>& frames) {
  const int per_shot = scene.format.frames;
  for (size_t k = 0; k < scene.shots.size(); ++k) {
    const Shot& shot = scene.shots[k];
    const int first = static_cast<int>(k) * per_shot;
    const int last = std::min(static_cast<int>(frames.size()), first + per_shot);
    if (first >= last) break;
    double centre = framing_centre(scene, frames, first, last, shot.subject);
    if (shot.camera == CameraMove::pan_left || shot.camera == CameraMove::pan_right) {
      // The whole pan inside the stage: a pan framed against a wall would be clamped there and not move.
      const double room = kStageHalfWidth - half_view(scene, 1.0) - 0.5 * kPanDistance;
      centre = std::clamp(centre, -room, room);
    }
    const double at_subject = subject_x(frames[(first + last) / 2], shot.subject, centre);
    double follow = subject_x(frames[first], shot.subject, centre);
    const double alpha = 1.0 - std::exp(-1.0 / (0.25 * scene.format.fps));
    for (int f = first; f < last; ++f) {
      const double t = last - first > 1 ? static_cast<double>(f - first) / (last - first - 1) : 0.0;
      Camera c;
      switch (shot.camera) {
        case CameraMove::static_: c.x = centre; break;
        case CameraMove::pan_left: c.x = centre + kPanDistance * (0.5 - ease(t)); break;
        case CameraMove::pan_right: c.x = centre - kPanDistance * (0.5 - ease(t)); break;
        case CameraMove::zoom_in:
          c.zoom = 1.0 + (kZoomClose - 1.0) * ease(t);
          c.x = centre + (at_subject - centre) * ease(t);
          break;
        case CameraMove::zoom_out:
          c.zoom = kZoomClose - (kZoomClose - 1.0) * ease(t);
          c.x = at_subject + (centre - at_subject) * ease(t);
          break;
        case CameraMove::follow:
          if (f > first) follow += alpha * (subject_x(frames[f], shot.subject, follow) - follow);
          c.x = follow;
          break;
      }
      const double limit = kStageHalfWidth - half_view(scene, c.zoom);
      c.x = std::clamp(c.x, -limit, limit);
      frames[f].camera = c;
    }
  }
}

}  // namespace kinema::world
