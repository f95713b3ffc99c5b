// The judge's criteria for one clip.
#include "eval/criteria.h"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <map>
#include <optional>

namespace kinema::eval {
namespace {

std::string format(const char* pattern, ...) {
  char text[512];
  va_list args;
  va_start(args, pattern);
  std::vsnprintf(text, sizeof text, pattern, args);
  va_end(args);
  return text;
}

std::string join(const std::vector<std::string>& parts, const std::string& separator = "; ") {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : separator) + p;
  return out;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

Criterion make(const std::string& name, const std::string& what, double pass_mark) {
  Criterion c;
  c.name = name;
  c.what = what;
  c.pass_mark = pass_mark;
  c.details = Json::object();
  return c;
}

Criterion not_applicable(Criterion c, const std::string& why) {
  c.applicable = false;
  c.score = 0;
  c.summary = why;
  return c;
}

std::string colour_name(int cls) {
  return cls >= 0 && cls < world::kColours ? std::string(world::name(static_cast<world::Colour>(cls))) : "?";
}

std::string describe_track(const Evidence& e, const SubjectTrack& t) {
  const ExpectedSubject& s = e.subject_of(t);
  return (t.colour_named ? colour_name(t.colour) + " " : "") + std::string(world::name(s.kind));
}

double scale_at(const Evidence& e, int f) { return e.camera.pixels_per_metre(f, e.reading.width, e.reading.height); }

// Whether another subject's blob overlaps this detection's box (grown by 2 pixels) in frame f.
bool overlapped(const Evidence& e, size_t track, int f, const Detection& d) {
  for (size_t o = 0; o < e.tracks.size(); ++o) {
    if (o == track) continue;
    const Detection& x = e.tracks[o].frames[f];
    if (!x.found) continue;
    if (x.right + 2 < d.left || x.left - 2 > d.right || x.bottom + 2 < d.top || x.top - 2 > d.bottom) continue;
    return true;
  }
  return false;
}

bool camera_still_or_known(const Evidence& e) {
  if (e.camera.pan_measured) return true;
  return !e.expect.camera || *e.expect.camera == world::CameraMove::static_ || *e.expect.camera == world::CameraMove::zoom_in ||
         *e.expect.camera == world::CameraMove::zoom_out;
}

}  // namespace

double ramp_down(double x, double full, double zero) {
  if (x <= full) return 1.0;
  if (x >= zero) return 0.0;
  return (zero - x) / (zero - full);
}

double ramp_up(double x, double zero, double full) { return 1.0 - ramp_down(x, zero, full); }

// ---- subjects -----------------------------------------------------------------------------------------

Criterion judge_subjects(const Evidence& e) {
  Criterion c = make("subjects", "every thing named is seen, in its colour and of its kind", 0.6);
  if (e.tracks.empty()) return not_applicable(c, "the prompt names no things");
  const int frames = e.reading.frame_count();
  c.applicable = true;
  c.score = 1.0;
  std::vector<std::string> parts;
  Json list = Json::array();
  for (size_t i = 0; i < e.tracks.size(); ++i) {
    const SubjectTrack& t = e.tracks[i];
    const ExpectedSubject& s = e.subject_of(t);
    int found = 0, shaped = 0, judged = 0;
    std::map<std::string, int> kinds_seen;
    for (const Detection& d : t.frames) {
      if (!d.found) continue;
      ++found;
      if (d.at_edge || !d.whole) continue;  // partly out of view, or a glass's pieces: no shape to judge
      if (t.kind == world::Kind::glass && !d.kind_ok) continue;  // read whole by its size alone (tracks.cpp)
      ++judged;
      shaped += d.kind_ok;
      ++kinds_seen[std::string(world::name(d.kind_seen))];
    }
    const double presence = ramp_up(found, 0.0, std::max(1.0, 0.1 * frames));
    const double kind_share = judged > 0 ? static_cast<double>(shaped) / judged : 1.0;
    const double kind_factor = judged > 0 ? ramp_up(kind_share, 0.15, 0.5) : 1.0;
    const double score = presence * kind_factor;
    c.score = std::min(c.score, score);
    std::string line = describe_track(e, t);
    if (!t.colour_named) line += " (" + colour_name(t.colour) + ")";
    if (found == 0) {
      // What of this kind is there instead, in which colours.
      std::map<int, int> colours;
      for (const FrameReading& fr : e.reading.frames)
        for (const Blob& b : fr.blobs)
          if (b.cls < world::kColours && b.best_kind() == s.kind && b.pixels >= 0.3 * expected_pixels(s.kind, s.size, e.reading.width, e.reading.height))
            ++colours[b.cls];
      std::vector<std::string> instead;
      for (const auto& [cls, n] : colours)
        if (n >= 0.1 * frames) instead.push_back(colour_name(cls));
      line += " not seen";
      if (!instead.empty()) line += " (a " + join(instead, "/") + " " + std::string(world::name(s.kind)) + " is)";
    } else {
      line += format(" seen in %d/%d frames", found, frames);
      if (judged > 0 && kind_factor < 1.0) {
        std::string seen;
        int most = 0;
        for (const auto& [k, n] : kinds_seen)
          if (n > most) {
            most = n;
            seen = k;
          }
        line += format(", shaped like a %s (%s in %.0f%% of frames)", seen.c_str(), std::string(world::name(s.kind)).c_str(), 100 * kind_share);
      }
    }
    parts.push_back(line);
    list.push_back({{"subject", describe_track(e, t)}, {"colour", colour_name(t.colour)}, {"colour_named", t.colour_named},
                    {"kind", world::name(s.kind)}, {"frames_seen", found}, {"frames", frames}, {"kind_fits", kind_share},
                    {"score", score}});
  }
  c.summary = join(parts);
  c.details["subjects"] = list;
  return c;
}

// ---- persistence ----------------------------------------------------------------------------------------

Criterion judge_persistence(const Evidence& e) {
  Criterion c = make("persistence", "no thing vanishes, flickers or pops up in the middle of the frame", 0.6);
  const int frames = e.reading.frame_count();
  std::vector<std::string> parts;
  Json list = Json::array();
  double worst = 1.0;
  bool any = false;
  for (size_t i = 0; i < e.tracks.size(); ++i) {
    const SubjectTrack& t = e.tracks[i];
    if (t.found_frames() < 3) continue;
    any = true;
    const auto& d = t.frames;
    auto excused = [&](int f) {
      return d[f].at_edge || overlapped(e, i, f, d[f]) || (t.kind == world::Kind::glass && !d[f].whole);
    };
    int first = 0, last = frames - 1;
    while (!d[first].found) ++first;
    while (!d[last].found) --last;
    int missing = 0, pops = 0;
    Json gaps = Json::array();
    for (int f = first + 1; f <= last; ++f) {
      if (d[f].found) continue;
      int g = f;
      while (!d[g].found) ++g;  // frames [f, g) are missing, f - 1 and g are seen
      bool ok = excused(f - 1) || excused(g);
      for (int k = f; k < g && !ok; ++k)  // something passed in front of it
        ok = overlapped(e, i, k, d[f - 1]) || overlapped(e, i, k, d[g]);
      if (!ok) {
        missing += g - f;
        gaps.push_back({{"from", f}, {"to", g - 1}});
      }
      f = g;
    }
    if (first > 0 && !excused(first)) {
      ++pops;
      gaps.push_back({{"appears_at", first}});
    }
    if (last < frames - 1 && !excused(last)) {
      ++pops;
      gaps.push_back({{"vanishes_after", last}});
    }
    const double unexplained = missing + 2.0 * pops;
    const double score = 1.0 / (1.0 + 0.5 * unexplained);
    worst = std::min(worst, score);
    if (unexplained > 0) {
      std::string line = describe_track(e, t);
      if (missing > 0) line += format(" missing from %d frame%s in the middle", missing, missing == 1 ? "" : "s");
      if (pops > 0) line += format("%s appears or vanishes in the open %d time%s", missing > 0 ? "," : "", pops, pops == 1 ? "" : "s");
      parts.push_back(line);
    }
    list.push_back({{"subject", describe_track(e, t)}, {"missing_frames", missing}, {"pops", pops}, {"gaps", gaps}, {"score", score}});
  }
  if (!any) return not_applicable(c, "no thing is seen in three frames or more");
  c.applicable = true;
  c.score = worst;
  c.summary = parts.empty() ? "every thing stays in view from its first frame to its last, or leaves at an edge" : join(parts);
  c.details["subjects"] = list;
  return c;
}

// ---- frame order ---------------------------------------------------------------------------------------

namespace {

// Whether a track moves enough (0.15 m along x + height) for the order of its frames to tell something.
bool moves(const std::vector<Place>& places) {
  double lo = 1e9, hi = -1e9;
  for (const Place& q : places)
    if (q.found) {
      lo = std::min(lo, q.x + q.height);
      hi = std::max(hi, q.x + q.height);
    }
  return hi - lo >= 0.15;
}

// Share of frames where a moving subject changes its velocity more than anything in the world does between
// two frames (3 g; 6 g for a character, whose limbs swing): frames out of order make things jump about.
double jumpy_share(const Evidence& e, int* judged_out) {
  const double dt = e.seconds_per_frame();
  int judged = 0, jumpy = 0;
  for (size_t t = 0; t < e.tracks.size(); ++t) {
    const auto& p = e.motion.places[t];
    const auto& d = e.tracks[t].frames;
    if (!moves(p)) continue;  // it hardly moves: its order tells nothing
    const double limit = (e.tracks[t].kind == world::Kind::character ? 6.0 : 3.0) * world::kGravity;
    for (size_t f = 1; f + 1 < p.size(); ++f) {
      if (!p[f - 1].found || !p[f].found || !p[f + 1].found || d[f - 1].at_edge || d[f].at_edge || d[f + 1].at_edge) continue;
      if (!d[f - 1].whole || !d[f].whole || !d[f + 1].whole) continue;
      const double ax = (p[f + 1].x - 2 * p[f].x + p[f - 1].x) / (dt * dt);
      const double ay = (p[f + 1].height - 2 * p[f].height + p[f - 1].height) / (dt * dt);
      ++judged;
      jumpy += std::hypot(ax, ay) > limit;
    }
  }
  *judged_out = judged;
  return judged > 0 ? static_cast<double>(jumpy) / judged : 0.0;
}

constexpr double kTopSpeed = 15.0;  // m/s: faster than anything in the world moves (throws reach 8, falls 10)

// Share of pairs of consecutive frames between which a moving subject would have moved faster than anything
// in the world does: frames out of order make things teleport, even when too few triples are seen to judge
// their acceleration.
double teleport_share(const Evidence& e, int* judged_out) {
  const double dt = e.seconds_per_frame();
  int judged = 0, teleports = 0;
  for (size_t t = 0; t < e.tracks.size(); ++t) {
    const auto& p = e.motion.places[t];
    const auto& d = e.tracks[t].frames;
    if (!moves(p)) continue;
    for (size_t f = 0; f + 1 < p.size(); ++f) {
      if (!p[f].found || !p[f + 1].found || d[f].at_edge || d[f + 1].at_edge || !d[f].whole || !d[f + 1].whole) continue;
      ++judged;
      teleports += std::hypot(p[f + 1].x - p[f].x, p[f + 1].height - p[f].height) > kTopSpeed * dt;
    }
  }
  *judged_out = judged;
  return judged > 0 ? static_cast<double>(teleports) / judged : 0.0;
}

}  // namespace

Criterion judge_frame_order(const Evidence& e) {
  Criterion c = make("frame_order", "frames follow each other: the clip's path through its frames is short, things do not jump about", 0.5);
  const media::Clip& clip = *e.clip;
  const int n = clip.frame_count(), w = clip.width, h = clip.height;
  if (n < 4) return not_applicable(c, "too few frames");
  // Frames as 32 x 32 colour thumbnails, the ignored rectangle left out.
  const int cells = 32;
  const int bw = std::max(1, w / cells), bh = std::max(1, h / cells);
  const int cw = w / bw, ch = h / bh;
  std::vector<std::vector<float>> small(static_cast<size_t>(n), std::vector<float>(static_cast<size_t>(cw) * ch * 3, 0.0f));
  std::vector<bool> usable(static_cast<size_t>(cw) * ch, true);
  for (int cy = 0; cy < ch; ++cy)
    for (int cx = 0; cx < cw; ++cx)
      for (int y = cy * bh; y < (cy + 1) * bh; ++y)
        for (int x = cx * bw; x < (cx + 1) * bw; ++x)
          if (e.ignore.contains(x, y)) usable[cy * cw + cx] = false;
  for (int f = 0; f < n; ++f)
    for (int cy = 0; cy < ch; ++cy)
      for (int cx = 0; cx < cw; ++cx) {
        float sum[3] = {0, 0, 0};
        for (int y = cy * bh; y < (cy + 1) * bh; ++y)
          for (int x = cx * bw; x < (cx + 1) * bw; ++x)
            for (int k = 0; k < 3; ++k) sum[k] += clip.frame(f)[(static_cast<size_t>(y) * w + x) * 3 + k];
        for (int k = 0; k < 3; ++k) small[f][(cy * cw + cx) * 3 + k] = sum[k] / (bw * bh);
      }
  std::vector<double> d(static_cast<size_t>(n) * n, 0.0);
  double largest = 0;
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) {
      double sum = 0;
      int count = 0;
      for (int k = 0; k < cw * ch; ++k) {
        if (!usable[k]) continue;
        for (int q = 0; q < 3; ++q) sum += std::abs(small[i][3 * k + q] - small[j][3 * k + q]);
        count += 3;
      }
      d[i * n + j] = d[j * n + i] = count > 0 ? sum / count : 0.0;
      largest = std::max(largest, d[i * n + j]);
    }
  if (largest < 0.3) return not_applicable(c, "nothing changes from frame to frame");
  // The path through the frames in clip order against the shortest tree joining them (Prim): about the
  // same length for a clip that runs forward, several times longer for frames out of order.
  double path = 0;
  for (int i = 0; i + 1 < n; ++i) path += d[i * n + i + 1];
  std::vector<double> reach(static_cast<size_t>(n), 1e18);
  std::vector<bool> joined(static_cast<size_t>(n), false);
  reach[0] = 0;
  double tree = 0;
  for (int step = 0; step < n; ++step) {
    int u = -1;
    for (int v = 0; v < n; ++v)
      if (!joined[v] && (u < 0 || reach[v] < reach[u])) u = v;
    joined[u] = true;
    tree += reach[u];
    for (int v = 0; v < n; ++v)
      if (!joined[v]) reach[v] = std::min(reach[v], d[u * n + v]);
  }
  const double ratio = tree > 1e-9 ? path / tree : 1.0;
  int judged = 0;
  const double jumpy = jumpy_share(e, &judged);
  // Periodic pictures (a neon grid under a following camera, a walker's stride) shorten the tree; when the
  // things themselves move smoothly, the path must be far longer to tell of frames out of order.
  const bool smooth = judged >= 10 && jumpy <= 0.1;
  c.applicable = true;
  c.score = smooth ? ramp_down(ratio, 3.5, 6.0) : ramp_down(ratio, 2.0, 3.2);
  if (judged >= 5) c.score = std::min(c.score, ramp_down(jumpy, 0.3, 0.55));
  int pairs = 0;
  const double teleports = teleport_share(e, &pairs);
  if (pairs >= 6) c.score = std::min(c.score, ramp_down(teleports, 0.08, 0.25));
  c.summary = format("path through the frames %.2f x the shortest tree joining them", ratio);
  if (judged >= 5) c.summary += format("; things jump (over 3 g) in %.0f%% of %d frames", 100 * jumpy, judged);
  if (pairs >= 6 && teleports > 0)
    c.summary += format("; things move faster than %.0f m/s between %.0f%% of %d frame pairs", kTopSpeed, 100 * teleports, pairs);
  c.details["teleport_share"] = teleports;
  c.details["teleport_pairs_judged"] = pairs;
  c.details["path_over_tree"] = ratio;
  c.details["jumpy_share"] = jumpy;
  c.details["jumpy_frames_judged"] = judged;
  return c;
}

