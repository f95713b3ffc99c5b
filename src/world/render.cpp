// The world's painter on Cairo: sky, floor, shadows and things per style, and the label map of the same shapes.
#include "world/render.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <cairo.h>

#include "core/error.h"
#include "world/geometry.h"
#include "world/labels.h"
#include "world/palette.h"
#include "world/rng.h"

namespace kinema::world {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kPuddleDepth = 0.15;  // metres: the water band at the top of the floor
constexpr Rgb kInk{30, 24, 40};        // anime outlines
constexpr int kStars = 24;

struct SurfaceDeleter {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct ContextDeleter {
  void operator()(cairo_t* c) const { cairo_destroy(c); }
};
struct PatternDeleter {
  void operator()(cairo_pattern_t* p) const { cairo_pattern_destroy(p); }
};
using Surface = std::unique_ptr<cairo_surface_t, SurfaceDeleter>;
using Context = std::unique_ptr<cairo_t, ContextDeleter>;
using Pattern = std::unique_ptr<cairo_pattern_t, PatternDeleter>;

Surface make_surface(cairo_format_t format, int width, int height) {
  Surface s(cairo_image_surface_create(format, width, height));
  if (cairo_surface_status(s.get()) != CAIRO_STATUS_SUCCESS)
    fail(ErrorKind::internal, std::string("cairo surface: ") + cairo_status_to_string(cairo_surface_status(s.get())));
  return s;
}

Rgb darker(Rgb c, double f) { return scale(c, {f, f, f}); }
Rgb lighter(Rgb c, double f) { return mix(c, {255, 255, 255}, f); }

void set_colour(cairo_t* cr, Rgb c, double alpha = 1.0) {
  if (alpha >= 1.0) cairo_set_source_rgb(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0);
  else cairo_set_source_rgba(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0, alpha);
}

void add_stop(cairo_pattern_t* p, double offset, Rgb c, double alpha = 1.0) {
  cairo_pattern_add_color_stop_rgba(p, offset, c.r / 255.0, c.g / 255.0, c.b / 255.0, alpha);
}

// The limb angles of the character's pose: back leg, front leg, back arm, front arm (radians, 0 = down,
// positive swings forward).
struct Limbs {
  double leg[2], arm[2];
};

Limbs limbs_of(const ObjectState& o) {
  const double s = std::sin(2 * kPi * o.gait_phase);
  switch (o.pose) {
    case Pose::stand: return {{-0.06, 0.06}, {-0.12, 0.12}};
    case Pose::walk: return {{-0.45 * s, 0.45 * s}, {0.5 * s, -0.5 * s}};
    case Pose::run: return {{-0.8 * s, 0.8 * s}, {0.9 * s, -0.9 * s}};
    case Pose::air: return {{-0.35, 0.55}, {2.3, 2.7}};
    case Pose::fallen: return {{-0.1, 0.1}, {0.5, -0.4}};
  }
  return {{0, 0}, {0, 0}};
}

// What is being drawn: the picture in a style, or the label map.
struct Canvas {
  cairo_t* cr = nullptr;
  bool labels = false;
  Style style = Style::cartoon;
  double light = 0;
  View view;
  int width = 0, height = 0;  // full-resolution pixels (the coarse grid's user space in pixel art)
  double min_line = 0;        // pixels: a line is at least this wide (one grid cell in pixel art)

  double px(double pixels) const { return std::max(pixels, min_line) / view.scale; }  // pixels to metres
  void label(uint8_t value) const { cairo_set_source_rgba(cr, 0, 0, 0, value / 255.0); }
};

class Painter {
 public:
  Painter(const Scene& scene) : scene_(scene) {
    Rng rng(derive_seed(scene.seed, "stars"));
    for (int i = 0; i < kStars; ++i) stars_.push_back({rng.uniform(), rng.uniform(0.02, 0.62)});
    if (scene.style == Style::realistic) make_textures();
  }

  // Paints the frame; `background` is the sky already drawn for this light (nullptr: draw it here).
  void paint(const Canvas& c, const FrameState& frame, cairo_surface_t* background = nullptr) {
    cairo_t* cr = c.cr;
    cairo_save(cr);
    if (background) {
      cairo_identity_matrix(cr);
      cairo_set_source_surface(cr, background, 0, 0);
      cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
      cairo_paint(cr);
    } else {
      sky(c);
      sun_and_moon(c);
    }
    cairo_restore(cr);

    cairo_save(cr);
    cairo_matrix_t world;
    cairo_matrix_init(&world, c.view.scale, 0, 0, -c.view.scale, -c.view.left * c.view.scale, c.view.floor);
    cairo_transform(cr, &world);
    floor(c);
    if (!c.labels) shadows(c, frame);
    for (const ObjectState& o : frame.objects)
      if (o.kind != Kind::character && !o.broken) thing(c, o);
    for (const ObjectState& o : frame.objects)
      if (o.kind == Kind::character) character(c, o);
    cairo_restore(cr);
  }

  void background(const Canvas& c) {
    cairo_save(c.cr);
    sky(c);
    sun_and_moon(c);
    cairo_restore(c.cr);
  }

 private:
  // ---- sky ----

