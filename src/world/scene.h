// The structured description of a world scene: stage, things and their actions, light, style, shots.
// A Scene is plain data: JSON round trip (validated, errors name the key) and a seeded random generator.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"

namespace kinema::world {

// ---- vocabulary of the world ------------------------------------------------------------------------
enum class Kind : uint8_t { ball, box, glass, character };
enum class Colour : uint8_t { red, orange, yellow, green, blue, purple, pink, white };
enum class Size : uint8_t { small, medium, large };
// Surfaces. The first six are ground materials (water = a puddle lying on the floor); the rest are
// what things are made of: balls are rubber, boxes wood, glasses glass, the character "body".
enum class Material : uint8_t { wood, metal, grass, ice, sand, water, rubber, glass, body };
// What a thing does. rest: lies still (on the ground or on top of `on`); drop: released from `height`;
// throw_: launched from `height` at `speed` (towards `target` when given); roll (balls) and slide (boxes):
// set moving along the ground at `speed`; walk, run, jump, chase (the character; chase follows `target`).
enum class Action : uint8_t { rest, drop, throw_, roll, slide, walk, run, jump, chase };
enum class CameraMove : uint8_t { static_, pan_left, pan_right, zoom_in, zoom_out, follow };
enum class Style : uint8_t { cartoon, realistic, anime, neon, pixel };
// Time of day, named from the continuous light value (see time_of_day()).
enum class TimeOfDay : uint8_t { day, sunset, night };

inline constexpr int kKinds = 4, kColours = 8, kSizes = 3, kMaterials = 9, kGroundMaterials = 6, kActions = 9,
                     kCameraMoves = 6, kStyles = 5, kTimesOfDay = 3;

// Names as written in JSON and on the command line ("throw", "static": no trailing underscore).
std::string_view name(Kind v);
std::string_view name(Colour v);
std::string_view name(Size v);
std::string_view name(Material v);
std::string_view name(Action v);
std::string_view name(CameraMove v);
std::string_view name(Style v);
std::string_view name(TimeOfDay v);

// The value with a name, or nothing.
template <typename E>
std::optional<E> from_name(std::string_view text);

inline bool is_ground(Material m) { return static_cast<int>(m) < kGroundMaterials; }
Material material_of(Kind kind);
// Which actions a kind can take.
bool can_do(Kind kind, Action action);

// ---- the light ----------------------------------------------------------------------------------------
// The light is one continuous value: 0 = midday, 1 = sunset, 2 = deep night; rendering and sound
// interpolate between these keys, so a sunset deepens smoothly from 0.9 to 1.3.
inline constexpr double kLightDay = 0.0, kLightSunset = 1.0, kLightNight = 2.0;
// The most the light of a random scene drifts per shot (the training data's range: 0.1 .. 0.25).
inline constexpr double kLightDriftPerShot = 0.25;
TimeOfDay time_of_day(double light);  // day < 0.55 <= sunset < 1.45 <= night
double light_of(TimeOfDay t);         // the key value

// ---- stage and format ---------------------------------------------------------------------------------
inline constexpr double kStageHalfWidth = 10.0;  // walls at x = +-10 m; the floor is y = 0

struct Format {
  int width = 128, height = 128;  // pixels (even)
  int fps = 12;
  int frames = 49;                // per shot; the causal video VAE wants 1 + 4k
  int sample_rate = 16000;        // Hz, mono
};

// A stretch of floor of another material than the rest (an ice patch, a puddle, a strip of sand).
struct GroundPatch {
  Material material = Material::ice;
  double from = 0.0, to = 1.0;  // metres along x, from < to
};

struct Object {
  int id = 0;  // unique in the scene, >= 0
  Kind kind = Kind::ball;
  Colour colour = Colour::red;
  Size size = Size::medium;
  Action action = Action::rest;
  double x = 0.0;        // start position of its centre along the floor, metres
  double height = 0.0;   // start height of its bottom above what it stands on (drop, throw), metres
  double speed = 0.0;    // m/s: launch speed (throw), ground speed (roll, slide), gait speed (walk, run, chase)
  int direction = 1;     // +1 to the right, -1 to the left
  int target = -1;       // id thrown at or chased; -1 none
  int on = -1;           // id of the thing it starts on top of (stacks); -1 the floor
  double delay = 0.0;    // seconds into the scene before the action starts (released, thrown, set off)
};

struct Shot {
  CameraMove camera = CameraMove::static_;
  int subject = -1;  // the object the shot is about: framed, followed by `follow`; -1 frames the action
};

struct Scene {
  uint64_t seed = 0;  // drives every random detail: fragment shapes, ambience, caption wording
  Format format;
  Material ground = Material::wood;  // the floor (not water)
  std::vector<GroundPatch> patches;
  double light_start = 0.0, light_end = 0.0;  // light at the start and at the end of the whole scene
  // Where the light changes course, in time order strictly inside the scene: a continued shot asked for
  // nightfall turns where the earlier shots end. The light runs straight from each key to the next.
  struct LightTurn {
    double at = 0.0;     // seconds into the scene
    double light = 0.0;  // 0..2
  };
  std::vector<LightTurn> light_turns;
  Style style = Style::cartoon;
  std::vector<Object> objects;
  std::vector<Shot> shots{Shot{}};  // consecutive, format.frames each, of one continuous simulation

  int total_frames() const { return format.frames * static_cast<int>(shots.size()); }
  double duration() const { return static_cast<double>(total_frames()) / format.fps; }
  const Object* find(int id) const;
  Material ground_at(double x) const;  // the floor material under x (a patch, or the ground)
  double light_at(double seconds) const;
};

// ---- JSON -----------------------------------------------------------------------------------------------
Json to_json(const Scene& scene);
// Reads and validates a scene; errors (ErrorKind::format) name the key: "scene.objects[1].colour: ...".
Scene scene_from_json(const Json& json, const std::string& where = "scene");
// Checks a scene built in code the same way; throws ErrorKind::invalid_input naming the field.
void validate(const Scene& scene);

// ---- random scenes --------------------------------------------------------------------------------------
struct SceneOptions {
  Format format;
  int min_shots = 1, max_shots = 1;
  std::optional<Style> style;          // forced style, else drawn
  std::optional<TimeOfDay> time;       // forced time of day at the start, else drawn
};

// A scene drawn from one of the world's scenarios (drops, throws at stacks or glasses, rolling and
// colliding balls, sliding boxes, a character walking, running onto ice or into a puddle, jumping or chasing
// a ball), with ground, patches, light drift, style and camera moves drawn too. Same seed, same scene.
Scene random_scene(uint64_t seed, const SceneOptions& options = {});

}  // namespace kinema::world
