// Pixels to blobs: a blend model per colour class (thing colour over the sky), connected components, holes
// filled, shapes and kind fits.
#include "eval/blobs.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace kinema::eval {
namespace {

constexpr double kForeground = 22.0;  // RGB distance from the sky (or the drawn sun/moon) that makes a candidate
constexpr uint8_t kNone = kBlobClasses;

// A colour a pixel may show: a thing's colour (cls >= 0) or a distractor the world draws in the sky (-1).
struct ClassModel {
  int cls = -1;
  Rgbf colour;
  double beta_min = 0.4, beta_max = 1.3;  // brightness range (shading, shadow sides, glows)
};

std::vector<ClassModel> class_models(world::Style style, double light) {
  using world::Style;
  std::vector<ClassModel> out;
  const bool neon = style == Style::neon;
  for (int c = 0; c < world::kColours; ++c) {
    const auto colour = static_cast<world::Colour>(c);
    ClassModel m;
    m.cls = c;
    if (neon) {
      m.colour = rgbf(world::palette_colour(style, colour));  // glows; fills are 0.3 of it
      m.beta_min = 0.2;
      m.beta_max = 1.45;
    } else {
      m.colour = rgbf(world::fill_colour(style, colour, light));
      m.beta_min = 0.4;
      m.beta_max = 1.3;
    }
    out.push_back(m);
    if (neon) {  // the bright core of a neon outline: the glow lightened towards white
      m.colour = rgbf(world::mix(world::palette_colour(style, colour), {255, 255, 255}, 0.35));
      m.beta_min = 0.5;
      m.beta_max = 1.15;
      out.push_back(m);
    }
  }
  ClassModel skin;
  skin.cls = kSkinClass;
  const world::Tint tint = neon ? world::Tint{0.3, 0.3, 0.3} : world::light_tint(light);
  skin.colour = rgbf(world::scale(world::kSkinColour, tint));
  skin.beta_min = 0.5;
  skin.beta_max = neon ? 3.0 : 1.2;
  out.push_back(skin);
  out.push_back({-1, {30, 24, 40}, 0.3, 2.2});  // anime ink, dark edges
  if (light < 1.1) {
    const double t = std::clamp(light, 0.0, 1.0);
    out.push_back({-1, rgbf(world::mix({255, 242, 160}, {255, 140, 50}, t)), 0.8, 1.1});
  }
  if (light > 1.15) out.push_back({-1, neon ? Rgbf{120, 230, 255} : Rgbf{236, 236, 220}, 0.6, 1.1});
  return out;
}

struct BlendFit {
  double residual = std::numeric_limits<double>::infinity();
  double alpha = 0;
};

double dot(Rgbf a, Rgbf b) { return static_cast<double>(a.r) * b.r + static_cast<double>(a.g) * b.g + static_cast<double>(a.b) * b.b; }

// Fits c = alpha * beta * f + (1 - alpha) * s with alpha in [0, 1] and beta in the class's range.
BlendFit blend_fit(Rgbf c, Rgbf s, const ClassModel& m) {
  const Rgbf f = m.colour;
  const Rgbf y{c.r - s.r, c.g - s.g, c.b - s.b};
  const double ff = dot(f, f), fs = dot(f, s), ss = dot(s, s), fy = dot(f, y), sy = dot(s, y);
  double alpha = 1, u = 0;
  const double det = ff * ss - fs * fs;
  if (det > 1e-6 * ff * ss) {
    u = (ss * fy - fs * sy) / det;       // [ff -fs; -fs ss] [u; alpha] = [fy; -sy]
    alpha = (fs * fy - ff * sy) / det;
  }
  auto solve_alpha_for_beta = [&](double beta) {
    const Rgbf d{static_cast<float>(beta * f.r - s.r), static_cast<float>(beta * f.g - s.g), static_cast<float>(beta * f.b - s.b)};
    const double dd = dot(d, d);
    alpha = dd > 1e-9 ? std::clamp(dot(d, y) / dd, 0.0, 1.0) : 1.0;
    u = alpha * beta;
  };
  if (alpha >= 1.0 || det <= 1e-6 * ff * ss) {
    alpha = 1.0;
    u = std::clamp(dot(f, c) / std::max(ff, 1e-9), m.beta_min, m.beta_max);
  } else if (alpha <= 0.0) {
    return {};
  } else {
    const double beta = u / alpha;
    if (beta < m.beta_min || beta > m.beta_max) solve_alpha_for_beta(std::clamp(beta, m.beta_min, m.beta_max));
  }
  const double rr = y.r - (u * f.r - alpha * s.r), rg = y.g - (u * f.g - alpha * s.g), rb = y.b - (u * f.b - alpha * s.b);
  return {std::sqrt(rr * rr + rg * rg + rb * rb), alpha};
}

double tolerance(world::Style style, Rgbf c) {
  const double top = std::max({c.r, c.g, c.b});
  return (style == world::Style::pixel ? 30.0 : 22.0) + 0.1 * top;
}

struct Labelled {
  std::vector<uint8_t> cls;  // per pixel of the sky region, kNone when no thing
};

Labelled label_pixels(const uint8_t* rgb, int width, int height, const SegmentContext& ctx) {
  const int rows = sky_rows(height);
  Labelled out;
  out.cls.assign(static_cast<size_t>(rows) * width, kNone);
  const auto models = class_models(ctx.style, ctx.light);
  for (int y = 0; y < rows; ++y) {
    const Rgbf s = (*ctx.sky)[y];
    for (int x = 0; x < width; ++x) {
      if (ctx.ignore.contains(x, y)) continue;
      const size_t i = static_cast<size_t>(y) * width + x;
      const Rgbf c = rgbf(rgb + 3 * i);
      if (distance(c, s) < kForeground) continue;
      if (ctx.background && ctx.background_sky) {
        // Where the world draws the sun or moon at this light, a pixel that looks like that drawing (give or
        // take a pixel: the sun's edges and stripes move with the light) is sky.
        bool drawn_sky = false;
        for (int dy = -1; dy <= 1 && !drawn_sky; ++dy)
          for (int dx = -1; dx <= 1 && !drawn_sky; ++dx) {
            const int qx = x + dx, qy = y + dy;
            if (qx < 0 || qy < 0 || qx >= width || qy >= rows) continue;
            const Rgbf b = rgbf(ctx.background->data() + 3 * (static_cast<size_t>(qy) * width + qx));
            const double drawn = distance(b, (*ctx.background_sky)[qy]);
            drawn_sky = drawn > kForeground && distance(c, b) < std::max(kForeground, 0.4 * drawn);
          }
        if (drawn_sky) continue;
      }
      BlendFit best;
      int best_cls = -1;
      for (const ClassModel& m : models) {
        const BlendFit fit = blend_fit(c, s, m);
        if (fit.residual < best.residual) {
          best = fit;
          best_cls = m.cls;
        }
      }
      if (best_cls >= 0 && best.alpha >= 0.5 && best.residual <= tolerance(ctx.style, c))
        out.cls[i] = static_cast<uint8_t>(best_cls);
    }
  }
  return out;
}

struct Component {
  int cls = 0;
  std::vector<int> pixels;  // indices into the sky region
  bool dropped = false;
};

// 8-connected components of each class.
std::vector<Component> components_of(const std::vector<uint8_t>& cls, int width, int rows, std::vector<int>& id) {
  std::vector<Component> out;
  id.assign(cls.size(), -1);
  std::vector<int> stack;
  for (int start = 0; start < static_cast<int>(cls.size()); ++start) {
    if (cls[start] == kNone || id[start] >= 0) continue;
    Component c;
    c.cls = cls[start];
    const int index = static_cast<int>(out.size());
    stack.push_back(start);
    id[start] = index;
    while (!stack.empty()) {
      const int p = stack.back();
      stack.pop_back();
      c.pixels.push_back(p);
      const int px = p % width, py = p / width;
      for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx) {
          const int qx = px + dx, qy = py + dy;
          if (qx < 0 || qy < 0 || qx >= width || qy >= rows) continue;
          const int q = qy * width + qx;
          if (id[q] < 0 && cls[q] == c.cls) {
            id[q] = index;
            stack.push_back(q);
          }
        }
    }
    out.push_back(std::move(c));
  }
  return out;
}