// ---- gravity --------------------------------------------------------------------------------------------

Criterion judge_gravity(const Evidence& e) {
  Criterion c = make("gravity", "free fall accelerates down at g; bounces lose energy", 0.5);
  const MotionReading& m = e.motion;
  std::vector<double> restitution;
  for (const Contact& k : m.contacts)
    if (k.kind == "bounce" && k.uncertainty < 0.015) restitution.push_back(k.restitution);
  if (!m.fitted && m.launches_from_rest == 0) return not_applicable(c, "no free fall long enough to measure");
  c.applicable = true;
  std::vector<std::string> parts;
  double score = 1.0;
  if (m.fitted) {
    const double ratio = m.acceleration / -world::kGravity;
    const double fit = ramp_down(std::abs(ratio - 1.0), 0.15, 0.6);
    score = std::min(score, fit);
    parts.push_back(format("fitted acceleration %.2f m/s^2 (%.2f g %s) over %d frames of free fall, rms %.1f cm", m.acceleration,
                           std::abs(ratio), m.acceleration < 0 ? "down" : "UP", m.fit_points, 100 * m.fit_rms));
    c.details["acceleration"] = m.acceleration;
    c.details["acceleration_over_g"] = ratio;
    c.details["fit_points"] = m.fit_points;
    c.details["fit_rms_m"] = m.fit_rms;
  }
  if (!restitution.empty()) {
    const double med = median(restitution);
    const double energy = ramp_down(med, 1.0, 1.25);
    score = std::min(score, energy);
    std::string list;
    for (double r : restitution) list += format("%s%.2f", list.empty() ? "" : ", ", r);
    parts.push_back(format("%zu bounce%s, speed out/in %s%s", restitution.size(), restitution.size() == 1 ? "" : "s", list.c_str(),
                           med > 1.0 ? " (gaining energy)" : ""));
    c.details["restitution"] = restitution;
  }
  if (m.launches_from_rest > 0) {
    score = 0.0;
    parts.push_back(format("%d thing%s leapt up from rest with nothing near", m.launches_from_rest, m.launches_from_rest == 1 ? "" : "s"));
  }
  c.details["launches_from_rest"] = m.launches_from_rest;
  c.score = score;
  c.summary = join(parts);
  return c;
}