  void sky(const Canvas& c) {
    cairo_t* cr = c.cr;
    const double horizon = kFloorRow * c.height;
    cairo_rectangle(cr, 0, 0, c.width, c.height);
    if (c.labels) {
      c.label(kLabelSky);
      cairo_fill(cr);
      return;
    }
    const SkyColours sky = sky_colours(c.style, c.light);
    switch (c.style) {
      case Style::cartoon:
        set_colour(cr, sky.top);
        cairo_fill(cr);
        break;
      case Style::realistic:
      case Style::neon: {
        Pattern p(cairo_pattern_create_linear(0, 0, 0, horizon));
        add_stop(p.get(), 0, sky.top);
        add_stop(p.get(), 1, sky.horizon);
        cairo_set_source(cr, p.get());
        cairo_fill(cr);
        break;
      }
      case Style::anime:
      case Style::pixel: {
        cairo_new_path(cr);
        const int bands = c.style == Style::anime ? 4 : 6;
        for (int i = 0; i < bands; ++i) {
          const double top = horizon * i / bands, bottom = i + 1 == bands ? c.height : horizon * (i + 1) / bands;
          cairo_rectangle(cr, 0, top, c.width, bottom - top);
          set_colour(cr, mix(sky.top, sky.horizon, (i + 0.5) / bands));
          cairo_fill(cr);
        }
        break;
      }
    }
  }

  void sun_and_moon(const Canvas& c) {
    cairo_t* cr = c.cr;
    const double side = std::min(c.width, c.height);
    const double horizon = kFloorRow * c.height;
    // Stars and the moon fade in from light 1.2; the sun sinks to the floor line by light 1.
    const double night = std::clamp((c.light - 1.2) / 0.4, 0.0, 1.0);
    if (!c.labels && night > 0) {
      const Rgb star{255, 255, 230};
      for (const Vec2& s : stars_) {
        const double size = std::max(c.min_line, side / 110.0);
        cairo_rectangle(cr, s.x * c.width, s.y * horizon, size, size);
      }
      set_colour(cr, star, night * (c.style == Style::neon ? 0.9 : 0.8));
      cairo_fill(cr);
    }
    if (night > 0.5 || (!c.labels && night > 0)) {
      const double r = side * (c.style == Style::neon ? 0.06 : 0.045);
      cairo_arc(cr, 0.22 * c.width, 0.18 * c.height, r, 0, 2 * kPi);
      if (c.labels) {
        c.label(kLabelSun);
        cairo_fill(cr);
      } else {
        set_colour(cr, c.style == Style::neon ? Rgb{120, 230, 255} : Rgb{236, 236, 220}, night);
        if (c.style == Style::neon) {
          cairo_set_line_width(cr, std::max(c.min_line, side / 80.0));
          cairo_stroke(cr);
        } else {
          cairo_fill(cr);
        }
      }
    }
    if (c.light < 1.1) {
      const double t = std::clamp(c.light, 0.0, 1.0);
      const double r = side * (c.style == Style::neon ? 0.12 : 0.06);
      const double x = 0.78 * c.width, y = (0.15 + (kFloorRow - 0.15) * t) * c.height;
      if (c.labels) {
        if (y - r < horizon) {
          cairo_arc(cr, x, y, r, 0, 2 * kPi);
          c.label(kLabelSun);
          cairo_fill(cr);
        }
        return;
      }
      const Rgb sun = mix({255, 242, 160}, {255, 140, 50}, t);
      if (c.style == Style::realistic) {
        Pattern glow(cairo_pattern_create_radial(x, y, r, x, y, 3 * r));
        add_stop(glow.get(), 0, sun, 0.45);
        add_stop(glow.get(), 1, sun, 0.0);
        cairo_set_source(cr, glow.get());
        cairo_arc(cr, x, y, 3 * r, 0, 2 * kPi);
        cairo_fill(cr);
      }
      cairo_arc(cr, x, y, r, 0, 2 * kPi);
      if (c.style == Style::neon) {
        Pattern p(cairo_pattern_create_linear(0, y - r, 0, y + r));
        add_stop(p.get(), 0, {255, 230, 60});
        add_stop(p.get(), 1, {255, 40, 160});
        cairo_set_source(cr, p.get());
        cairo_fill(cr);
        // The retro sun's horizontal cuts.
        const SkyColours sky = sky_colours(c.style, c.light);
        for (int i = 0; i < 4; ++i) {
          const double h = r * (0.08 + 0.05 * i);
          cairo_rectangle(cr, x - r, y + r * (0.1 + 0.22 * i), 2 * r, h);
        }
        set_colour(cr, mix(sky.top, sky.horizon, 0.8));
        cairo_fill(cr);
      } else {
        set_colour(cr, sun);
        cairo_fill(cr);
        if (c.style == Style::anime) {
          cairo_arc(cr, x, y, r, 0, 2 * kPi);
          set_colour(cr, lighter(sun, 0.3));
          cairo_set_line_width(cr, std::max(1.0, side / 90.0));
          cairo_stroke(cr);
        }
      }
    }
  }

  // ---- floor ----

  struct Segment {
    double from, to;
    Material material;
  };