// Pixels inside a component's outline that are not its own (flood fill from outside its bounding box).
std::vector<int> holes_of(const Component& c, const std::vector<int>& id, int index, int width, int rows) {
  int x0 = width, y0 = rows, x1 = -1, y1 = -1;
  for (int p : c.pixels) {
    x0 = std::min(x0, p % width);
    x1 = std::max(x1, p % width);
    y0 = std::min(y0, p / width);
    y1 = std::max(y1, p / width);
  }
  const int bw = x1 - x0 + 3, bh = y1 - y0 + 3;  // one cell of margin all round
  std::vector<uint8_t> state(static_cast<size_t>(bw) * bh, 0);  // 0 unknown, 1 component, 2 outside
  for (int p : c.pixels) state[(p / width - y0 + 1) * bw + (p % width - x0 + 1)] = 1;
  std::vector<int> stack{0};
  state[0] = 2;
  while (!stack.empty()) {
    const int q = stack.back();
    stack.pop_back();
    const int qx = q % bw, qy = q / bw;
    const int nx[4] = {qx - 1, qx + 1, qx, qx}, ny[4] = {qy, qy, qy - 1, qy + 1};
    for (int k = 0; k < 4; ++k) {
      if (nx[k] < 0 || ny[k] < 0 || nx[k] >= bw || ny[k] >= bh) continue;
      const int r = ny[k] * bw + nx[k];
      if (state[r] == 0) {
        state[r] = 2;
        stack.push_back(r);
      }
    }
  }
  std::vector<int> holes;
  for (int qy = 1; qy < bh - 1; ++qy)
    for (int qx = 1; qx < bw - 1; ++qx)
      if (state[qy * bw + qx] == 0) {
        const int x = x0 + qx - 1, y = y0 + qy - 1;
        if (x >= 0 && x < width && y >= 0 && y < rows && id[y * width + x] != index) holes.push_back(y * width + x);
      }
  return holes;
}

