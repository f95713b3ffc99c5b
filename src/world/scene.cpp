// Scenes: names of the world's vocabulary, JSON round trip with validation, and the seeded scene generator.
#include "world/scene.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "core/error.h"
#include "world/rng.h"

namespace kinema::world {
namespace {

constexpr std::array<std::string_view, kKinds> kKindNames{"ball", "box", "glass", "character"};
constexpr std::array<std::string_view, kColours> kColourNames{"red",    "orange", "yellow", "green",
                                                              "blue",   "purple", "pink",   "white"};
constexpr std::array<std::string_view, kSizes> kSizeNames{"small", "medium", "large"};
constexpr std::array<std::string_view, kMaterials> kMaterialNames{"wood",  "metal",  "grass", "ice", "sand",
                                                                  "water", "rubber", "glass", "body"};
constexpr std::array<std::string_view, kActions> kActionNames{"rest", "drop", "throw", "roll", "slide",
                                                              "walk", "run",  "jump",  "chase"};
constexpr std::array<std::string_view, kCameraMoves> kCameraNames{"static",  "pan_left", "pan_right",
                                                                  "zoom_in", "zoom_out", "follow"};
constexpr std::array<std::string_view, kStyles> kStyleNames{"cartoon", "realistic", "anime", "neon", "pixel"};
constexpr std::array<std::string_view, kTimesOfDay> kTimeNames{"day", "sunset", "night"};

template <typename E, size_t N>
std::optional<E> lookup(const std::array<std::string_view, N>& names, std::string_view text) {
  for (size_t i = 0; i < N; ++i)
    if (names[i] == text) return static_cast<E>(i);
  return std::nullopt;
}

template <size_t N>
std::string list_of(const std::array<std::string_view, N>& names) {
  std::string out;
  for (size_t i = 0; i < N; ++i) out += (i ? ", " : "") + std::string(names[i]);
  return out;
}

}  // namespace

std::string_view name(Kind v) { return kKindNames.at(static_cast<size_t>(v)); }
std::string_view name(Colour v) { return kColourNames.at(static_cast<size_t>(v)); }
std::string_view name(Size v) { return kSizeNames.at(static_cast<size_t>(v)); }
std::string_view name(Material v) { return kMaterialNames.at(static_cast<size_t>(v)); }
std::string_view name(Action v) { return kActionNames.at(static_cast<size_t>(v)); }
std::string_view name(CameraMove v) { return kCameraNames.at(static_cast<size_t>(v)); }
std::string_view name(Style v) { return kStyleNames.at(static_cast<size_t>(v)); }
std::string_view name(TimeOfDay v) { return kTimeNames.at(static_cast<size_t>(v)); }

template <> std::optional<Kind> from_name<Kind>(std::string_view t) { return lookup<Kind>(kKindNames, t); }
template <> std::optional<Colour> from_name<Colour>(std::string_view t) { return lookup<Colour>(kColourNames, t); }
template <> std::optional<Size> from_name<Size>(std::string_view t) { return lookup<Size>(kSizeNames, t); }
template <> std::optional<Material> from_name<Material>(std::string_view t) { return lookup<Material>(kMaterialNames, t); }
template <> std::optional<Action> from_name<Action>(std::string_view t) { return lookup<Action>(kActionNames, t); }
template <> std::optional<CameraMove> from_name<CameraMove>(std::string_view t) { return lookup<CameraMove>(kCameraNames, t); }
template <> std::optional<Style> from_name<Style>(std::string_view t) { return lookup<Style>(kStyleNames, t); }
template <> std::optional<TimeOfDay> from_name<TimeOfDay>(std::string_view t) { return lookup<TimeOfDay>(kTimeNames, t); }

Material material_of(Kind kind) {
  switch (kind) {
    case Kind::ball: return Material::rubber;
    case Kind::box: return Material::wood;
    case Kind::glass: return Material::glass;
    case Kind::character: return Material::body;
  }
  return Material::body;
}

bool can_do(Kind kind, Action action) {
  switch (action) {
    case Action::rest:
    case Action::drop:
    case Action::throw_: return kind != Kind::character;
    case Action::roll: return kind == Kind::ball;
    case Action::slide: return kind == Kind::box;
    case Action::walk:
    case Action::run:
    case Action::jump:
    case Action::chase: return kind == Kind::character;
  }
  return false;
}

TimeOfDay time_of_day(double light) {
  if (light < 0.55) return TimeOfDay::day;
  if (light < 1.45) return TimeOfDay::sunset;
  return TimeOfDay::night;
}

double light_of(TimeOfDay t) {
  switch (t) {
    case TimeOfDay::day: return kLightDay;
    case TimeOfDay::sunset: return kLightSunset;
    case TimeOfDay::night: return kLightNight;
  }
  return kLightDay;
}

const Object* Scene::find(int id) const {
  for (const Object& o : objects)
    if (o.id == id) return &o;
  return nullptr;
}

Material Scene::ground_at(double x) const {
  for (const GroundPatch& p : patches)
    if (x >= p.from && x < p.to) return p.material;
  return ground;
}

double Scene::light_at(double seconds) const {
  const double total = duration();
  const double t = std::clamp(seconds, 0.0, total);
  double t0 = 0.0, l0 = light_start;
  for (const LightTurn& turn : light_turns) {
    if (t <= turn.at) return turn.at > t0 ? l0 + (turn.light - l0) * (t - t0) / (turn.at - t0) : turn.light;
    t0 = turn.at;
    l0 = turn.light;
  }
  return total > t0 ? l0 + (light_end - l0) * (t - t0) / (total - t0) : light_end;
}

// ---- validation -----------------------------------------------------------------------------------------

namespace {

class Checker {
 public:
  Checker(std::string where, ErrorKind kind) : where_(std::move(where)), kind_(kind) {}
  void require(bool ok, const std::string& key, const std::string& message) const {
    if (!ok) fail(kind_, where_ + "." + key + ": " + message);
  }