  std::vector<Segment> segments(double left, double right) const {
    std::vector<double> cuts{left, right};
    for (const GroundPatch& p : scene_.patches) {
      if (p.from > left && p.from < right) cuts.push_back(p.from);
      if (p.to > left && p.to < right) cuts.push_back(p.to);
    }
    std::sort(cuts.begin(), cuts.end());
    std::vector<Segment> out;
    for (size_t i = 0; i + 1 < cuts.size(); ++i)
      if (cuts[i + 1] > cuts[i]) out.push_back({cuts[i], cuts[i + 1], scene_.ground_at(0.5 * (cuts[i] + cuts[i + 1]))});
    return out;
  }

  void floor(const Canvas& c) {
    cairo_t* cr = c.cr;
    const double left = c.view.world_x(-2), right = c.view.world_x(c.width + 2);
    const double bottom = c.view.world_y(c.height + 2);
    const auto parts = segments(left, right);
    for (const Segment& s : parts) {
      // A puddle lies on the floor: the floor beneath it is the ground's material.
      const Material face = s.material == Material::water ? scene_.ground : s.material;
      cairo_rectangle(cr, s.from, bottom, s.to - s.from, -bottom);
      if (c.labels) c.label(floor_label(face));
      else floor_face(c, face, s.from, s.to, bottom);
      cairo_fill(cr);
      if (!c.labels) floor_details(c, face, s.from, s.to, bottom);
      if (s.material == Material::water) {
        cairo_rectangle(cr, s.from, -kPuddleDepth, s.to - s.from, kPuddleDepth);
        if (c.labels) {
          c.label(floor_label(Material::water));
          cairo_fill(cr);
        } else {
          puddle(c, s.from, s.to);
        }
      }
    }
    if (!c.labels && c.style != Style::cartoon) {
      // The floor line: a lit edge (dark ink in anime, a glow in neon).
      for (const Segment& s : parts) {
        const Material m = s.material;
        cairo_move_to(cr, s.from, 0);
        cairo_line_to(cr, s.to, 0);
        if (c.style == Style::anime) set_colour(cr, kInk);
        else if (c.style == Style::neon) set_colour(cr, neon_floor_glow(m));
        else set_colour(cr, lighter(lit_floor_colour(c.style, m, c.light), 0.3));
        cairo_set_line_width(cr, c.px(c.style == Style::pixel ? 1.0 : 1.2));
        cairo_stroke(cr);
      }
    }
  }

  static Rgb neon_floor_glow(Material m) {
    switch (m) {
      case Material::wood: return {255, 140, 40};
      case Material::metal: return {80, 240, 255};
      case Material::grass: return {60, 255, 100};
      case Material::ice: return {170, 230, 255};
      case Material::sand: return {255, 220, 80};
      case Material::water: return {40, 120, 255};
      default: return {255, 60, 220};
    }
  }

  // Sets the source for a floor's face (the path is already set).
  void floor_face(const Canvas& c, Material m, double from, double to, double bottom) {
    cairo_t* cr = c.cr;
    const Rgb base = lit_floor_colour(c.style, m, c.light);
    if (c.style == Style::realistic) {
      Pattern p(cairo_pattern_create_linear(0, 0, 0, bottom));
      add_stop(p.get(), 0, lighter(base, 0.12));
      add_stop(p.get(), 1, darker(base, 0.6));
      cairo_set_source(cr, p.get());
      return;
    }
    set_colour(cr, base);
  }

  void floor_details(const Canvas& c, Material m, double from, double to, double bottom) {
    cairo_t* cr = c.cr;
    const Rgb base = lit_floor_colour(c.style, m, c.light);
    switch (c.style) {
      case Style::cartoon:
      case Style::pixel:
      case Style::anime: {
        // The top of the floor, seen a little from above: a lighter strip.
        cairo_rectangle(cr, from, -0.12, to - from, 0.12);
        set_colour(cr, lighter(base, c.style == Style::anime ? 0.25 : 0.18));
        cairo_fill(cr);
        if (m == Material::ice) {  // glints: ice reads as ice, not as pale floor
          for (double x = std::floor(from / 0.6) * 0.6 + 0.15; x < to - 0.2; x += 0.6) {
            cairo_move_to(cr, x, -0.25);
            cairo_line_to(cr, x + 0.22, -0.5);
          }
          set_colour(cr, {255, 255, 255}, 0.85);
          cairo_set_line_width(cr, c.px(1.2));
          cairo_stroke(cr);
        }
        break;
      }
      case Style::realistic: {
        const int index = static_cast<int>(m);
        if (index < kGroundMaterials && textures_[index]) {
          cairo_save(cr);
          cairo_rectangle(cr, from, bottom, to - from, -bottom);
          cairo_clip(cr);
          cairo_set_source(cr, textures_[index].get());
          cairo_paint(cr);
          cairo_restore(cr);
        }
        break;
      }
      case Style::neon: {
        // A glowing grid: rows closer together towards the floor line (perspective), columns every 0.5 m.
        const Rgb glow = neon_floor_glow(m);
        for (double y : {-0.08, -0.2, -0.38, -0.62, -0.95}) {
          cairo_move_to(cr, from, y);
          cairo_line_to(cr, to, y);
        }
        for (double x = std::ceil(from * 2) / 2; x < to; x += 0.5) {
          cairo_move_to(cr, x, 0);
          cairo_line_to(cr, x + (x - c.view.world_x(c.width / 2.0)) * 0.4, bottom);
        }
        set_colour(cr, glow, 0.55);
        cairo_set_line_width(cr, c.px(0.8));
        cairo_stroke(cr);
        break;
      }
    }
  }