double squared(double v) { return v * v; }

double cross(const std::pair<double, double>& o, const std::pair<double, double>& a, const std::pair<double, double>& b) {
  return (a.first - o.first) * (b.second - o.second) - (a.second - o.second) * (b.first - o.first);
}

// Area of the convex hull of the pixels' squares (Andrew's monotone chain over each row's outer corners).
double hull_area(const std::vector<int>& pixels, int width) {
  std::map<int, std::pair<int, int>> rows;  // y -> (leftmost x, rightmost x)
  for (int p : pixels) {
    const int x = p % width, y = p / width;
    auto [it, fresh] = rows.try_emplace(y, x, x);
    if (!fresh) {
      it->second.first = std::min(it->second.first, x);
      it->second.second = std::max(it->second.second, x);
    }
  }
  std::vector<std::pair<double, double>> pts;
  for (const auto& [y, span] : rows)
    for (double dy : {0.0, 1.0}) {
      pts.emplace_back(span.first, y + dy);
      pts.emplace_back(span.second + 1.0, y + dy);
    }
  std::sort(pts.begin(), pts.end());
  pts.erase(std::unique(pts.begin(), pts.end()), pts.end());
  if (pts.size() < 3) return static_cast<double>(pixels.size());
  std::vector<std::pair<double, double>> hull(2 * pts.size());
  size_t k = 0;
  for (size_t i = 0; i < pts.size(); ++i) {
    while (k >= 2 && cross(hull[k - 2], hull[k - 1], pts[i]) <= 0) --k;
    hull[k++] = pts[i];
  }
  for (size_t i = pts.size() - 1, t = k + 1; i > 0; --i) {
    while (k >= t && cross(hull[k - 2], hull[k - 1], pts[i - 1]) <= 0) --k;
    hull[k++] = pts[i - 1];
  }
  hull.resize(k - 1);
  double area = 0;
  for (size_t i = 0; i < hull.size(); ++i) {
    const auto& a = hull[i];
    const auto& b = hull[(i + 1) % hull.size()];
    area += a.first * b.second - b.first * a.second;
  }
  return std::max(0.5 * std::abs(area), 1.0);
}

void fit_kinds(Blob& b) {
  using world::Kind;
  // Small blobs are coarse: their shape measures spread more.
  const double widen = 1.0 + 25.0 / std::max(b.pixels, 1);
  const double e = b.elongation(), f = b.fill;
  auto shape = [&](double e0, double se, double f0, double sf) {
    return -0.5 * (squared((e - e0) / (se * widen)) + squared((f - f0) / (sf * widen)));
  };
  // Balls, boxes and glasses are convex; a character's limbs are not.
  const double convex = b.solidity >= 0.93 ? 0.0 : -0.5 * squared((0.93 - b.solidity) / (0.06 * widen));
  b.kind_fit[static_cast<int>(Kind::ball)] = shape(1.0, 0.12, 0.78, 0.07) + convex - (b.has_head ? 4.0 : 0.0);
  b.kind_fit[static_cast<int>(Kind::box)] = shape(1.12, 0.12, 0.95, 0.06) + convex - (b.has_head ? 4.0 : 0.0);
  // A glass stands taller than wide (a box is wider than tall).
  const double lying = squared(std::cos(b.angle));
  b.kind_fit[static_cast<int>(Kind::glass)] = shape(1.55, 0.25, 0.84, 0.08) + convex - 3.0 * lying - (b.has_head ? 4.0 : 0.0);
  b.kind_fit[static_cast<int>(Kind::character)] = shape(2.3, 0.8, 0.55, 0.15) -
                                                  0.5 * squared((b.solidity - 0.7) / (0.15 * widen)) + (b.has_head ? 2.0 : -1.5);
}

