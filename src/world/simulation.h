// The world's simulation (Box2D): a scene in, the state of everything at every video frame and every sound
// event out. Motion comes from the physics; the character is a Box2D body pushed by a friction-limited gait
// controller, and only its limb swing is drawn from its gait phase.
#pragma once

#include <cstdint>
#include <vector>

#include "world/geometry.h"
#include "world/scene.h"

namespace kinema::world {

// The character's pose, for drawing and captions.
enum class Pose : uint8_t { stand, walk, run, air, fallen };

// One thing in one frame. Fragments of a shattered glass are things of their own (kind glass, fragment =
// true, parent = the glass's id, id = 1000 * (parent + 1) + piece) with their polygon in `shape`.
struct ObjectState {
  int id = 0;
  Kind kind = Kind::ball;
  Colour colour = Colour::red;
  Size size = Size::medium;
  Material material = Material::rubber;
  bool fragment = false;
  int parent = -1;
  bool broken = false;      // a glass that has shattered: no longer drawn, its fragments are
  double x = 0, y = 0;      // origin in world metres (see geometry.h for each kind's origin)
  double angle = 0;         // radians, counter-clockwise
  double vx = 0, vy = 0;    // m/s
  double spin = 0;          // rad/s
  std::vector<Vec2> shape;  // fragments: polygon around the origin, body coordinates
  // The character.
  Pose pose = Pose::stand;
  double gait_phase = 0;    // 0..1 over one stride (two steps); steps land at 0 and 0.5
  int facing = 1;           // +1 right, -1 left
};

struct FrameState {
  int index = 0;       // frame number in the whole scene
  int shot = 0;        // the shot it belongs to
  double time = 0;     // seconds from the start of the scene (= index / fps)
  double light = 0;    // 0 day .. 1 sunset .. 2 night
  Camera camera;
  std::vector<ObjectState> objects;  // the scene's objects in order, then fragments
  const ObjectState* find(int id) const;
};

enum class SoundKind : uint8_t { impact, footstep, roll, slide, shatter, splash };
inline constexpr int kSoundKinds = 6;
std::string_view name(SoundKind kind);

// A sound the world makes. Impacts, shatters and splashes are instants; footsteps too. Rolling and sliding
// are sampled every 4 substeps (60 Hz at 12 fps) while they last, each event covering `duration`.
struct SoundEvent {
  SoundKind kind = SoundKind::impact;
  Material material = Material::rubber;  // what sounds: the moving thing (the shoe's ground for footsteps)
  Material other = Material::wood;       // what it touches
  int object = -1, other_object = -1;    // ids; -1 = the floor
  double impulse = 0;  // N s, normal impulse of the contact (impact, shatter, splash)
  double speed = 0;    // m/s: approach speed (impact, splash, shatter), sliding/rolling/walking speed
  double time = 0;     // seconds from the start of the scene
  int64_t sample = 0;  // the audio sample of `time` at the scene's sample rate
  double duration = 0; // seconds covered (roll, slide)
};

struct Trace {
  double substep = 0;                // seconds per physics step: 1 / (fps * ceil(240 / fps)), 1/240 s at 12 fps
  std::vector<FrameState> frames;    // scene.total_frames() frames
  std::vector<SoundEvent> events;    // sorted by time
};

// Simulates the whole scene (all shots, continuously). Impact times are refined inside the substep from the
// contact's penetration and approach speed. Deterministic: the same scene gives the same trace.
Trace simulate(const Scene& scene);

// The physics tuning of a material: friction and restitution, and a rolling resistance coefficient.
struct MaterialPhysics {
  double friction, restitution, rolling_resistance;
};
MaterialPhysics physics_of(Material material);

// The glass breaks when one contact changes its speed by more than this (m/s).
inline constexpr double kShatterSpeed = 3.0;
inline constexpr double kGravity = 9.81;

}  // namespace kinema::world