  void puddle(const Canvas& c, double from, double to) {
    cairo_t* cr = c.cr;
    const Rgb water = lit_floor_colour(c.style, Material::water, c.light);
    cairo_rectangle(cr, from, -kPuddleDepth, to - from, kPuddleDepth);
    if (c.style == Style::realistic) {
      Pattern p(cairo_pattern_create_linear(0, 0, 0, -kPuddleDepth));
      add_stop(p.get(), 0, lighter(water, 0.35));
      add_stop(p.get(), 1, darker(water, 0.8));
      cairo_set_source(cr, p.get());
    } else {
      set_colour(cr, water);
    }
    cairo_fill(cr);
    // Glints on the surface.
    const Rgb glint = c.style == Style::neon ? Rgb{120, 200, 255} : lighter(water, 0.6);
    for (double x = from + 0.1; x < to - 0.15; x += 0.35) {
      cairo_move_to(cr, x, -0.04);
      cairo_line_to(cr, x + 0.12, -0.04);
    }
    set_colour(cr, glint);
    cairo_set_line_width(cr, c.px(1.0));
    cairo_stroke(cr);
  }

  // Realistic floors: a texture per material drawn over the lit colour, translucent white where it lightens
  // and black where it darkens (grain, brushed metal, blades, streaks, speckle).
  void make_textures() {
    constexpr int n = 64;
    for (int m = 0; m < kGroundMaterials; ++m) {
      Surface tex = make_surface(CAIRO_FORMAT_ARGB32, n, n);
      cairo_surface_flush(tex.get());
      uint8_t* data = cairo_image_surface_get_data(tex.get());
      const int stride = cairo_image_surface_get_stride(tex.get());
      Rng rng(derive_seed(static_cast<uint64_t>(m), "texture"));
      std::vector<double> row_noise(n), col_noise(n);
      for (double& v : row_noise) v = rng.uniform(-1, 1);
      for (double& v : col_noise) v = rng.uniform(-1, 1);
      for (int y = 0; y < n; ++y)
        for (int x = 0; x < n; ++x) {
          const double grain = rng.uniform(-1, 1);
          double v = 0;
          switch (static_cast<Material>(m)) {
            case Material::wood: v = 0.55 * row_noise[y] + 0.2 * grain + (x % 32 == 0 ? -0.8 : 0); break;
            case Material::metal: v = 0.35 * row_noise[y] + 0.1 * grain; break;
            case Material::grass: v = 0.5 * col_noise[x] + 0.35 * grain; break;
            case Material::ice: v = ((x + y) % 16 < 2 ? 0.7 : 0) + 0.1 * grain; break;
            case Material::sand: v = 0.6 * grain; break;
            default: v = 0.3 * std::sin((x + 2 * y) * 0.4) + 0.1 * grain; break;
          }
          // Premultiplied: white or black at an alpha that follows the texture's strength.
          const uint32_t a = static_cast<uint32_t>(std::clamp(std::abs(v) * 70.0, 0.0, 255.0));
          const uint32_t g = v > 0 ? a : 0;
          uint32_t* px = reinterpret_cast<uint32_t*>(data + y * stride) + x;
          *px = a << 24 | g << 16 | g << 8 | g;
        }
      cairo_surface_mark_dirty(tex.get());
      Pattern p(cairo_pattern_create_for_surface(tex.get()));
      cairo_pattern_set_extend(p.get(), CAIRO_EXTEND_REPEAT);
      cairo_pattern_set_filter(p.get(), CAIRO_FILTER_FAST);
      // Pattern space is texels; user space is metres (y up): 40 texels per metre.
      cairo_matrix_t m2;
      cairo_matrix_init(&m2, 40, 0, 0, -40, 0, 0);
      cairo_pattern_set_matrix(p.get(), &m2);
      textures_[m] = std::move(p);
    }
  }

  // ---- things ----

  void shadows(const Canvas& c, const FrameState& frame) {
    if (c.style != Style::realistic && c.style != Style::anime) return;
    cairo_t* cr = c.cr;
    for (const ObjectState& o : frame.objects) {
      if (o.broken || o.fragment) continue;
      const double half = o.kind == Kind::ball ? ball_radius(o.size) : o.kind == Kind::box ? box_half_size(o.size).x
                          : o.kind == Kind::glass ? glass_shape(o.size).rim_half_width : 0.3;
      const double above = std::max(0.0, o.y - origin_above_bottom(o.kind, o.size));
      const double strength = std::clamp(1.0 - above / 2.5, 0.0, 1.0);
      if (strength <= 0) continue;
      cairo_save(cr);
      cairo_translate(cr, o.x, -0.02);
      cairo_scale(cr, half * (1.2 + 0.3 * above), 0.07);
      cairo_arc(cr, 0, 0, 1, 0, 2 * kPi);
      if (c.style == Style::realistic) {
        Pattern p(cairo_pattern_create_radial(0, 0, 0, 0, 0, 1));
        add_stop(p.get(), 0, {0, 0, 0}, 0.45 * strength);
        add_stop(p.get(), 1, {0, 0, 0}, 0.0);
        cairo_set_source(cr, p.get());
      } else {
        set_colour(cr, {0, 0, 0}, 0.3 * strength);
      }
      cairo_fill(cr);
      cairo_restore(cr);
    }
  }