Blob measure(const std::vector<int>& pixels, int cls, int width, int height, const Rect& ignore) {
  Blob b;
  b.cls = cls;
  b.pixels = static_cast<int>(pixels.size());
  double sx = 0, sy = 0;
  b.x0 = width;
  b.y0 = height;
  for (int p : pixels) {
    const int x = p % width, y = p / width;
    sx += x + 0.5;
    sy += y + 0.5;
    b.x0 = std::min(b.x0, x);
    b.y0 = std::min(b.y0, y);
    b.x1 = std::max(b.x1, x + 1);
    b.y1 = std::max(b.y1, y + 1);
  }
  b.cx = sx / b.pixels;
  b.cy = sy / b.pixels;
  double cxx = 0, cyy = 0, cxy = 0;
  for (int p : pixels) {
    const double dx = p % width + 0.5 - b.cx, dy = p / width + 0.5 - b.cy;
    cxx += dx * dx;
    cyy += dy * dy;
    cxy += dx * dy;
  }
  // The smallest rectangle around the blob over orientations every 7.5 degrees (a square's principal axes
  // are undefined, so the moments' axis alone can turn its box by 45 degrees and halve its fill).
  const double principal = 0.5 * std::atan2(2 * cxy, cxx - cyy);
  double best_area = 1e18;
  for (int k = 0; k <= 12; ++k) {
    const double angle = k < 12 ? k * 3.14159265358979 / 24 : principal;
    const double ux = std::cos(angle), uy = std::sin(angle);
    double lo_u = 1e9, hi_u = -1e9, lo_v = 1e9, hi_v = -1e9;
    for (int p : pixels) {
      const double dx = p % width + 0.5 - b.cx, dy = p / width + 0.5 - b.cy;
      const double u = dx * ux + dy * uy, v = -dx * uy + dy * ux;
      lo_u = std::min(lo_u, u);
      hi_u = std::max(hi_u, u);
      lo_v = std::min(lo_v, v);
      hi_v = std::max(hi_v, v);
    }
    const double along = hi_u - lo_u + 1.0, across = hi_v - lo_v + 1.0;
    if (along * across < best_area - 1e-9) {
      best_area = along * across;
      b.major = along;
      b.minor = across;
      b.angle = angle;
    }
  }
  if (b.minor > b.major) {
    std::swap(b.major, b.minor);
    b.angle += 1.5707963267948966;
  }
  b.fill = b.pixels / (b.major * b.minor);
  b.solidity = std::min(1.0, b.pixels / hull_area(pixels, width));
  // At the edge: within a couple of pixels of the border (a pixel-art block), partly out of view.
  const int margin = std::max(2, std::min(width, height) / 40);
  b.at_edge = b.x0 < margin || b.y0 < margin || b.x1 > width - margin;
  if (!ignore.empty())
    b.at_edge = b.at_edge || !(b.x1 + 1 < ignore.x || b.x0 - 1 > ignore.x + ignore.width || b.y1 + 1 < ignore.y ||
                               b.y0 - 1 > ignore.y + ignore.height);
  return b;
}

}  // namespace

world::Kind Blob::best_kind() const {
  int best = 0;
  for (int k = 1; k < world::kKinds; ++k)
    if (kind_fit[k] > kind_fit[best]) best = k;
  return static_cast<world::Kind>(best);
}

double pixels_per_metre(int width, int height) { return std::min(width, height) / world::kViewSpan; }

std::vector<uint8_t> classify_pixels(const uint8_t* rgb, int width, int height, const SegmentContext& context) {
  return label_pixels(rgb, width, height, context).cls;
}