 private:
  std::string where_;
  ErrorKind kind_;
};

std::string quoted(std::string_view text) {
  std::string out(1, '\'');
  out.append(text).push_back('\'');
  return out;
}

std::string number_text(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%g", v);
  return buffer;
}

void check_scene(const Scene& s, const Checker& c) {
  const Format& f = s.format;
  c.require(f.width >= 16 && f.width <= 2048 && f.width % 2 == 0, "format.width",
            std::to_string(f.width) + " is not an even number in 16..2048");
  c.require(f.height >= 16 && f.height <= 2048 && f.height % 2 == 0, "format.height",
            std::to_string(f.height) + " is not an even number in 16..2048");
  c.require(f.fps >= 1 && f.fps <= 120, "format.fps", std::to_string(f.fps) + " is out of range 1..120");
  c.require(f.frames >= 1 && f.frames <= 10000, "format.frames", std::to_string(f.frames) + " is out of range 1..10000");
  c.require(f.sample_rate >= 4000 && f.sample_rate <= 96000, "format.sample_rate",
            std::to_string(f.sample_rate) + " is out of range 4000..96000");
  c.require(is_ground(s.ground) && s.ground != Material::water, "ground",
            quoted(name(s.ground)) + " cannot be the floor (wood, metal, grass, ice or sand)");
  for (size_t i = 0; i < s.patches.size(); ++i) {
    const GroundPatch& p = s.patches[i];
    const std::string key = "patches[" + std::to_string(i) + "]";
    c.require(is_ground(p.material), key + ".material", quoted(name(p.material)) + " is not a ground material");
    c.require(p.from < p.to, key, "from must be less than to");
    c.require(p.from >= -kStageHalfWidth && p.to <= kStageHalfWidth, key, "must lie within the stage, -10..10 m");
    for (size_t j = 0; j < i; ++j)
      c.require(p.to <= s.patches[j].from || p.from >= s.patches[j].to, key,
                "overlaps patches[" + std::to_string(j) + "]");
  }
  c.require(s.light_start >= 0 && s.light_start <= 2, "light.start", number_text(s.light_start) + " is out of range 0..2");
  c.require(s.light_end >= 0 && s.light_end <= 2, "light.end", number_text(s.light_end) + " is out of range 0..2");
  for (size_t i = 0; i < s.light_turns.size(); ++i) {
    const Scene::LightTurn& turn = s.light_turns[i];
    const std::string key = "light.turns[" + std::to_string(i) + "]";
    c.require(turn.light >= 0 && turn.light <= 2, key + ".light", number_text(turn.light) + " is out of range 0..2");
    c.require(turn.at > (i > 0 ? s.light_turns[i - 1].at : 0.0) && turn.at < s.duration(), key + ".at",
              "must lie inside the scene, after the turn before it");
  }

  std::set<int> ids;
  for (size_t i = 0; i < s.objects.size(); ++i) {
    const Object& o = s.objects[i];
    const std::string key = "objects[" + std::to_string(i) + "]";
    c.require(o.id >= 0, key + ".id", "must be >= 0");
    c.require(ids.insert(o.id).second, key + ".id", "id " + std::to_string(o.id) + " is used twice");
  }
  c.require(s.objects.size() <= 16, "objects", "at most 16 things");
  for (size_t i = 0; i < s.objects.size(); ++i) {
    const Object& o = s.objects[i];
    const std::string key = "objects[" + std::to_string(i) + "]";
    c.require(can_do(o.kind, o.action), key + ".action",
              "a " + std::string(name(o.kind)) + " cannot " + std::string(name(o.action)));
    c.require(std::abs(o.x) <= kStageHalfWidth - 0.5, key + ".x", number_text(o.x) + " is off the stage (-9.5..9.5 m)");
    c.require(o.height >= 0 && o.height <= 8, key + ".height", number_text(o.height) + " is out of range 0..8 m");
    c.require(o.speed >= 0 && o.speed <= 20, key + ".speed", number_text(o.speed) + " is out of range 0..20 m/s");
    c.require(o.direction == 1 || o.direction == -1, key + ".direction", "must be left or right");
    c.require(o.delay >= 0 && o.delay <= 600, key + ".delay", number_text(o.delay) + " is out of range 0..600 s");
    if (o.target >= 0) {
      const Object* t = s.find(o.target);
      c.require(t != nullptr && o.target != o.id, key + ".target", "no other object with id " + std::to_string(o.target));
      if (o.action == Action::chase) c.require(t->kind == Kind::ball, key + ".target", "a character chases a ball");
    } else {
      c.require(o.action != Action::chase, key + ".target", "chase needs a ball to chase");
    }
    if (o.on >= 0) {
      const Object* below = s.find(o.on);
      c.require(below != nullptr && o.on != o.id, key + ".on", "no other object with id " + std::to_string(o.on));
      c.require(below->kind == Kind::box, key + ".on", "things can only stand on a box");
      // Follow the chain down to the floor; a cycle would never reach it.
      int hops = 0;
      for (const Object* b = below; b && b->on >= 0; b = s.find(b->on))
        c.require(++hops <= 16, key + ".on", "the chain of supports loops");
    }
  }
  c.require(!s.shots.empty() && s.shots.size() <= 64, "shots", "must hold 1..64 shots");
  for (size_t i = 0; i < s.shots.size(); ++i) {
    const Shot& sh = s.shots[i];
    const std::string key = "shots[" + std::to_string(i) + "]";
    if (sh.subject >= 0) c.require(s.find(sh.subject) != nullptr, key + ".subject", "no object with id " + std::to_string(sh.subject));
    if (sh.camera == CameraMove::follow) c.require(sh.subject >= 0, key + ".subject", "a follow shot needs a subject");
  }
}

template <typename E>
E enum_field(const ConfigReader& r, const std::string& key, const std::string& expected) {
  const std::string text = r.string(key);
  const auto value = from_name<E>(text);
  if (!value) r.error(key, "unknown value '" + text + "' (expected " + expected + ")");
  return *value;
}

template <typename E, size_t N>
E enum_field(const ConfigReader& r, const std::string& key, const std::array<std::string_view, N>& names) {
  return enum_field<E>(r, key, list_of(names));
}

}  // namespace

void validate(const Scene& scene) { check_scene(scene, Checker("scene", ErrorKind::invalid_input)); }

Json to_json(const Scene& s) {
  Json j;
  j["seed"] = s.seed;
  j["format"] = {{"width", s.format.width},
                 {"height", s.format.height},
                 {"fps", s.format.fps},
                 {"frames", s.format.frames},
                 {"sample_rate", s.format.sample_rate}};
  j["ground"] = name(s.ground);
  j["patches"] = Json::array();
  for (const GroundPatch& p : s.patches) j["patches"].push_back({{"material", name(p.material)}, {"from", p.from}, {"to", p.to}});
  j["light"] = {{"start", s.light_start}, {"end", s.light_end}};
  if (!s.light_turns.empty()) {
    j["light"]["turns"] = Json::array();
    for (const Scene::LightTurn& turn : s.light_turns) j["light"]["turns"].push_back({{"at", turn.at}, {"light", turn.light}});
  }
  j["style"] = name(s.style);
  j["objects"] = Json::array();
  for (const Object& o : s.objects) {
    Json oj{{"id", o.id},         {"kind", name(o.kind)},     {"colour", name(o.colour)},
            {"size", name(o.size)}, {"action", name(o.action)}, {"x", o.x},
            {"height", o.height}, {"speed", o.speed},         {"direction", o.direction > 0 ? "right" : "left"},
            {"delay", o.delay}};
    if (o.target >= 0) oj["target"] = o.target;
    if (o.on >= 0) oj["on"] = o.on;
    j["objects"].push_back(std::move(oj));
  }
  j["shots"] = Json::array();
  for (const Shot& sh : s.shots) {
    Json shj{{"camera", name(sh.camera)}};
    if (sh.subject >= 0) shj["subject"] = sh.subject;
    j["shots"].push_back(std::move(shj));
  }
  return j;
}

Scene scene_from_json(const Json& json, const std::string& where) {
  const ConfigReader r(json, where);
  Scene s;
  if (r.has("seed")) {
    const Json& seed = json.at("seed");
    if (!seed.is_number_unsigned() && !(seed.is_number_integer() && seed.get<int64_t>() >= 0))
      r.error("seed", "expected a non-negative integer");
    s.seed = seed.get<uint64_t>();
  }
  if (r.has("format")) {
    const ConfigReader f = r.child("format");
    s.format.width = static_cast<int>(f.integer_or("width", s.format.width, 16, 2048));
    s.format.height = static_cast<int>(f.integer_or("height", s.format.height, 16, 2048));
    s.format.fps = static_cast<int>(f.integer_or("fps", s.format.fps, 1, 120));
    s.format.frames = static_cast<int>(f.integer_or("frames", s.format.frames, 1, 10000));
    s.format.sample_rate = static_cast<int>(f.integer_or("sample_rate", s.format.sample_rate, 4000, 96000));
  }
  s.ground = enum_field<Material>(r, "ground", "wood, metal, grass, ice or sand");
  if (r.has("patches")) {
    const Json& patches = json.at("patches");
    if (!patches.is_array()) r.error("patches", "expected a list");
    for (size_t i = 0; i < patches.size(); ++i) {
      const ConfigReader p(patches[i], where + ".patches[" + std::to_string(i) + "]");
      s.patches.push_back({enum_field<Material>(p, "material", kMaterialNames), p.number("from", -kStageHalfWidth, kStageHalfWidth),
                           p.number("to", -kStageHalfWidth, kStageHalfWidth)});
    }
  }
  if (r.has("light")) {
    const ConfigReader l = r.child("light");
    s.light_start = l.number("start", 0, 2);
    s.light_end = l.number_or("end", s.light_start, 0, 2);
    if (l.has("turns")) {
      const Json& turns = json.at("light").at("turns");
      if (!turns.is_array()) l.error("turns", "expected a list");
      for (size_t i = 0; i < turns.size(); ++i) {
        const ConfigReader t(turns[i], where + ".light.turns[" + std::to_string(i) + "]");
        s.light_turns.push_back({t.number("at", 0, 1e6), t.number("light", 0, 2)});
      }
    }
  }
  s.style = enum_field<Style>(r, "style", kStyleNames);
  if (r.has("objects")) {
    const Json& objects = json.at("objects");
    if (!objects.is_array()) r.error("objects", "expected a list");
    for (size_t i = 0; i < objects.size(); ++i) {
      const ConfigReader o(objects[i], where + ".objects[" + std::to_string(i) + "]");
      Object obj;
      obj.id = static_cast<int>(o.integer("id", 0, 1 << 20));
      obj.kind = enum_field<Kind>(o, "kind", kKindNames);
      obj.colour = enum_field<Colour>(o, "colour", kColourNames);
      if (o.has("size")) obj.size = enum_field<Size>(o, "size", kSizeNames);
      obj.action = enum_field<Action>(o, "action", kActionNames);
      obj.x = o.number("x", -kStageHalfWidth, kStageHalfWidth);
      obj.height = o.number_or("height", 0.0, 0.0, 8.0);
      obj.speed = o.number_or("speed", 0.0, 0.0, 20.0);
      const std::string direction = o.string_or("direction", "right");
      if (direction != "left" && direction != "right") o.error("direction", "expected left or right, not '" + direction + "'");
      obj.direction = direction == "right" ? 1 : -1;
      obj.target = static_cast<int>(o.integer_or("target", -1, -1, 1 << 20));
      obj.on = static_cast<int>(o.integer_or("on", -1, -1, 1 << 20));
      obj.delay = o.number_or("delay", 0.0, 0.0, 600.0);
      s.objects.push_back(obj);
    }
  }
  s.shots.clear();
  if (r.has("shots")) {
    const Json& shots = json.at("shots");
    if (!shots.is_array()) r.error("shots", "expected a list");
    for (size_t i = 0; i < shots.size(); ++i) {
      const ConfigReader sh(shots[i], where + ".shots[" + std::to_string(i) + "]");
      s.shots.push_back({enum_field<CameraMove>(sh, "camera", kCameraNames),
                         static_cast<int>(sh.integer_or("subject", -1, -1, 1 << 20))});
    }
  } else {
    s.shots.push_back(Shot{});
  }
  check_scene(s, Checker(where, ErrorKind::format));
  return s;
}

// ---- random scenes --------------------------------------------------------------------------------------

namespace {

// Draws distinct colours so every thing in a scene can be named by colour alone ("the red ball").
class ColourBag {
 public:
  explicit ColourBag(Rng& rng) : rng_(rng) {
    for (int i = 0; i < kColours; ++i) left_.push_back(static_cast<Colour>(i));
  }
  Colour draw() {
    if (left_.empty()) return static_cast<Colour>(rng_.below(kColours));
    const int i = rng_.below(static_cast<int>(left_.size()));
    const Colour c = left_[i];
    left_.erase(left_.begin() + i);
    return c;
  }