  void thing(const Canvas& c, const ObjectState& o) {
    cairo_t* cr = c.cr;
    cairo_save(cr);
    cairo_translate(cr, o.x, o.y);
    cairo_rotate(cr, o.angle);
    if (o.fragment) fragment(c, o);
    else if (o.kind == Kind::ball) ball(c, o);
    else if (o.kind == Kind::box) box(c, o);
    else if (o.kind == Kind::glass) glass(c, o);
    cairo_restore(cr);
  }

  // Strokes the current path as an outline in the style (anime ink, neon glow, pixel dark edge).
  void outline(const Canvas& c, Rgb colour, double width_px = 1.3) {
    cairo_t* cr = c.cr;
    switch (c.style) {
      case Style::anime:
        set_colour(cr, kInk);
        cairo_set_line_width(cr, c.px(width_px * 1.1));
        cairo_stroke(cr);
        break;
      case Style::neon: {
        const Rgb glow = colour;
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        set_colour(cr, glow, 0.3);
        cairo_set_line_width(cr, c.px(width_px * 3.2));
        cairo_stroke_preserve(cr);
        set_colour(cr, lighter(glow, 0.35));
        cairo_set_line_width(cr, c.px(width_px * 0.9));
        cairo_stroke(cr);
        break;
      }
      default:
        cairo_new_path(cr);
        break;
    }
  }

  void ball(const Canvas& c, const ObjectState& o) {
    cairo_t* cr = c.cr;
    const double r = ball_radius(o.size);
    cairo_arc(cr, 0, 0, r, 0, 2 * kPi);
    if (c.labels) {
      c.label(thing_label(Kind::ball, o.colour));
      cairo_fill(cr);
      return;
    }
    const Rgb fill = fill_colour(c.style, o.colour, c.light);
    const Rgb glow = palette_colour(c.style, o.colour);
    if (c.style == Style::realistic) {
      // Lit from the upper left whatever the ball's turn: undo the rotation for the gradient.
      cairo_save(cr);
      cairo_rotate(cr, -o.angle);
      Pattern p(cairo_pattern_create_radial(-0.35 * r, 0.4 * r, 0.05 * r, 0, 0, r));
      add_stop(p.get(), 0, lighter(fill, 0.45));
      add_stop(p.get(), 0.55, fill);
      add_stop(p.get(), 1, darker(fill, 0.55));
      cairo_set_source(cr, p.get());
      cairo_fill(cr);
      cairo_restore(cr);
    } else {
      set_colour(cr, fill);
      cairo_fill(cr);
    }
    if (c.style == Style::anime) {
      // Hard shadow: the lower right crescent.
      cairo_save(cr);
      cairo_arc(cr, 0, 0, r, 0, 2 * kPi);
      cairo_clip(cr);
      cairo_rotate(cr, -o.angle);
      cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
      cairo_rectangle(cr, -2 * r, -2 * r, 4 * r, 4 * r);
      cairo_arc(cr, -0.3 * r, 0.3 * r, r, 0, 2 * kPi);
      set_colour(cr, darker(fill, 0.72));
      cairo_fill(cr);
      cairo_restore(cr);
    }
    // The stripe turns with the ball, so rolling shows (too coarse for pixel art's grid).
    if (c.style != Style::pixel) {
      cairo_move_to(cr, -0.92 * r, 0);
      cairo_line_to(cr, 0.92 * r, 0);
      set_colour(cr, c.style == Style::neon ? glow : darker(fill, 0.72), c.style == Style::neon ? 0.7 : 1.0);
      cairo_set_line_width(cr, c.px(std::max(0.9, 0.1 * r * c.view.scale)));
      cairo_stroke(cr);
    }
    if (c.style == Style::cartoon || c.style == Style::anime) {
      cairo_save(cr);
      cairo_rotate(cr, -o.angle);
      cairo_arc(cr, -0.38 * r, 0.38 * r, 0.2 * r, 0, 2 * kPi);
      set_colour(cr, lighter(fill, 0.6));
      cairo_fill(cr);
      cairo_restore(cr);
    }
    cairo_arc(cr, 0, 0, r, 0, 2 * kPi);
    outline(c, glow);
  }