// ---- events ---------------------------------------------------------------------------------------------

namespace {

struct Check {
  std::string what;
  bool ok = false;
};

std::vector<int> found_frames_of(const SubjectTrack& t) {
  std::vector<int> out;
  for (size_t f = 0; f < t.frames.size(); ++f)
    if (t.frames[f].found) out.push_back(static_cast<int>(f));
  return out;
}

// Whether a detection's lower and upper edges are its own: it may touch the frame's left or right border (its
// height above the floor still reads true), not the top, the bottom or the ignored rectangle.
bool heights_clear(const Evidence& e, const Detection& d) {
  if (!d.found) return false;
  if (!d.at_edge) return true;
  const Rect& m = e.ignore;
  const bool near_ignored = !m.empty() && !(d.right + 2 < m.x || d.left - 2 > m.x + m.width || d.bottom + 2 < m.y || d.top - 2 > m.y + m.height);
  const int margin = std::max(2, std::min(e.reading.width, e.reading.height) / 40);  // as blobs.cpp marks the border
  return d.top >= margin + 1 && !near_ignored;
}

bool bounced(const Evidence& e, size_t track) {
  for (const Contact& k : e.motion.contacts)
    if (k.subject == static_cast<int>(track) && k.kind == "bounce") return true;
  // Down to the floor and up again within a few frames, even when too brief to fit: low in a frame, or turned
  // upwards between frames far more sharply than noise bends a track (nothing but a contact pushes a thing up).
  const auto& p = e.motion.places[track];
  const SubjectTrack& t = e.tracks[track];
  const int n = static_cast<int>(p.size());
  auto clear = [&](int f) { return p[f].found && heights_clear(e, t.frames[f]); };
  for (int f = 1; f + 1 < n; ++f) {
    if (!clear(f)) continue;
    const bool kink = clear(f - 1) && clear(f + 1) &&
                      p[f + 1].gap - 2 * p[f].gap + p[f - 1].gap >= std::max(0.15, 4.0 / scale_at(e, f));
    if (p[f].gap > 0.12 && !kink) continue;
    bool before = false, after = false;
    for (int k = std::max(0, f - 6); k < f; ++k) before = before || (p[k].found && p[k].gap > p[f].gap + 0.1);
    for (int k = f + 1; k < std::min(n, f + 7); ++k) after = after || (p[k].found && p[k].gap > p[f].gap + 0.1);
    if (before && after) return true;
  }
  return false;
}

bool landed(const Evidence& e, size_t track) {
  for (const Contact& k : e.motion.contacts)
    if (k.subject == static_cast<int>(track)) return true;
  const auto& p = e.motion.places[track];
  bool high = false;
  for (size_t f = 0; f < p.size(); ++f) {
    if (!p[f].found) continue;
    if (high && (p[f].gap < 0.1 || !e.tracks[track].frames[f].whole)) return true;  // down, or broken on the way
    if (p[f].gap > 0.15 && heights_clear(e, e.tracks[track].frames[f])) high = true;
  }
  return false;
}

// Broken: only pieces (no whole glass) in the frame.
int broken_in(const SubjectTrack& t, const std::vector<int>& frames) {
  int n = 0;
  for (int f : frames) n += t.frames[f].found && !t.frames[f].whole;
  return n;
}

bool lying(const Evidence& e, size_t track, int f) {
  const Detection& d = e.tracks[track].frames[f];
  // Its colour (torso and limbs) reaches 0.6 m or more when it stands, about 0.3 m when it lies.
  return (floor_line(e.reading.height) - d.top) / scale_at(e, f) < 0.45;
}

bool toppled(const Evidence& e, size_t track) {
  const SubjectTrack& t = e.tracks[track];
  const auto frames = found_frames_of(t);
  if (frames.size() < 3) return false;
  const auto& p = e.motion.places[track];
  const int f0 = frames.front();
  const double top0 = (floor_line(e.reading.height) - t.frames[f0].top) / scale_at(e, f0);
  const bool shift_known = camera_still_or_known(e);
  for (int f : frames) {
    const double top = (floor_line(e.reading.height) - t.frames[f].top) / scale_at(e, f);
    if (top0 - top > 0.2) return true;
    if (shift_known && std::abs(p[f].x - p[f0].x) > 0.3) return true;
    if (t.kind == world::Kind::glass && !t.frames[f].whole) return true;
  }
  return false;
}

double box_gap(const Detection& a, const Detection& b) {
  const double gx = std::max({0.0, a.left - b.right, b.left - a.right});
  const double gy = std::max({0.0, a.top - b.bottom, b.top - a.bottom});
  return std::hypot(gx, gy);
}

// Whether a collision can be told from what is seen: the two are in view together while still closing in
// (a hit before the clip starts, or out of view, cannot be seen), and then whether they touch.
std::optional<bool> collided(const Evidence& e, size_t track) {
  const SubjectTrack& t = e.tracks[track];
  const int n = static_cast<int>(t.frames.size());
  std::optional<bool> out;
  for (size_t o = 0; o < e.tracks.size(); ++o) {
    if (o == track) continue;
    const SubjectTrack& u = e.tracks[o];
    auto together = [&](int f) { return t.frames[f].found && u.frames[f].found && !t.frames[f].at_edge && !u.frames[f].at_edge; };
    int first = -1;
    for (int f = 0; f < n && first < 0; ++f)
      if (together(f)) first = f;
    if (first < 0) continue;
    // Touching in a frame, or closing in and parting again faster than the gap left between them (the hit
    // fell between two frames).
    std::vector<double> gap(static_cast<size_t>(n), -1.0);
    for (int f = first; f < n; ++f)
      if (t.frames[f].found && u.frames[f].found) gap[f] = box_gap(t.frames[f], u.frames[f]);
    for (int f = first; f < n; ++f) {
      if (gap[f] < 0) continue;
      if (gap[f] <= 2.0) return true;
      if (f == 0 || f + 1 >= n || gap[f - 1] < 0 || gap[f + 1] < 0) continue;
      if (gap[f - 1] > gap[f] && gap[f + 1] > gap[f] && gap[f] <= 0.6 * std::max(gap[f - 1] - gap[f], gap[f + 1] - gap[f]))
        return true;
      // Closing in fast enough to meet before the next frame, then no longer closing in: the approach stopped
      // harder than friction (1.5 g at most here) can stop it, so they met. Outlines may keep a pixel or two
      // between their colours even then.
      const double closing = gap[f - 1] - gap[f], closing_next = gap[f] - gap[f + 1];
      const double stop_px = 1.5 * 9.81 * e.seconds_per_frame() * e.seconds_per_frame() * scale_at(e, f);
      if (closing > 0 && gap[f] <= closing && closing - closing_next >= stop_px) return true;
    }
    int next = first + 1;
    while (next < n && next <= first + 3 && !together(next)) ++next;
    if (next < n && together(next) && box_gap(t.frames[next], u.frames[next]) > box_gap(t.frames[first], u.frames[first]) + 0.5)
      continue;  // already parting when first seen together
    out = false;
  }
  return out;
}

}  // namespace