 private:
  Rng& rng_;
  std::vector<Colour> left_;
};

class SceneBuilder {
 public:
  // References returned by add() stay valid: a scene never holds more than 16 things.
  SceneBuilder(Scene& scene, Rng& rng) : s_(scene), rng_(rng), colours_(rng) { s_.objects.reserve(32); }

  Object& add(Kind kind, Action action, double x) {
    Object o;
    o.id = static_cast<int>(s_.objects.size());
    o.kind = kind;
    o.action = action;
    o.colour = colours_.draw();
    o.size = static_cast<Size>(rng_.below(kSizes));
    o.x = x;
    o.direction = rng_.chance(0.5) ? 1 : -1;
    s_.objects.push_back(o);
    return s_.objects.back();
  }
  Rng& rng() { return rng_; }
  Scene& scene() { return s_; }
  int side() { return rng_.chance(0.5) ? 1 : -1; }

  // Scenario: one to three things dropped from a height (balls bounce, glasses may shatter).
  int drop() {
    const int n = rng_.range(1, 3);
    const double spacing = 1.1;
    double x = -spacing * (n - 1) / 2 + rng_.uniform(-0.4, 0.4);
    int first = -1;
    for (int i = 0; i < n; ++i, x += spacing) {
      static const Kind kinds[] = {Kind::ball, Kind::ball, Kind::box, Kind::glass};
      Object& o = add(rng_.pick(kinds), Action::drop, x);
      o.height = rng_.uniform(0.5, 2.2);
      o.delay = rng_.chance(0.5) ? rng_.uniform(0.0, 0.8) : 0.0;
      if (first < 0) first = o.id;
    }
    if (rng_.chance(0.25)) {  // a puddle under one of them: a splash instead of a knock
      const Object& o = s_.objects[first + rng_.below(n)];
      s_.patches.push_back({Material::water, o.x - 0.45, o.x + 0.45});
    }
    return first;
  }