  void box(const Canvas& c, const ObjectState& o) {
    cairo_t* cr = c.cr;
    const Vec2 h = box_half_size(o.size);
    cairo_rectangle(cr, -h.x, -h.y, 2 * h.x, 2 * h.y);
    if (c.labels) {
      c.label(thing_label(Kind::box, o.colour));
      cairo_fill(cr);
      return;
    }
    const Rgb fill = fill_colour(c.style, o.colour, c.light);
    const Rgb glow = palette_colour(c.style, o.colour);
    if (c.style == Style::realistic) {
      Pattern p(cairo_pattern_create_linear(0, h.y, 0, -h.y));
      add_stop(p.get(), 0, lighter(fill, 0.15));
      add_stop(p.get(), 1, darker(fill, 0.75));
      cairo_set_source(cr, p.get());
      cairo_fill(cr);
      for (double y : {-h.y / 3, h.y / 3}) {  // planks
        cairo_move_to(cr, -h.x, y);
        cairo_line_to(cr, h.x, y);
      }
      set_colour(cr, darker(fill, 0.5), 0.5);
      cairo_set_line_width(cr, c.px(0.8));
      cairo_stroke(cr);
    } else {
      set_colour(cr, fill);
      cairo_fill(cr);
    }
    if (c.style == Style::anime) {
      cairo_rectangle(cr, 0.35 * h.x, -h.y, 0.65 * h.x, 2 * h.y);
      set_colour(cr, darker(fill, 0.72));
      cairo_fill(cr);
    }
    // The inset frame of a crate (pixel art: a darker lower half instead, the grid is too coarse).
    const double inset = 0.22 * std::min(h.x, h.y);
    if (c.style == Style::pixel) {
      cairo_rectangle(cr, -h.x, -h.y, 2 * h.x, 0.6 * h.y);
      set_colour(cr, darker(fill, 0.75));
      cairo_fill(cr);
    } else {
      cairo_rectangle(cr, -h.x + inset, -h.y + inset, 2 * (h.x - inset), 2 * (h.y - inset));
      set_colour(cr, c.style == Style::neon ? glow : darker(fill, 0.7), c.style == Style::neon ? 0.6 : 1.0);
      cairo_set_line_width(cr, c.px(std::max(0.9, 0.09 * h.y * c.view.scale)));
      cairo_stroke(cr);
    }
    cairo_rectangle(cr, -h.x, -h.y, 2 * h.x, 2 * h.y);
    outline(c, glow);
  }

  void glass_path(cairo_t* cr, const GlassShape& g) {
    cairo_move_to(cr, -g.foot_half_width, 0);
    cairo_line_to(cr, g.foot_half_width, 0);
    cairo_line_to(cr, g.rim_half_width, g.height);
    cairo_line_to(cr, -g.rim_half_width, g.height);
    cairo_close_path(cr);
  }

  void glass(const Canvas& c, const ObjectState& o) {
    cairo_t* cr = c.cr;
    const GlassShape g = glass_shape(o.size);
    glass_path(cr, g);
    if (c.labels) {
      c.label(thing_label(Kind::glass, o.colour));
      cairo_fill(cr);
      return;
    }
    const Rgb fill = fill_colour(c.style, o.colour, c.light);
    const Rgb glow = palette_colour(c.style, o.colour);
    set_colour(cr, fill, c.style == Style::pixel || c.style == Style::neon ? 1.0 : 0.9);
    cairo_fill(cr);
    if (c.style == Style::pixel) return;  // lines a grid cell wide would cover the little glass
    // A highlight down the left side and the rim.
    cairo_move_to(cr, -g.foot_half_width * 0.45, g.height * 0.12);
    cairo_line_to(cr, -g.rim_half_width * 0.55, g.height * 0.85);
    set_colour(cr, c.style == Style::neon ? lighter(glow, 0.5) : Rgb{255, 255, 255}, 0.75);
    cairo_set_line_width(cr, c.px(1.0));
    cairo_stroke(cr);
    cairo_move_to(cr, -g.rim_half_width, g.height);
    cairo_line_to(cr, g.rim_half_width, g.height);
    set_colour(cr, lighter(fill, 0.5));
    cairo_set_line_width(cr, c.px(1.0));
    cairo_stroke(cr);
    glass_path(cr, g);
    outline(c, glow, 1.0);
  }

  void fragment(const Canvas& c, const ObjectState& o) {
    cairo_t* cr = c.cr;
    if (o.shape.empty()) return;
    cairo_move_to(cr, o.shape[0].x, o.shape[0].y);
    for (size_t i = 1; i < o.shape.size(); ++i) cairo_line_to(cr, o.shape[i].x, o.shape[i].y);
    cairo_close_path(cr);
    if (c.labels) {
      c.label(thing_label(Kind::glass, o.colour, true));
      cairo_fill(cr);
      return;
    }
    const Rgb fill = fill_colour(c.style, o.colour, c.light);
    set_colour(cr, fill, c.style == Style::pixel || c.style == Style::neon ? 1.0 : 0.9);
    cairo_fill_preserve(cr);
    if (c.style == Style::neon || c.style == Style::anime || c.style == Style::pixel) {
      outline(c, palette_colour(c.style, o.colour), 0.8);
    } else {
      set_colour(cr, lighter(fill, 0.5), 0.8);
      cairo_set_line_width(cr, c.px(0.6));
      cairo_stroke(cr);
    }
  }