Criterion judge_events(const Evidence& e) {
  Criterion c = make("events", "what the prompt says happens: bounces, landings, shattering, toppling, falls, collisions", 0.8);
  using world::Outcome;
  std::vector<Check> checks;
  bool topple_asked = false, topple_seen = false;
  for (size_t i = 0; i < e.tracks.size(); ++i) {
    const SubjectTrack& t = e.tracks[i];
    const ExpectedSubject& s = e.subject_of(t);
    const auto frames = found_frames_of(t);
    if (frames.size() < 3) continue;  // not seen enough to tell (the subjects criterion reports it)
    const std::string who = describe_track(e, t);
    // How a thing ends can be told only if it is in full view near the end (it may fall or break out of view).
    int last_clear = -1;
    for (int f : frames)
      if (!t.frames[f].at_edge) last_clear = f;
    const bool seen_at_end = last_clear >= e.reading.frame_count() - 6;
    if (s.has(Outcome::bounce)) checks.push_back({who + " bounces", bounced(e, i)});
    if ((s.action == world::Action::drop || s.action == world::Action::throw_) && s.kind != world::Kind::character &&
        !s.has(Outcome::in_pieces))
      checks.push_back({who + " comes down onto the floor", landed(e, i)});
    if (s.kind == world::Kind::glass) {
      // Only frames where the glass is wholly in view tell whole from broken.
      std::vector<int> clear;
      for (int f : frames)
        if (!t.frames[f].at_edge) clear.push_back(f);
      const std::vector<int> tail(clear.end() - std::min<size_t>(4, clear.size()), clear.end());
      if (s.has(Outcome::shatter) && !clear.empty() && seen_at_end) {
        // Whole at some point, then in pieces for good: the final run of frames in pieces comes after the
        // last whole frame and lasts three frames or more.
        int last_whole = -1;
        for (int f : clear)
          if (t.frames[f].whole) last_whole = f;
        int broken_after = 0;
        for (int f : clear) broken_after += f > last_whole && !t.frames[f].whole;
        checks.push_back({who + " shatters", last_whole >= 0 && broken_after >= 3});
      }
      if (s.has(Outcome::in_pieces) && !s.has(Outcome::shatter) && !clear.empty())
        checks.push_back({who + " lies in pieces", broken_in(t, clear) >= 0.7 * clear.size()});
      if (s.has(Outcome::intact) && !tail.empty() && seen_at_end)
        checks.push_back({who + " stays whole", broken_in(t, tail) * 2 < static_cast<int>(tail.size())});
    }
    if (s.has(Outcome::topple)) {
      topple_asked = true;
      topple_seen = topple_seen || toppled(e, i);
    }
    if (s.kind == world::Kind::character && (s.has(Outcome::fall) || s.has(Outcome::trip))) {
      std::vector<int> clear;
      for (int f : frames)
        if (!t.frames[f].at_edge) clear.push_back(f);
      int down = 0, judged = 0;
      for (size_t k = clear.size() - std::min<size_t>(4, clear.size()); k < clear.size(); ++k) {
        ++judged;
        down += lying(e, i, clear[k]);
      }
      if (judged > 0 && seen_at_end) checks.push_back({who + " ends lying on the floor", down * 2 >= judged});
    }
    if (s.has(Outcome::collide))
      if (const auto hit = collided(e, i)) checks.push_back({who + " touches another thing", *hit});
  }
  if (topple_asked) checks.push_back({"something topples", topple_seen});
  if (checks.empty()) return not_applicable(c, "the prompt names no event the judge can check in what it sees");
  int ok = 0;
  std::vector<std::string> missed;
  Json list = Json::array();
  for (const Check& k : checks) {
    ok += k.ok;
    if (!k.ok) missed.push_back(k.what);
    list.push_back({{"what", k.what}, {"seen", k.ok}});
  }
  c.applicable = true;
  c.score = static_cast<double>(ok) / checks.size();
  c.summary = format("%d of %zu seen", ok, checks.size()) + (missed.empty() ? "" : "; not seen: " + join(missed, ", "));
  c.details["checks"] = list;
  return c;
}