  // Scenario: a ball thrown at a stack of boxes, or at a glass standing on the floor or on a box.
  int throw_at() {
    const int dir = side();
    const double at = dir * rng_.uniform(0.6, 1.3);
    int target = -1;
    if (rng_.chance(0.6)) {
      const int levels = rng_.range(2, 4);
      int below = -1;
      for (int i = 0; i < levels; ++i) {
        Object& box = add(Kind::box, Action::rest, at + rng_.uniform(-0.04, 0.04));
        box.size = i == 0 ? Size::large : static_cast<Size>(rng_.below(2));
        box.on = below;
        below = box.id;
        if (i == levels / 2) target = box.id;
      }
    } else {
      int below = -1;
      if (rng_.chance(0.4)) {
        Object& stand = add(Kind::box, Action::rest, at);
        stand.size = Size::large;
        below = stand.id;
      }
      Object& glass = add(Kind::glass, Action::rest, at);
      glass.on = below;
      target = glass.id;
    }
    Object& ball = add(Kind::ball, rng_.chance(0.7) ? Action::throw_ : Action::roll, at - dir * rng_.uniform(2.2, 3.0));
    ball.direction = dir;
    ball.size = static_cast<Size>(rng_.range(1, 2));
    if (ball.action == Action::throw_) {
      ball.height = rng_.uniform(0.6, 1.4);
      ball.target = target;
      ball.speed = rng_.uniform(5.0, 8.0);
    } else {
      ball.speed = rng_.uniform(2.5, 4.5);
    }
    ball.delay = rng_.uniform(0.2, 0.8);
    return ball.id;
  }