// A morphological closing of each class over unlabelled pixels (3x3): a one-pixel line across a thing (a
// glass's highlight, a stripe left unexplained) no longer cuts it in two.
void close_gaps(std::vector<uint8_t>& cls, int width, int rows) {
  std::vector<uint8_t> grown(cls.size());
  for (int c = 0; c < kBlobClasses; ++c) {
    bool present = false;
    for (uint8_t v : cls) present = present || v == c;
    if (!present) continue;
    auto has_neighbour = [&](const std::vector<uint8_t>& m, int x, int y, bool all) {
      for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx) {
          const int qx = x + dx, qy = y + dy;
          if (qx < 0 || qy < 0 || qx >= width || qy >= rows) continue;
          const bool in = m[qy * width + qx] != 0;
          if (all && !in) return false;
          if (!all && in) return true;
        }
      return all;
    };
    std::vector<uint8_t> mask(cls.size());
    for (size_t i = 0; i < cls.size(); ++i) mask[i] = cls[i] == c;
    for (int y = 0; y < rows; ++y)
      for (int x = 0; x < width; ++x) {
        const size_t i = static_cast<size_t>(y) * width + x;
        grown[i] = mask[i] || (cls[i] == kNone && has_neighbour(mask, x, y, false));
      }
    for (int y = 0; y < rows; ++y)
      for (int x = 0; x < width; ++x) {
        const size_t i = static_cast<size_t>(y) * width + x;
        if (cls[i] == kNone && grown[i] && has_neighbour(grown, x, y, true)) cls[i] = static_cast<uint8_t>(c);
      }
  }
}

FrameBlobs find_blobs(const uint8_t* rgb, int width, int height, const SegmentContext& context) {
  const int rows = sky_rows(height);
  Labelled labelled = label_pixels(rgb, width, height, context);
  close_gaps(labelled.cls, width, rows);
  std::vector<int> id;
  std::vector<Component> comps = components_of(labelled.cls, width, rows, id);

  // Largest first: each takes the holes inside its outline, and any smaller component lying wholly inside
  // (a highlight, a stripe, an eye) becomes part of it.
  std::vector<int> order(comps.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  std::sort(order.begin(), order.end(), [&](int a, int b) { return comps[a].pixels.size() > comps[b].pixels.size(); });
  std::vector<std::vector<int>> filled(comps.size());
  std::vector<int> owner(id.size(), -1);
  for (int index : order) {
    Component& c = comps[index];
    if (c.dropped) continue;
    filled[index] = c.pixels;
    const std::vector<int> holes = holes_of(c, id, index, width, rows);
    std::vector<int> inside_count(comps.size(), 0);
    for (int p : holes) {
      filled[index].push_back(p);
      if (id[p] >= 0) ++inside_count[id[p]];
    }
    for (size_t other = 0; other < comps.size(); ++other)
      if (inside_count[other] > 0 && inside_count[other] == static_cast<int>(comps[other].pixels.size()))
        comps[other].dropped = true;
  }

  FrameBlobs out;
  std::vector<int> blob_of(comps.size(), -1);
  for (int index : order) {
    if (comps[index].dropped) continue;
    blob_of[index] = static_cast<int>(out.blobs.size());
    for (int p : filled[index]) owner[p] = blob_of[index];
    out.blobs.push_back(measure(filled[index], comps[index].cls, width, height, context.ignore));
  }
  // Heads: a skin blob marks the colour blob it touches most (within two pixels) as a character's.
  for (size_t s = 0; s < out.blobs.size(); ++s) {
    // A head: a roundish skin blob of at least a third of a small character's head at zoom 1.
    const double head_pixels = std::pow(0.13 * 0.85 * pixels_per_metre(width, height), 2) * 3.14159;
    if (out.blobs[s].cls != kSkinClass || out.blobs[s].pixels < std::max(3.0, 0.3 * head_pixels) || out.blobs[s].elongation() > 2.2)
      continue;
    std::vector<int> touches(out.blobs.size(), 0);
    for (int index = 0; index < static_cast<int>(comps.size()); ++index) {
      if (blob_of[index] != static_cast<int>(s)) continue;
      for (int p : filled[index]) {
        const int px = p % width, py = p / width;
        for (int dy = -2; dy <= 2; ++dy)
          for (int dx = -2; dx <= 2; ++dx) {
            const int qx = px + dx, qy = py + dy;
            if (qx < 0 || qy < 0 || qx >= width || qy >= rows) continue;
            const int o = owner[qy * width + qx];
            if (o >= 0 && o != static_cast<int>(s) && out.blobs[o].cls != kSkinClass) ++touches[o];
          }
      }
    }
    const auto most = std::max_element(touches.begin(), touches.end());
    if (*most > 0) out.blobs[most - touches.begin()].has_head = true;
  }
  for (Blob& b : out.blobs) fit_kinds(b);
  return out;
}

}  // namespace kinema::eval