// ---- direction ------------------------------------------------------------------------------------------

Criterion judge_direction(const Evidence& e) {
  Criterion c = make("direction", "things move left or right as the prompt says", 0.5);
  std::vector<std::string> parts;
  Json list = Json::array();
  double worst = 1.0;
  bool any = false;
  for (size_t i = 0; i < e.tracks.size(); ++i) {
    const SubjectTrack& t = e.tracks[i];
    const ExpectedSubject& s = e.subject_of(t);
    if (s.direction == 0 || s.action == world::Action::rest) continue;
    if (!camera_still_or_known(e)) {
      parts.push_back(describe_track(e, t) + ": the camera's pan cannot be read, so neither can its way");
      continue;
    }
    const auto& p = e.motion.places[i];
    int first = -1, last = -1;
    for (size_t f = 0; f < p.size(); ++f)
      if (p[f].found && !t.frames[f].at_edge) {
        if (first < 0) first = static_cast<int>(f);
        last = static_cast<int>(f);
      }
    if (first < 0 || last - first < 2) continue;
    any = true;
    const double moved = p[last].x - p[first].x;
    const double score = ramp_up(s.direction * moved, -0.1, 0.3);
    worst = std::min(worst, score);
    parts.push_back(format("%s moved %.2f m %s (asked: %s)", describe_track(e, t).c_str(), std::abs(moved), moved >= 0 ? "right" : "left",
                           s.direction > 0 ? "right" : "left"));
    list.push_back({{"subject", describe_track(e, t)}, {"moved_m", moved}, {"asked", s.direction}, {"score", score}});
  }
  if (!any) return not_applicable(c, parts.empty() ? "the prompt names no direction" : join(parts));
  c.applicable = true;
  c.score = worst;
  c.summary = join(parts);
  c.details["subjects"] = list;
  return c;
}

