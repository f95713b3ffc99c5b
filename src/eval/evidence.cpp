// Gathering the evidence: the prompt read, then the clip read against it.
#include "eval/evidence.h"

#include <algorithm>

namespace kinema::eval {

world::Format format_of(const media::Clip& clip) {
  world::Format f;
  f.width = clip.width;
  f.height = clip.height;
  f.fps = clip.fps > 0 ? clip.fps : 12;
  f.frames = std::max(1, clip.frame_count());
  f.sample_rate = clip.sample_rate > 0 ? clip.sample_rate : 16000;
  return f;
}

namespace {

// A glass whose blob covers well under the area (in square metres, through the camera's zoom) it covered
// whole in full view has broken, even when a heap of its pieces looks like a glass. track_subjects() does this
// in pixels before the camera is known, allowing for any zoom; here the zoom read is taken out.
void settle_glasses(std::vector<SubjectTrack>& tracks, const CameraReading& camera, int width, int height) {
  for (SubjectTrack& t : tracks) {
    if (t.kind != world::Kind::glass) continue;
    double largest = 0;
    for (size_t f = 0; f < t.frames.size(); ++f) {
      Detection& d = t.frames[f];
      if (!d.found || !d.whole || d.at_edge) continue;
      const double scale = camera.pixels_per_metre(static_cast<int>(f), width, height);
      const double area = d.pixels / (scale * scale);
      if (area < 0.6 * largest) d.whole = false;
      else largest = std::max(largest, area);
    }
  }
}

}  // namespace

Evidence gather_evidence(const media::Clip& clip, const std::string& prompt, const Rect& ignore) {
  Evidence e;
  e.clip = &clip;
  e.ignore = ignore;
  e.expect = expect_from_prompt(prompt, format_of(clip));
  e.reading = read_clip(clip, ignore);
  e.tracks = track_subjects(e.reading, e.expect);
  e.camera = read_camera(clip, e.reading, e.tracks, e.expect, ignore);
  settle_glasses(e.tracks, e.camera, e.reading.width, e.reading.height);
  std::vector<bool> free_fall;
  for (const SubjectTrack& t : e.tracks) {
    const ExpectedSubject& s = e.subject_of(t);
    free_fall.push_back(s.kind == world::Kind::ball || s.action == world::Action::drop || s.action == world::Action::throw_ ||
                        s.has(world::Outcome::bounce) || s.has(world::Outcome::shatter));
  }
  e.motion = read_motion(e.reading, e.tracks, e.camera, free_fall);
  e.mono = mono_of(clip);
  e.rate = clip.sample_rate;
  if (e.rate > 0) e.onsets = find_onsets(e.mono, e.rate);
  return e;
}

}  // namespace kinema::eval
