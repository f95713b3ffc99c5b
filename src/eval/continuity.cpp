// Continuity across a cut.
#include "eval/continuity.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "eval/criteria.h"

namespace kinema::eval {
namespace {

std::string describe(const Evidence& e, const SubjectTrack& t) {
  const ExpectedSubject& s = e.subject_of(t);
  const std::string colour = t.colour >= 0 && t.colour < world::kColours ? std::string(world::name(static_cast<world::Colour>(t.colour))) + " " : "";
  return colour + std::string(world::name(s.kind));
}

double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

std::string format(const char* pattern, double a, double b = 0, double c = 0) {
  char text[256];
  std::snprintf(text, sizeof text, pattern, a, b, c);
  return text;
}

Criterion make(const std::string& name, const std::string& what) {
  Criterion c;
  c.name = name;
  c.what = what;
  c.pass_mark = 0.5;
  c.details = Json::object();
  return c;
}

bool lying(const Detection& d, double scale, int height) { return (floor_line(height) - d.top) / scale < 0.45; }

// The previous shot read with this shot's subjects, each followed in the colour this shot shows it in.
struct PreviousShot {
  Expectation expect;
  ClipReading reading;
  std::vector<SubjectTrack> tracks;
  CameraReading camera;
  std::vector<std::vector<Place>> places;
};

PreviousShot read_previous(const media::Clip& clip, const Evidence& current) {
  PreviousShot p;
  p.expect = current.expect;
  for (const SubjectTrack& t : current.tracks)
    if (t.colour >= 0 && t.colour < world::kColours) p.expect.subjects[t.subject].colour = static_cast<world::Colour>(t.colour);
  const world::Style style = current.reading.style.style;
  p.reading = read_clip(clip, current.ignore, &style);
  p.tracks = track_subjects(p.reading, p.expect);
  p.camera = read_camera(clip, p.reading, p.tracks, p.expect, current.ignore);
  for (const SubjectTrack& t : p.tracks) p.places.push_back(places_of(t, p.camera, clip.width, clip.height));
  return p;
}

}  // namespace

std::vector<Criterion> judge_cut(const Evidence& e, const media::Clip* previous) {
  Criterion subjects = make("cut_subjects", "things seen on both sides of the cut are where they were headed");
  Criterion state = make("cut_state", "a broken glass stays broken and a fallen character stays down across the cut");
  Criterion light = make("cut_light", "the sky's light continues across the cut");
  if (!previous) {
    for (Criterion* c : {&subjects, &state, &light}) c->summary = "no previous shot given";
    return {subjects, state, light};
  }
  const PreviousShot p = read_previous(*previous, e);
  const int w = e.reading.width, h = e.reading.height;
  const int np = p.reading.frame_count(), nc = e.reading.frame_count();
  const double dt = e.seconds_per_frame();

  // Light: the sky is drawn in screen space, so a cut leaves it as it was.
  if (np > 0 && nc > 0) {
    const double d = profile_distance(p.reading.frames.back().sky, e.reading.frames.front().sky);
    light.applicable = true;
    light.score = ramp_down(d, 5.0, 15.0);
    light.summary = format("sky colour moved %.1f (RGB distance) across the cut; light %.2f -> %.2f", d, p.reading.frames.back().light,
                           e.reading.frames.front().light);
    light.details["sky_distance"] = d;
    light.details["light_before"] = p.reading.frames.back().light;
    light.details["light_after"] = e.reading.frames.front().light;
  }

  // Where things were headed, against where they are; the camera's reframing is what they share.
  struct Pair {
    size_t track;
    double dx, dh, tolerance;
  };
  std::vector<Pair> pairs;
  for (size_t i = 0; i < e.tracks.size() && np >= 2; ++i) {
    const auto& before = p.places[i];
    const auto& after = e.motion.places[i];
    // A place needs the whole thing in view (a glass's pieces have no one place).
    auto placed = [](const Detection& d) { return d.found && !d.at_edge && d.whole && d.kind_ok; };
    int f2 = np - 1;
    while (f2 >= np - 3 && !placed(p.tracks[i].frames[f2])) --f2;
    int fc = 0;
    while (fc < std::min(nc, 3) && !placed(e.tracks[i].frames[fc])) ++fc;
    if (f2 < np - 3 || fc >= std::min(nc, 3)) continue;
    int f1 = f2 - 1;
    while (f1 >= 0 && f1 >= f2 - 3 && !before[f1].found) --f1;
    double vx = 0, vh = 0;
    if (f1 >= 0 && f1 >= f2 - 3 && before[f1].found) {
      vx = (before[f2].x - before[f1].x) / (f2 - f1);
      vh = (before[f2].height - before[f1].height) / (f2 - f1);
    }
    const double ahead = (np - f2) + fc;  // frames from the last sighting to the first one after the cut
    const bool flying = before[f2].gap > 0.08;
    double predicted_h = before[f2].height + vh * ahead;
    if (flying) predicted_h -= 0.5 * world::kGravity * dt * dt * (ahead * ahead + ahead);  // vh is the speed half a frame back
    predicted_h = std::max(predicted_h, before[f2].height - before[f2].gap);
    const double speed = std::hypot(vx, vh) / dt;
    Pair q;
    q.track = i;
    q.dx = after[fc].x - (before[f2].x + vx * ahead);
    q.dh = after[fc].height - predicted_h;
    q.tolerance = 0.25 + 0.5 * speed * ahead * dt + (flying ? 0.3 : 0.0);
    pairs.push_back(q);
  }
  if (!pairs.empty()) {
    std::vector<double> shifts;
    for (const Pair& q : pairs) shifts.push_back(q.dx);
    const double reframe = median(shifts);  // what the camera did at the cut (with one thing, all of it)
    subjects.applicable = true;
    subjects.score = 1.0;
    Json list = Json::array();
    std::string text;
    for (const Pair& q : pairs) {
      const double off = std::hypot(pairs.size() > 1 ? q.dx - reframe : 0.0, q.dh);
      const double score = ramp_down(off, q.tolerance, q.tolerance + 0.35);
      subjects.score = std::min(subjects.score, score);
      text += (text.empty() ? "" : "; ") + describe(e, e.tracks[q.track]) + format(" %.2f m from where it was headed", off);
      list.push_back({{"subject", describe(e, e.tracks[q.track])}, {"off_m", off}, {"tolerance_m", q.tolerance}, {"score", score}});
    }
    subjects.summary = text + (pairs.size() > 1 ? format("; the camera reframed by %.2f m", reframe) : "");
    subjects.details["subjects"] = list;
  } else {
    subjects.summary = "no named thing is seen both at the end of the previous shot and at the start of this one";
  }

  // State: a glass in pieces before the cut has no whole glass after it; a fallen character is still down.
  int checked = 0, broken_rules = 0;
  std::string text;
  for (size_t i = 0; i < e.tracks.size(); ++i) {
    const SubjectTrack& before = p.tracks[i];
    const SubjectTrack& after = e.tracks[i];
    std::vector<int> last;  // its sightings in the last four frames before the cut
    for (int f = np - 1; f >= std::max(0, np - 4); --f)
      if (before.frames[f].found && !before.frames[f].at_edge) last.push_back(f);
    if (last.size() < 2) continue;
    if (before.kind == world::Kind::glass) {
      // In pieces: several blobs of its colour adding up to a good part of a glass, and no whole glass.
      const double glass_pixels = expected_pixels(world::Kind::glass, e.subject_of(after).size, w, h);
      int pieces = 0;
      for (int f : last) {
        const Detection& d = before.frames[f];
        pieces += !d.whole && d.pieces >= 1 && d.pixels + d.piece_pixels >= 0.3 * glass_pixels;
      }
      if (pieces * 2 <= static_cast<int>(last.size())) continue;  // whole before the cut: it may still break
      int whole_after = 0;
      for (const Detection& d : after.frames) whole_after += d.found && d.whole && !d.at_edge;
      ++checked;
      const bool ok = whole_after < 2;
      broken_rules += !ok;
      text += (text.empty() ? "" : "; ") + describe(e, after) +
              (ok ? std::string(" was in pieces and stays so") : format(" was in pieces, and is whole again in %.0f frames", whole_after));
    } else if (before.kind == world::Kind::character) {
      int down = 0;
      for (int f : last) down += lying(before.frames[f], p.camera.pixels_per_metre(f, w, h), h);
      if (down * 2 <= static_cast<int>(last.size())) continue;
      int up = 0, seen = 0;
      for (int f = 0; f < std::min(nc, 4); ++f) {
        if (!after.frames[f].found || after.frames[f].at_edge) continue;
        ++seen;
        up += !lying(after.frames[f], e.camera.pixels_per_metre(f, w, h), h);
      }
      if (seen == 0) continue;
      ++checked;
      const bool ok = up * 2 <= seen;
      broken_rules += !ok;
      text += (text.empty() ? "" : "; ") + describe(e, after) + (ok ? " was down and stays down" : " was down, and stands again");
    }
  }
  if (checked > 0) {
    state.applicable = true;
    state.score = 1.0 - static_cast<double>(broken_rules) / checked;
    state.summary = text;
  } else {
    state.summary = "no broken glass or fallen character before the cut";
  }
  state.details["checked"] = checked;
  state.details["broken_rules"] = broken_rules;
  return {subjects, state, light};
}

}  // namespace kinema::eval