// ---- camera -------------------------------------------------------------------------------------------

Criterion judge_camera(const Evidence& e) {
  Criterion c = make("camera", "the camera holds, pans, zooms or follows as asked", 0.5);
  if (!e.expect.camera) return not_applicable(c, "the prompt asks for no camera move");
  const world::CameraMove move = *e.expect.camera;
  const CameraReading& cam = e.camera;
  const int n = e.reading.frame_count();
  if (n < 2) return not_applicable(c, "too few frames");
  const double pan = cam.x.back() - cam.x.front();
  double widest = 1e9, closest = 0;
  for (double z : cam.zoom) {
    widest = std::min(widest, z);
    closest = std::max(closest, z);
  }
  const double zoom_change = cam.zoom.back() / cam.zoom.front();
  c.details["asked"] = world::name(move);
  c.details["pan_m"] = pan;
  c.details["pan_measured"] = cam.pan_measured;
  c.details["pan_source"] = cam.pan_source;
  c.details["zoom_last_over_first"] = zoom_change;
  c.details["zoom_measured"] = cam.zoom_measured;
  c.details["zoom_source"] = cam.zoom_source;
  c.details["floor_texture"] = cam.floor_texture;
  const std::string pan_text = cam.pan_measured ? format("pan %+.2f m (from %s)", pan, cam.pan_source.c_str()) : "pan unreadable";
  const std::string zoom_text = cam.zoom_measured ? format("zoom x%.2f (from %s)", zoom_change, cam.zoom_source.c_str()) : "zoom unreadable";
  using world::CameraMove;
  switch (move) {
    case CameraMove::static_: {
      if (!cam.pan_measured && !cam.zoom_measured) return not_applicable(c, "asked to hold still; the floor is flat and nothing stands still");
      double score = 1.0;
      if (cam.pan_measured) score = std::min(score, ramp_down(std::abs(pan), 0.25, 0.6));
      if (cam.zoom_measured) score = std::min(score, ramp_down(closest / widest - 1.0, 0.08, 0.2));
      c.score = score;
      break;
    }
    case CameraMove::pan_left:
    case CameraMove::pan_right: {
      if (!cam.pan_measured) return not_applicable(c, std::string("asked to pan; ") + "the floor is flat and nothing stands still");
      const double way = move == CameraMove::pan_right ? 1.0 : -1.0;
      c.score = ramp_up(way * pan, 0.2, 0.7);
      break;
    }
    case CameraMove::zoom_in:
    case CameraMove::zoom_out: {
      if (!cam.zoom_measured) return not_applicable(c, "asked to zoom; neither the floor nor a thing's size shows the zoom");
      const double change = move == CameraMove::zoom_in ? zoom_change : 1.0 / zoom_change;
      c.score = ramp_up(change, 1.08, 1.3);
      break;
    }
    case CameraMove::follow: {
      if (e.expect.follow < 0) return not_applicable(c, "asked to follow, but not whom");
      const SubjectTrack* t = nullptr;
      for (const SubjectTrack& k : e.tracks)
        if (k.subject == e.expect.follow) t = &k;
      int found = 0, centred = 0;
      for (const Detection& d : t->frames) {
        if (!d.found) continue;
        ++found;
        centred += std::abs(d.cx - 0.5 * e.reading.width) <= 0.2 * e.reading.width;
      }
      if (found < 3) return not_applicable(c, "asked to follow " + describe_track(e, *t) + ", which is not seen");
      const double share = static_cast<double>(centred) / found;
      c.score = ramp_up(share, 0.5, 0.8);
      c.details["followed_centred_share"] = share;
      c.applicable = true;
      c.summary = format("asked to follow %s: it stays within the middle 40%% of the frame in %d of %d frames; %s; %s",
                         describe_track(e, *t).c_str(), centred, found, pan_text.c_str(), zoom_text.c_str());
      return c;
    }
  }
  c.applicable = true;
  c.summary = format("asked: %s; seen: %s, %s", std::string(world::name(move)).c_str(), pan_text.c_str(), zoom_text.c_str());
  return c;
}