  // The character in its own frame (origin at the feet, y up, facing +x after the mirror).
  void character(const Canvas& c, const ObjectState& o) {
    cairo_t* cr = c.cr;
    const CharacterShape s = character_shape(o.size);
    const Limbs limbs = limbs_of(o);
    cairo_save(cr);
    cairo_translate(cr, o.x, o.y);
    cairo_rotate(cr, o.angle);
    cairo_scale(cr, o.facing < 0 ? -1 : 1, 1);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    const uint8_t label = thing_label(Kind::character, o.colour);
    const Rgb shirt = fill_colour(c.style, o.colour, c.light);
    const Rgb glow = palette_colour(c.style, o.colour);
    const Tint tint = c.style == Style::neon ? Tint{0.3, 0.3, 0.3} : light_tint(c.light);
    const Rgb limb_colour = darker(shirt, kLimbShade), skin = scale(kSkinColour, tint);
    const double limb = std::max(s.limb_width, c.px(1.0));
    const double arm_length = 0.38 * s.height;

    auto limb_path = [&](double ax, double ay, double length, double angle) {
      cairo_move_to(cr, ax, ay);
      cairo_line_to(cr, ax + length * std::sin(angle), ay - length * std::cos(angle));
    };
    auto stroke_limb = [&](double width, Rgb colour) {
      if (c.labels) c.label(label);
      else set_colour(cr, c.style == Style::neon ? glow : colour, c.style == Style::neon ? 0.8 : 1.0);
      cairo_set_line_width(cr, width);
      cairo_stroke(cr);
    };
    // Legs, the back one first.
    for (int i = 0; i < 2; ++i) {
      limb_path(0, s.hip, s.hip - limb / 2, limbs.leg[i]);
      stroke_limb(limb, i == 0 ? darker(limb_colour, 0.8) : limb_colour);
    }
    limb_path(0, s.shoulder - 0.04 * s.height, arm_length, limbs.arm[0]);
    stroke_limb(limb * 0.85, darker(limb_colour, 0.8));

    // Torso.
    const double w = s.half_width, bottom = s.hip - 0.03 * s.height, top = s.shoulder + 0.02 * s.height;
    cairo_rectangle(cr, -w, bottom, 2 * w, top - bottom);
    if (c.labels) {
      c.label(label);
      cairo_fill(cr);
    } else {
      set_colour(cr, shirt);
      cairo_fill(cr);
      if (c.style == Style::anime) {
        cairo_rectangle(cr, -w, bottom, 0.8 * w, top - bottom);
        set_colour(cr, darker(shirt, 0.72));
        cairo_fill(cr);
      } else if (c.style == Style::realistic) {
        Pattern p(cairo_pattern_create_linear(-w, 0, w, 0));
        add_stop(p.get(), 0, {0, 0, 0}, 0.3);
        add_stop(p.get(), 0.6, {0, 0, 0}, 0.0);
        cairo_rectangle(cr, -w, bottom, 2 * w, top - bottom);
        cairo_set_source(cr, p.get());
        cairo_fill(cr);
      }
      cairo_rectangle(cr, -w, bottom, 2 * w, top - bottom);
      outline(c, glow, 1.0);
    }
    limb_path(0, s.shoulder - 0.04 * s.height, arm_length, limbs.arm[1]);
    stroke_limb(limb * 0.85, limb_colour);

    // Head with an eye looking forward.
    const double head_y = s.shoulder + s.head_radius;
    cairo_arc(cr, 0, head_y, s.head_radius, 0, 2 * kPi);
    if (c.labels) {
      c.label(label);
      cairo_fill(cr);
    } else {
      set_colour(cr, skin);
      cairo_fill(cr);
      cairo_arc(cr, 0, head_y, s.head_radius, 0, 2 * kPi);
      outline(c, glow, 1.0);
      if (c.style != Style::pixel) {  // an eye would fill the whole head on pixel art's grid
        cairo_arc(cr, 0.5 * s.head_radius, head_y + 0.15 * s.head_radius, std::max(0.18 * s.head_radius, c.px(0.5)), 0, 2 * kPi);
        set_colour(cr, c.style == Style::neon ? glow : kInk);
        cairo_fill(cr);
      }
    }
    cairo_restore(cr);
  }

  const Scene& scene_;
  std::vector<Vec2> stars_;
  Pattern textures_[kGroundMaterials];
};

}  // namespace

struct Renderer::Impl {
  Scene scene;
  int width, height;
  int block;             // pixel art: full-resolution pixels per grid cell; 1 otherwise
  int grid_w, grid_h;    // the drawing surface's size
  Surface surface;
  Context context;
  Painter painter;
  // The sky changes only with the light: drawn once per light value (in steps of 1/512) and copied.
  Surface sky;
  Context sky_context;
  long sky_key = -1;

  Impl(const Scene& s, int w, int h)
      : scene(s), width(w), height(h), block(s.style == Style::pixel ? pixel_block(w, h) : 1),
        grid_w((w + block - 1) / block), grid_h((h + block - 1) / block),
        surface(make_surface(CAIRO_FORMAT_RGB24, grid_w, grid_h)), context(cairo_create(surface.get())), painter(scene),
        sky(make_surface(CAIRO_FORMAT_RGB24, grid_w, grid_h)), sky_context(cairo_create(sky.get())) {}