  // Scenario: balls rolling (towards each other: a collision) or boxes sliding, maybe over a patch.
  int roll_or_slide() {
    const bool slide = rng_.chance(0.4);
    const int dir = side();
    Object& first = add(slide ? Kind::box : Kind::ball, slide ? Action::slide : Action::roll, -dir * rng_.uniform(1.5, 2.2));
    first.direction = dir;
    first.speed = slide ? rng_.uniform(2.5, 5.0) : rng_.uniform(1.2, 3.0);
    if (rng_.chance(0.6)) {
      Object& second = add(Kind::ball, rng_.chance(0.7) ? Action::roll : Action::rest, dir * rng_.uniform(1.2, 2.0));
      second.direction = -dir;
      if (second.action == Action::roll) second.speed = rng_.uniform(1.2, 3.0);
    } else if (rng_.chance(0.5)) {
      static const Material slippery[] = {Material::ice, Material::water, Material::sand, Material::metal};
      const double from = rng_.uniform(-0.6, 0.2);
      s_.patches.push_back({rng_.pick(slippery), from, from + rng_.uniform(1.0, 2.0)});
    }
    return first.id;
  }

  // Scenario: the character walks, runs or jumps, maybe onto ice or into a puddle, maybe into a stack.
  int character() {
    static const Action moves[] = {Action::walk, Action::run, Action::run, Action::jump};
    const int dir = side();
    Object& c = add(Kind::character, rng_.pick(moves), -dir * rng_.uniform(1.4, 2.2));
    c.direction = dir;
    c.speed = c.action == Action::walk ? rng_.uniform(0.9, 1.5) : c.action == Action::run ? rng_.uniform(2.6, 3.6) : rng_.uniform(0.0, 1.5);
    c.delay = rng_.uniform(0.0, 0.4);
    const double roll = rng_.uniform();
    if (roll < 0.5) {
      static const Material slippery[] = {Material::ice, Material::water};
      const double from = c.x + dir * rng_.uniform(1.2, 2.0);
      const double width = rng_.uniform(1.2, 2.0);
      s_.patches.push_back({rng_.pick(slippery), std::min(from, from + dir * width), std::max(from, from + dir * width)});
    } else if (roll < 0.7) {
      const double at = c.x + dir * rng_.uniform(2.4, 3.0);
      int below = -1;
      for (int i = 0, n = rng_.range(2, 3); i < n; ++i) {
        Object& box = add(Kind::box, Action::rest, at);
        box.size = i == 0 ? Size::large : Size::medium;
        box.on = below;
        below = box.id;
      }
    }
    return c.id;
  }