// ---- style and time of day ----------------------------------------------------------------------------

Criterion judge_style(const Evidence& e) {
  Criterion c = make("style", "drawn in the style asked", 0.5);
  const StyleReading& s = e.reading.style;
  Json p = Json::object();
  for (int k = 0; k < world::kStyles; ++k) p[std::string(world::name(static_cast<world::Style>(k)))] = s.probability[k];
  c.details["probability"] = p;
  c.details["seen"] = world::name(s.style);
  c.details["block_edges"] = s.block_edges;
  c.details["floor_shading"] = s.floor_shading;
  if (!e.expect.style) return not_applicable(c, "the prompt names no style (looks " + std::string(world::name(s.style)) + ")");
  const int asked = static_cast<int>(*e.expect.style);
  const double best = *std::max_element(s.probability.begin(), s.probability.end());
  c.applicable = true;
  c.score = best > 0 ? s.probability[asked] / best : 0.0;
  c.summary = format("asked %s; looks %s (p = %.2f; %s p = %.2f)", std::string(world::name(*e.expect.style)).c_str(),
                     std::string(world::name(s.style)).c_str(), best, std::string(world::name(*e.expect.style)).c_str(), s.probability[asked]);
  return c;
}

Criterion judge_time_of_day(const Evidence& e) {
  Criterion c = make("time_of_day", "the light of the time of day asked, and its change", 0.5);
  const auto& frames = e.reading.frames;
  if (frames.empty()) return not_applicable(c, "no frames");
  auto light_around = [&](int at) {
    std::vector<double> v;
    for (int f = std::max(0, at - 1); f <= std::min<int>(frames.size() - 1, at + 1); ++f) v.push_back(frames[f].light);
    return median(v);
  };
  const double start = light_around(0), end = light_around(static_cast<int>(frames.size()) - 1);
  c.details["light_start"] = start;
  c.details["light_end"] = end;
  c.details["seen"] = world::name(world::time_of_day(start));
  if (!e.expect.time && !e.expect.change)
    return not_applicable(c, format("the prompt names no time of day (light %.2f: %s)", start, std::string(world::name(world::time_of_day(start))).c_str()));
  double score = 1.0;
  std::vector<std::string> parts;
  if (e.expect.time) {
    static constexpr double lo[] = {-1.0, 0.55, 1.45}, hi[] = {0.55, 1.45, 3.0};
    const int t = static_cast<int>(*e.expect.time);
    const double outside = std::max({0.0, lo[t] - start, start - hi[t]});
    score = std::min(score, ramp_down(outside, 0.1, 0.35));
    parts.push_back(format("asked %s; light at the start %.2f (%s)", std::string(world::name(*e.expect.time)).c_str(), start,
                           std::string(world::name(world::time_of_day(start))).c_str()));
  }
  if (e.expect.change) {
    const double rise = end - start;
    score = std::min(score, ramp_up(rise, 0.0, 0.06));
    parts.push_back(format("asked for the light to fall; it went from %.2f to %.2f", start, end));
  }
  c.applicable = true;
  c.score = score;
  c.summary = join(parts);
  return c;
}

// ---- sound ----------------------------------------------------------------------------------------------

namespace {

constexpr double kSyncWindow = 0.25;     // seconds either side of a contact to look for its sound
constexpr double kTimedContact = 0.012;  // contacts timed better than this are used for sync

}  // namespace