  cairo_surface_t* sky_for(const FrameState& frame) {
    const long key = std::lround(frame.light * 512);
    if (key != sky_key) {
      FrameState at_key;
      at_key.light = key / 512.0;
      at_key.camera = frame.camera;
      const Canvas c = canvas(sky_context.get(), scene, at_key, width, height, block, false);
      painter.background(c);
      cairo_surface_flush(sky.get());
      sky_key = key;
    }
    return sky.get();
  }

  // Prepares a context for drawing at full-resolution user coordinates onto a grid of `block` cells.
  static Canvas canvas(cairo_t* cr, const Scene& scene, const FrameState& frame, int w, int h, int block, bool labels) {
    Canvas c;
    c.cr = cr;
    c.labels = labels;
    c.style = scene.style;
    c.light = frame.light;
    c.view = view_for(frame.camera, w, h);
    c.width = w;
    c.height = h;
    c.min_line = block > 1 ? block : 0.0;
    cairo_identity_matrix(cr);
    cairo_scale(cr, 1.0 / block, 1.0 / block);
    const bool crisp = labels || block > 1;
    cairo_set_antialias(cr, crisp ? CAIRO_ANTIALIAS_NONE : CAIRO_ANTIALIAS_DEFAULT);
    cairo_set_operator(cr, labels ? CAIRO_OPERATOR_SOURCE : CAIRO_OPERATOR_OVER);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
    return c;
  }
};

Renderer::Renderer(const Scene& scene, int width, int height) {
  if (width < 1 || height < 1) fail(ErrorKind::invalid_input, "renderer: the picture must be at least 1x1 pixels");
  impl_ = std::make_unique<Impl>(scene, width, height);
}

Renderer::~Renderer() = default;
int Renderer::width() const { return impl_->width; }
int Renderer::height() const { return impl_->height; }

void Renderer::render(const FrameState& frame, uint8_t* rgb) {
  Impl& m = *impl_;
  cairo_t* cr = m.context.get();
  cairo_surface_t* sky = m.sky_for(frame);
  const Canvas c = Impl::canvas(cr, m.scene, frame, m.width, m.height, m.block, false);
  m.painter.paint(c, frame, sky);
  cairo_surface_flush(m.surface.get());
  const uint8_t* data = cairo_image_surface_get_data(m.surface.get());
  const int stride = cairo_image_surface_get_stride(m.surface.get());
  const bool poster = m.scene.style == Style::pixel;
  uint8_t levels[256];
  for (int v = 0; v < 256; ++v) levels[v] = poster ? posterize(static_cast<uint8_t>(v)) : static_cast<uint8_t>(v);
  if (m.block == 1) {
    for (int y = 0; y < m.height; ++y) {
      const uint32_t* row = reinterpret_cast<const uint32_t*>(data + y * stride);
      uint8_t* out = rgb + static_cast<size_t>(y) * m.width * 3;
      for (int x = 0; x < m.width; ++x, out += 3) {
        const uint32_t p = row[x];
        out[0] = static_cast<uint8_t>(p >> 16);
        out[1] = static_cast<uint8_t>(p >> 8);
        out[2] = static_cast<uint8_t>(p);
      }
    }
    return;
  }
  // Pixel art: each grid cell becomes a block x block square, colours posterized.
  for (int y = 0; y < m.height; ++y) {
    const uint32_t* row = reinterpret_cast<const uint32_t*>(data + (y / m.block) * stride);
    uint8_t* out = rgb + static_cast<size_t>(y) * m.width * 3;
    for (int cell = 0, x = 0; x < m.width; ++cell) {
      const uint32_t p = row[cell];
      const uint8_t r = levels[(p >> 16) & 0xff], g = levels[(p >> 8) & 0xff], b = levels[p & 0xff];
      for (int k = 0; k < m.block && x < m.width; ++k, ++x) {
        out[3 * x] = r;
        out[3 * x + 1] = g;
        out[3 * x + 2] = b;
      }
    }
  }
}

void Renderer::labels(const FrameState& frame, int width, int height, uint8_t* out) {
  if (width < 1 || height < 1) fail(ErrorKind::invalid_input, "label map: the size must be at least 1x1 pixels");
  Impl& m = *impl_;
  const int block = width == m.width && height == m.height ? m.block : 1;
  const int gw = (width + block - 1) / block, gh = (height + block - 1) / block;
  Surface surface = make_surface(CAIRO_FORMAT_A8, gw, gh);
  Context context(cairo_create(surface.get()));
  const Canvas c = Impl::canvas(context.get(), m.scene, frame, width, height, block, true);
  m.painter.paint(c, frame);
  cairo_surface_flush(surface.get());
  const uint8_t* data = cairo_image_surface_get_data(surface.get());
  const int stride = cairo_image_surface_get_stride(surface.get());
  for (int y = 0; y < height; ++y) {
    const uint8_t* row = data + (y / block) * stride;
    uint8_t* dst = out + static_cast<size_t>(y) * width;
    if (block == 1) {
      std::copy(row, row + width, dst);
      continue;
    }
    for (int cell = 0, x = 0; x < width; ++cell)
      for (int k = 0; k < block && x < width; ++k) dst[x++] = row[cell];
  }
}

}  // namespace kinema::world