  // Scenario: a ball rolls away and the character chases it.
  int chase() {
    const int dir = side();
    Object& ball = add(Kind::ball, Action::roll, -dir * rng_.uniform(0.6, 1.2));
    ball.direction = dir;
    ball.speed = rng_.uniform(1.5, 2.5);
    ball.size = static_cast<Size>(rng_.range(1, 2));
    Object& c = add(Kind::character, Action::chase, ball.x - dir * rng_.uniform(1.0, 1.6));
    c.direction = dir;
    c.target = ball.id;
    c.speed = rng_.uniform(2.6, 3.4);
    c.delay = rng_.uniform(0.2, 0.6);
    return c.id;
  }

  // A thing lying about at the side of the action.
  void bystander() {
    static const Kind kinds[] = {Kind::ball, Kind::box, Kind::glass};
    const double x = side() * rng_.uniform(2.6, 3.6);
    for (const Object& o : s_.objects)
      if (std::abs(o.x - x) < 0.8) return;
    add(rng_.pick(kinds), Action::rest, x);
  }

 private:
  Scene& s_;
  Rng& rng_;
  ColourBag colours_;
};

bool moves(const Object& o) { return o.action != Action::rest; }

}  // namespace

Scene random_scene(uint64_t seed, const SceneOptions& options) {
  Rng rng(derive_seed(seed, "scene"));
  Scene s;
  s.seed = seed;
  s.format = options.format;
  static const Material floors[] = {Material::wood, Material::metal, Material::grass, Material::ice, Material::sand};
  s.ground = rng.pick(floors);
  s.style = options.style ? *options.style : static_cast<Style>(rng.below(kStyles));
  const int shots = rng.range(options.min_shots, std::max(options.min_shots, options.max_shots));

  SceneBuilder b(s, rng);
  int main_subject = -1;
  switch (rng.below(5)) {
    case 0: main_subject = b.drop(); break;
    case 1: main_subject = b.throw_at(); break;
    case 2: main_subject = b.roll_or_slide(); break;
    case 3: main_subject = b.character(); break;
    default: main_subject = b.chase(); break;
  }
  if (s.ground == Material::ice)  // an ice floor already slips: patches there are sand or wood strips
    for (GroundPatch& p : s.patches)
      if (p.material == Material::ice) p.material = Material::sand;
  if (rng.chance(0.25)) b.bystander();
  // A later shot gets something new happening too, so a continuation is not only an aftermath.
  if (shots > 1 && rng.chance(0.6)) {
    const double shot_seconds = static_cast<double>(s.format.frames) / s.format.fps;
    const double x = b.side() * rng.uniform(0.4, 1.4);
    bool clear = true;
    for (const Object& o : s.objects) clear = clear && std::abs(o.x - x) > 0.7;
    if (clear) {
      Object& late = b.add(rng.chance(0.5) ? Kind::ball : Kind::glass, Action::drop, x);
      late.height = rng.uniform(4.2, 4.8);  // held above the top of the frame until it falls into view
      late.delay = shot_seconds * rng.range(1, shots - 1) + rng.uniform(0.2, 1.5);
    }
  }

  const TimeOfDay start = options.time ? *options.time : static_cast<TimeOfDay>(rng.below(kTimesOfDay));
  s.light_start = std::clamp(light_of(start) + rng.uniform(-0.3, 0.3), 0.0, 2.0);
  s.light_end = s.light_start;
  if (shots > 1 || rng.chance(0.3))  // the light drifts: a sunset deepens, a day turns to evening
    s.light_end = std::clamp(s.light_start + rng.uniform(0.1, kLightDriftPerShot) * shots * (rng.chance(0.8) ? 1 : -1), 0.0, 2.0);

  std::vector<int> movers;
  for (const Object& o : s.objects)
    if (moves(o)) movers.push_back(o.id);
  s.shots.clear();
  for (int i = 0; i < shots; ++i) {
    Shot shot;
    shot.camera = static_cast<CameraMove>(rng.below(kCameraMoves));
    shot.subject = i == 0 || movers.empty() ? main_subject : movers[rng.below(static_cast<int>(movers.size()))];
    s.shots.push_back(shot);
  }
  validate(s);
  return s;
}

}  // namespace kinema::world