std::vector<ContactMatch> match_contacts(const Evidence& e) {
  std::vector<ContactMatch> out;
  for (size_t k = 0; k < e.motion.contacts.size(); ++k) {
    const Contact& contact = e.motion.contacts[k];
    if (contact.uncertainty > kTimedContact) continue;
    ContactMatch m;
    m.contact = static_cast<int>(k);
    // The nearest onset among the clear ones near it (within 12 dB of the strongest in the window).
    double strongest = -1e9;
    for (const Onset& o : e.onsets)
      if (std::abs(o.time - contact.time) <= kSyncWindow) strongest = std::max(strongest, o.rise_db);
    double nearest = 1e9;
    for (size_t i = 0; i < e.onsets.size(); ++i) {
      const Onset& o = e.onsets[i];
      const double dt = o.time - contact.time;
      if (std::abs(dt) > kSyncWindow || o.rise_db < strongest - 12.0) continue;
      if (std::abs(dt) < std::abs(nearest)) {
        nearest = dt;
        m.onset = static_cast<int>(i);
      }
    }
    m.offset = m.onset >= 0 ? nearest : kSyncWindow;
    out.push_back(m);
  }
  return out;
}

Criterion judge_sync(const Evidence& e) {
  Criterion c = make("sync", "sounds start when things hit (audio onset minus visual contact)", 0.5);
  const auto matches = match_contacts(e);
  if (matches.empty()) return not_applicable(c, "no contact the pictures time well enough (bounces and landings from free fall)");
  c.applicable = true;
  bool silent = e.mono.empty();
  if (!silent) {
    double peak = 0;
    for (float v : e.mono) peak = std::max(peak, static_cast<double>(std::abs(v)));
    silent = peak < 1e-4;
  }
  if (silent) {
    c.score = 0.0;
    c.summary = format("%zu contact%s seen, but the clip has no sound", matches.size(), matches.size() == 1 ? "" : "s");
    return c;
  }
  std::vector<double> offsets_ms;
  std::vector<std::string> parts;
  Json list = Json::array();
  int unmatched = 0;
  for (const ContactMatch& m : matches) {
    const Contact& k = e.motion.contacts[m.contact];
    offsets_ms.push_back(std::abs(m.offset) * 1000);
    if (m.onset < 0) ++unmatched;
    parts.push_back(m.onset >= 0 ? format("%+.0f", m.offset * 1000) : std::string("none"));
    list.push_back({{"time_s", k.time}, {"kind", k.kind}, {"subject", describe_track(e, e.tracks[k.subject])},
                    {"visual_uncertainty_ms", k.uncertainty * 1000},
                    {"onset_s", m.onset >= 0 ? Json(e.onsets[m.onset].time) : Json(nullptr)},
                    {"offset_ms", m.onset >= 0 ? Json(m.offset * 1000) : Json(nullptr)}});
  }
  std::vector<double> matched_ms;
  for (size_t i = 0; i < matches.size(); ++i)
    if (matches[i].onset >= 0) matched_ms.push_back(offsets_ms[i]);
  const double med = matched_ms.empty() ? kSyncWindow * 1000 : median(matched_ms);
  const double heard = static_cast<double>(matched_ms.size()) / matches.size();
  // Offsets of the contacts that have a sound; contacts without one count only when they are most of them
  // (a hit in a crowd of other sounds can go unheard).
  c.score = ramp_down(med, 15.0, 75.0) * std::min(1.0, 2.0 * heard);
  c.summary = format("median |offset| %.1f ms over %zu contact%s (ms, sound minus picture: %s)", med, matches.size(),
                     matches.size() == 1 ? "" : "s", join(parts, ", ").c_str());
  if (unmatched > 0) c.summary += format("; %d without a sound within %.0f ms", unmatched, kSyncWindow * 1000);
  c.details["median_abs_offset_ms"] = med;
  c.details["heard_share"] = heard;
  c.details["contacts"] = list;
  c.details["onsets"] = static_cast<int>(e.onsets.size());
  return c;
}

Criterion judge_material(const Evidence& e) {
  Criterion c = make("material", "impacts sound like the floor named (spectrum and decay against the world's impacts)", 0.5);
  if (e.expect.floors.empty()) return not_applicable(c, "the prompt names no floor");
  std::vector<FloorGuess> guesses;
  Json list = Json::array();
  for (const ContactMatch& m : match_contacts(e)) {
    if (m.onset < 0) continue;
    const Contact& k = e.motion.contacts[m.contact];
    const world::Kind kind = e.tracks[k.subject].kind;
    if (kind != world::Kind::ball && kind != world::Kind::box) continue;  // a glass's crash drowns the floor
    const FloorGuess g = guess_floor(e.mono, e.rate, e.onsets[m.onset].time);
    guesses.push_back(g);
    list.push_back({{"time_s", e.onsets[m.onset].time}, {"sounds_like", world::name(g.material)}, {"confidence", g.confidence}});
  }
  if (guesses.empty()) return not_applicable(c, "no impact on the floor heard and seen together");
  const FloorGuess all = combine(guesses);
  double named = 0;
  std::string names;
  for (world::Material m : e.expect.floors) {
    named += all.probability[static_cast<int>(m)];
    names += (names.empty() ? "" : "/") + std::string(world::name(m));
  }
  c.details["impacts"] = list;
  c.details["sounds_like"] = world::name(all.material);
  c.details["confidence"] = all.confidence;
  Json p = Json::object();
  for (int m = 0; m < world::kGroundMaterials; ++m) p[std::string(world::name(static_cast<world::Material>(m)))] = all.probability[m];
  c.details["probability"] = p;
  c.applicable = true;
  c.score = std::min(1.0, named / 0.5);
  c.summary = format("asked %s; %zu impact%s sound like %s (confidence %.2f; p(%s) = %.2f)", names.c_str(), guesses.size(),
                     guesses.size() == 1 ? "" : "s", std::string(world::name(all.material)).c_str(), all.confidence, names.c_str(), named);
  return c;
}

}  // namespace kinema::eval
