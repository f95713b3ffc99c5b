// Free fall, bounces, landings and launches from the subjects' tracks.
#include "eval/motion.h"

#include <algorithm>
#include <cmath>

namespace kinema::eval {
namespace {

struct Segment {
  int track = -1;
  std::vector<int> frames;
  bool in_fit = false;
  double b = 0, c = 0, rms = 0;
};

// Least squares of y on [1, t]: intercept and slope.
struct Line {
  double intercept = 0, slope = 0;
};
Line fit_line(const std::vector<double>& t, const std::vector<double>& y) {
  const size_t n = t.size();
  double st = 0, sy = 0, stt = 0, sty = 0;
  for (size_t i = 0; i < n; ++i) {
    st += t[i];
    sy += y[i];
    stt += t[i] * t[i];
    sty += t[i] * y[i];
  }
  const double det = n * stt - st * st;
  Line l;
  l.slope = det > 1e-12 ? (n * sty - st * sy) / det : 0.0;
  l.intercept = (sy - l.slope * st) / n;
  return l;
}

// Residuals of y after its least-squares line on t.
std::vector<double> detrend(const std::vector<double>& t, const std::vector<double>& y) {
  const Line l = fit_line(t, y);
  std::vector<double> r(t.size());
  for (size_t i = 0; i < t.size(); ++i) r[i] = y[i] - l.intercept - l.slope * t[i];
  return r;
}

// The shared acceleration of several segments, each with its own start height and speed (least squares).
double shared_acceleration(const std::vector<Segment>& segs, const std::vector<std::vector<Place>>& places, double dt) {
  double num = 0, den = 0;
  for (const Segment& s : segs) {
    if (!s.in_fit) continue;
    std::vector<double> t, h, q;
    for (int f : s.frames) {
      t.push_back(f * dt);
      h.push_back(places[s.track][f].height);
      q.push_back(0.5 * f * dt * f * dt);
    }
    const auto rh = detrend(t, h), rq = detrend(t, q);
    for (size_t i = 0; i < rh.size(); ++i) {
      num += rh[i] * rq[i];
      den += rq[i] * rq[i];
    }
  }
  return den > 1e-12 ? num / den : 0.0;
}

// Start height and speed of a segment under acceleration a, and its RMS residual.
void fit_segment(Segment& s, const std::vector<std::vector<Place>>& places, double a, double dt) {
  std::vector<double> t, y;
  for (int f : s.frames) {
    t.push_back(f * dt);
    y.push_back(places[s.track][f].height - 0.5 * a * f * dt * f * dt);
  }
  const size_t n = t.size();
  const Line l = fit_line(t, y);
  s.b = l.slope;
  s.c = l.intercept;
  double ss = 0;
  for (size_t i = 0; i < n; ++i) ss += std::pow(y[i] - s.c - s.b * t[i], 2);
  s.rms = std::sqrt(ss / n);
}

double speed_at(const Segment& s, double a, double t) { return s.b + a * t; }

}  // namespace

std::vector<Place> places_of(const SubjectTrack& track, const CameraReading& camera, int width, int height) {
  std::vector<Place> out(track.frames.size());
  const double floor = floor_line(height);
  for (size_t f = 0; f < track.frames.size(); ++f) {
    const Detection& d = track.frames[f];
    if (!d.found) continue;
    const double scale = camera.pixels_per_metre(static_cast<int>(f), width, height);
    Place& p = out[f];
    p.found = true;
    p.x = (d.cx - 0.5 * width) / scale + (f < camera.x.size() ? camera.x[f] : 0.0);
    p.height = (floor - d.cy) / scale;
    p.gap = (floor - d.bottom) / scale;
  }
  return out;
}

MotionReading read_motion(const ClipReading& reading, const std::vector<SubjectTrack>& tracks, const CameraReading& camera,
                          const std::vector<bool>& free_fall) {
  MotionReading out;
  const int n = reading.frame_count(), w = reading.width, h = reading.height;
  const double dt = reading.fps > 0 ? 1.0 / reading.fps : 1.0 / 12;
  const double g_step = world::kGravity * dt * dt;  // how far free fall bends a track in one frame
  for (const SubjectTrack& t : tracks) out.places.push_back(places_of(t, camera, w, h));

  // Frames in the air, whole, away from the frame's edges.
  auto airborne = [&](int s, int f) {
    const Detection& d = tracks[s].frames[f];
    const Place& p = out.places[s][f];
    if (!d.found || !d.whole || d.at_edge) return false;
    const double px = 1.0 / camera.pixels_per_metre(f, w, h);
    return p.gap >= std::max(0.08, 2.5 * px);
  };
  // On the floor: its lowest edge (a glass's lowest piece) at the floor line.
  auto on_floor = [&](int s, int f) {
    const Detection& d = tracks[s].frames[f];
    return d.found && !d.at_edge && out.places[s][f].gap < std::max(0.08, 2.5 / camera.pixels_per_metre(f, w, h));
  };

  std::vector<Segment> segs;
  for (size_t s = 0; s < tracks.size(); ++s) {
    if (s >= free_fall.size() || !free_fall[s] || tracks[s].kind == world::Kind::character) continue;
    const auto& pl = out.places[s];
    for (int f = 0; f < n;) {
      if (!airborne(static_cast<int>(s), f)) {
        ++f;
        continue;
      }
      int e = f;
      while (e + 1 < n && airborne(static_cast<int>(s), e + 1)) ++e;
      std::vector<int> run;
      for (int k = f; k <= e; ++k) run.push_back(k);
      f = e + 1;
      // Held in the air (before a drop or throw): three frames at one height are no free fall.
      const double still = 0.35 / pixels_per_metre(w, h);
      while (run.size() >= 3 && std::abs(pl[run[1]].height - pl[run[0]].height) < still &&
             std::abs(pl[run[2]].height - pl[run[1]].height) < still)
        run.erase(run.begin());
      while (run.size() >= 3 && std::abs(pl[run[run.size() - 1]].height - pl[run[run.size() - 2]].height) < still &&
             std::abs(pl[run[run.size() - 2]].height - pl[run[run.size() - 3]].height) < still)
        run.pop_back();
      // Split where the track bends far more than gravity can bend it in a frame (a bounce, a hit).
      std::vector<std::vector<int>> parts{{}};
      for (size_t i = 0; i < run.size(); ++i) {
        parts.back().push_back(run[i]);
        if (i == 0 || i + 1 >= run.size()) continue;
        // Gravity bends a track downwards by g dt^2 a frame and leaves the horizontal speed alone; a bounce or
        // a hit changes either by far more.
        const double bend = pl[run[i + 1]].height - 2 * pl[run[i]].height + pl[run[i - 1]].height;
        const double turn = pl[run[i + 1]].x - 2 * pl[run[i]].x + pl[run[i - 1]].x;
        if (std::abs(bend) > 3.0 * g_step || std::abs(turn) > 2.0 * g_step) parts.push_back({run[i]});  // frame i on both sides for now
      }
      // A frame at a bend belongs to one side: the one whose flight it fits (each side fitted alone).
      for (size_t p = 0; p + 1 < parts.size(); ++p) {
        auto& left = parts[p];
        auto& right = parts[p + 1];
        if (left.size() < 2 || right.size() < 2) {  // the shared frame goes to the longer side
          if (!right.empty() && left.size() >= right.size()) right.erase(right.begin());
          else if (!left.empty()) left.pop_back();
          continue;
        }
        auto rms_of = [&](const std::vector<int>& frames) {
          if (frames.size() < 3) return 0.0;
          Segment sg;
          sg.track = static_cast<int>(s);
          sg.frames = frames;
          sg.in_fit = true;
          const double a = shared_acceleration({sg}, out.places, dt);
          fit_segment(sg, out.places, a, dt);
          return sg.rms * frames.size();
        };
        std::vector<int> left_without(left.begin(), left.end() - 1), right_without(right.begin() + 1, right.end());
        const double keep_left = rms_of(left) + rms_of(right_without), keep_right = rms_of(left_without) + rms_of(right);
        if (keep_left <= keep_right) right = right_without;
        else left = left_without;
      }
      for (size_t p = 0; p < parts.size(); ++p) {
        if (parts[p].size() < 2) continue;
        // Free fall moves: a thing resting on another (a stack) stays at one height.
        double lo = 1e9, hi = -1e9;
        for (int f : parts[p]) {
          lo = std::min(lo, pl[f].height);
          hi = std::max(hi, pl[f].height);
        }
        if (hi - lo < std::max(0.06, 2.0 / pixels_per_metre(w, h))) continue;
        // ... and reaches some speed: a thing drifting up or down the frame slowly (a misread zoom) is not falling.
        double fastest = 0;
        for (size_t q = 1; q < parts[p].size(); ++q)
          fastest = std::max(fastest, std::abs(pl[parts[p][q]].height - pl[parts[p][q - 1]].height) /
                                          ((parts[p][q] - parts[p][q - 1]) * dt));
        if (fastest < 0.8) continue;
        Segment sg;
        sg.track = static_cast<int>(s);
        sg.frames = parts[p];
        sg.in_fit = sg.frames.size() >= 3;
        segs.push_back(sg);
      }
    }
  }

  // One acceleration for all free fall; segments that do not fit it (not free fall) are left out. It starts
  // from the acceleration most frames agree with (RANSAC-like, each longer stretch's own fit a candidate), so
  // that one long stretch that is no free fall (a thing jiggling in mid-air) cannot drag the fit to itself.
  const double limit = std::max(0.012, 0.45 / pixels_per_metre(w, h));
  double a = shared_acceleration(segs, out.places, dt);
  {
    std::vector<double> candidates{a};
    for (const Segment& s : segs)
      if (s.in_fit && s.frames.size() >= 4) candidates.push_back(shared_acceleration({s}, out.places, dt));
    size_t best_support = 0;
    for (double candidate : candidates) {
      size_t support = 0;
      for (Segment s : segs) {
        if (!s.in_fit) continue;
        fit_segment(s, out.places, candidate, dt);
        if (s.rms <= limit) support += s.frames.size();
      }
      if (support > best_support) {
        best_support = support;
        a = candidate;
      }
    }
  }
  for (int round = 0; round < 3; ++round) {
    double worst = 0;
    int worst_index = -1;
    for (size_t i = 0; i < segs.size(); ++i) {
      if (!segs[i].in_fit) continue;
      fit_segment(segs[i], out.places, a, dt);
      if (segs[i].rms > limit && segs[i].rms > worst) {
        worst = segs[i].rms;
        worst_index = static_cast<int>(i);
      }
    }
    if (worst_index < 0) break;
    segs[worst_index].in_fit = false;
    out.notes.push_back("left out a stretch of " + std::to_string(segs[worst_index].frames.size()) +
                        " frames that is not free fall");
    a = shared_acceleration(segs, out.places, dt);
  }
  int dof = 0, points = 0;
  double ss = 0;
  for (Segment& s : segs) {
    fit_segment(s, out.places, a, dt);
    if (!s.in_fit) continue;
    dof += static_cast<int>(s.frames.size()) - 2;
    points += static_cast<int>(s.frames.size());
    ss += s.rms * s.rms * s.frames.size();
  }
  out.fitted = dof >= 3 && points >= 6;  // a few frames of two short flights fit anything
  out.acceleration = a;
  out.fit_points = points;
  out.fit_rms = points > 0 ? std::sqrt(ss / points) : 0.0;
  for (const Segment& s : segs) {
    Flight fl;
    fl.subject = s.track;
    fl.frames = s.frames;
    fl.b = s.b;
    fl.c = s.c;
    fl.rms = s.rms;
    out.flights.push_back(fl);
  }
  if (!out.fitted) return out;

  // Bounces: two flights of one thing meeting at a sudden change of speed, or around a frame on the floor.
  for (size_t i = 0; i + 1 < segs.size(); ++i) {
    const Segment& s0 = segs[i];
    const Segment& s1 = segs[i + 1];
    if (s0.track != s1.track || s1.frames.front() - s0.frames.back() > 2) continue;
    const double db = s0.b - s1.b;
    if (std::abs(db) < 1e-6) continue;
    const double tc = (s1.c - s0.c) / db;
    const double t_last = s0.frames.back() * dt, t_next = s1.frames.front() * dt;
    if (tc < t_last - 0.5 * dt || tc > t_next + 0.5 * dt) continue;
    const double v_in = speed_at(s0, a, tc), v_out = speed_at(s1, a, tc);
    if (std::abs(v_in) < 0.3 || v_in * v_out >= 0) continue;  // a bounce turns the vertical speed round
    Contact c;
    c.subject = s0.track;
    c.kind = "bounce";
    c.time = tc;
    c.speed_in = -v_in;
    c.restitution = -v_out / v_in;
    c.uncertainty = std::hypot(s0.rms, s1.rms) / std::abs(v_in - v_out);
    // A flight of two frames fits any parabola exactly: its residual says nothing.
    if (s0.frames.size() < 3 || s1.frames.size() < 3) c.uncertainty = std::max(c.uncertainty, 0.02);
    const int f = s0.frames.back();
    c.x = out.places[s0.track][f].x;
    out.contacts.push_back(c);
  }
  // Landings: a flight coming down that ends on the floor; contact where its lowest edge reaches the floor.
  for (size_t i = 0; i < segs.size(); ++i) {
    const Segment& s = segs[i];
    if (s.frames.size() < 3) continue;
    const int last = s.frames.back();
    if (i + 1 < segs.size() && segs[i + 1].track == s.track && segs[i + 1].frames.front() - last <= 2) continue;
    if (last + 1 >= n || !on_floor(s.track, last + 1)) continue;
    const double t_last = last * dt;
    const double v_end = speed_at(s, a, t_last);
    if (v_end > -0.5) continue;
    std::vector<double> offsets;
    for (int f : s.frames) offsets.push_back(out.places[s.track][f].height - out.places[s.track][f].gap);
    std::nth_element(offsets.begin(), offsets.begin() + offsets.size() / 2, offsets.end());
    const double contact = offsets[offsets.size() / 2];
    // Solve c + b t + a t^2 / 2 = contact for the root after the last frame.
    const double qa = 0.5 * a, qb = s.b, qc = s.c - contact;
    const double disc = qb * qb - 4 * qa * qc;
    if (disc < 0 || std::abs(qa) < 1e-9) continue;
    const double r1 = (-qb - std::sqrt(disc)) / (2 * qa), r2 = (-qb + std::sqrt(disc)) / (2 * qa);
    double tc = -1;
    for (double r : {r1, r2})
      if (r >= t_last - 0.25 * dt && r <= t_last + 1.5 * dt) tc = r;
    if (tc < 0) continue;
    Contact c;
    c.subject = s.track;
    c.kind = "landing";
    c.time = tc;
    c.speed_in = -speed_at(s, a, tc);
    c.uncertainty = (s.rms + 0.5 / pixels_per_metre(w, h) / std::sqrt(static_cast<double>(s.frames.size()))) / std::abs(c.speed_in);
    c.x = out.places[s.track][last].x;
    out.contacts.push_back(c);
  }
  std::sort(out.contacts.begin(), out.contacts.end(), [](const Contact& x, const Contact& y) { return x.time < y.time; });

  // Leaving the floor upwards from rest with nothing near: what a bounce looks like played backwards.
  for (const Segment& s : segs) {
    const int first = s.frames.front();
    if (first < 2 || !on_floor(s.track, first - 1) || !on_floor(s.track, first - 2)) continue;
    if (!tracks[s.track].frames[first - 1].whole) continue;
    const double v0 = speed_at(s, a, first * dt);
    if (v0 < 1.0) continue;
    const Detection& d = tracks[s.track].frames[first - 1];
    const double reach = 2.0 * std::max(d.right - d.left, d.bottom - d.top);
    bool near = false;
    for (size_t o = 0; o < tracks.size(); ++o) {
      if (static_cast<int>(o) == s.track) continue;
      for (int f = std::max(0, first - 2); f <= first; ++f) {
        const Detection& e = tracks[o].frames[f];
        if (e.found && std::abs(e.cx - d.cx) < reach && std::abs(e.cy - d.cy) < reach) near = true;
      }
    }
    if (!near) ++out.launches_from_rest;
  }
  return out;
}

}  // namespace kinema::eval
