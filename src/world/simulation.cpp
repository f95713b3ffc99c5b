// The world's physics on Box2D: bodies from the scene, the character's gait controller, glass that shatters,
// contact sounds, and the per-frame trace.
#include "world/simulation.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <memory>

#include <box2d/box2d.h>

#include "core/error.h"
#include "world/camera.h"
#include "world/rng.h"

namespace kinema::world {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int kVelocityIterations = 8, kPositionIterations = 3;
constexpr int kSoundSampleSteps = 4;        // rolling/sliding sampled every 4 substeps
constexpr double kImpactThreshold = 0.25;   // m/s approach speed below which a touch makes no sound
constexpr double kRollThreshold = 0.08;     // m/s
constexpr double kFallAngle = 0.8;          // rad: the character has fallen beyond this lean
constexpr uint16_t kShardCategory = 0x0002;

// Densities in kg per square metre (Box2D is 2D): a rubber ball, a painted wooden box, glass, a body.
double density_of(Kind kind) {
  switch (kind) {
    case Kind::ball: return 1.0;
    case Kind::box: return 1.2;
    case Kind::glass: return 2.5;
    case Kind::character: return 1.6;
  }
  return 1.0;
}

enum class Part : uint8_t { whole, feet, head };

// What a fixture belongs to: a thing (index into Simulator::things_) or the floor (-1), and its material.
struct FixtureTag {
  int thing = -1;
  Material material = Material::wood;
  Part part = Part::whole;
};

struct CharacterState {
  Pose pose = Pose::stand;
  double phase = 0;
  int facing = 1;
  bool fallen = false;
  int airborne_steps = 0;
  double next_jump = 0;
};

struct Thing {
  int id = 0;
  int object = -1;  // index into scene.objects; -1 for fragments
  Kind kind = Kind::ball;
  Colour colour = Colour::red;
  Size size = Size::medium;
  Material material = Material::rubber;
  bool fragment = false;
  int parent = -1;
  std::vector<Vec2> shape;
  b2Body* body = nullptr;
  bool broken = false;
  bool released = false;
  bool started = false;  // roll and slide: set moving
  b2Vec2 step_start{0, 0};  // the body's position when the current step began
  ObjectState last;  // where a broken glass was when it shattered
  CharacterState walker;
};

struct PendingImpact {
  b2Contact* contact;
  double approach;    // m/s
  double time;        // refined time of first touch
  double impulse = 0;
};

struct PendingShatter {
  int thing;
  double impulse, speed, time;
  Vec2 point;        // world
  int other_thing;   // -1 floor
  Material other;
};

double wrap_angle(double a) {
  while (a > kPi) a -= 2 * kPi;
  while (a < -kPi) a += 2 * kPi;
  return a;
}

double polygon_area(const std::vector<Vec2>& p) {
  double a = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    const Vec2& u = p[i];
    const Vec2& v = p[(i + 1) % p.size()];
    a += u.x * v.y - v.x * u.y;
  }
  return 0.5 * a;
}

Vec2 polygon_centroid(const std::vector<Vec2>& p) {
  double a = 0, cx = 0, cy = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    const Vec2& u = p[i];
    const Vec2& v = p[(i + 1) % p.size()];
    const double w = u.x * v.y - v.x * u.y;
    a += w;
    cx += (u.x + v.x) * w;
    cy += (u.y + v.y) * w;
  }
  return {cx / (3 * a), cy / (3 * a)};
}

// Keeps the part of a convex polygon on the left of the line through `at` along `dir` (Sutherland-Hodgman).
std::vector<Vec2> clip_left(const std::vector<Vec2>& poly, Vec2 at, Vec2 dir) {
  auto side = [&](const Vec2& p) { return dir.x * (p.y - at.y) - dir.y * (p.x - at.x); };
  std::vector<Vec2> out;
  for (size_t i = 0; i < poly.size(); ++i) {
    const Vec2& a = poly[i];
    const Vec2& b = poly[(i + 1) % poly.size()];
    const double sa = side(a), sb = side(b);
    if (sa >= 0) out.push_back(a);
    if ((sa >= 0) != (sb >= 0)) {
      const double t = sa / (sa - sb);
      out.push_back({a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t});
    }
  }
  return out;
}

bool usable_fragment(const std::vector<Vec2>& p) {
  if (p.size() < 3 || p.size() > b2_maxPolygonVertices) return false;
  if (polygon_area(p) < 4e-4) return false;
  for (size_t i = 0; i < p.size(); ++i)
    for (size_t j = i + 1; j < p.size(); ++j)
      if (std::hypot(p[i].x - p[j].x, p[i].y - p[j].y) < 0.012) return false;
  return true;
}

class Simulator : public b2ContactListener {
 public:
  explicit Simulator(const Scene& scene)
      : scene_(scene), world_(b2Vec2(0.0f, static_cast<float>(-kGravity))) {
    const int per_frame = (240 + scene.format.fps - 1) / scene.format.fps;
    steps_per_frame_ = per_frame;
    dt_ = 1.0 / (static_cast<double>(scene.format.fps) * per_frame);
    world_.SetContactListener(this);
    build_floor();
    for (size_t i = 0; i < scene_.objects.size(); ++i) add_object(static_cast<int>(i));
  }

  Trace run() {
    Trace trace;
    trace.substep = dt_;
    const int frames = scene_.total_frames();
    trace.frames.reserve(frames);
    for (int f = 0; f < frames; ++f) {
      trace.frames.push_back(record(f));
      for (int s = 0; s < steps_per_frame_; ++s) step();
    }
    std::stable_sort(events_.begin(), events_.end(), [](const SoundEvent& a, const SoundEvent& b) { return a.time < b.time; });
    for (SoundEvent& e : events_) e.sample = std::llround(e.time * scene_.format.sample_rate);
    trace.events = std::move(events_);
    place_cameras(scene_, trace.frames);
    return trace;
  }

  // ---- b2ContactListener ----

  void BeginContact(b2Contact* contact) override { fresh_.push_back(contact); }

  void PreSolve(b2Contact* contact, const b2Manifold*) override {
    const FixtureTag& a = tag(contact->GetFixtureA());
    const FixtureTag& b = tag(contact->GetFixtureB());
    const MaterialPhysics pa = physics_of(a.material), pb = physics_of(b.material);
    double friction = std::min(pa.friction, pb.friction);
    // An upright character's feet get their grip from the gait controller, limited by the floor's friction.
    if (upright_character(a) || upright_character(b)) friction = 0.0;
    contact->SetFriction(static_cast<float>(friction));
    contact->SetRestitution(static_cast<float>(pa.restitution * pb.restitution));
    contact->SetRestitutionThreshold(0.4f);
    if (std::find(fresh_.begin(), fresh_.end(), contact) == fresh_.end()) return;
    b2WorldManifold wm;
    contact->GetWorldManifold(&wm);
    const int points = contact->GetManifold()->pointCount;
    if (points == 0) return;
    double approach = 0, separation = 0;
    for (int i = 0; i < points; ++i) {
      const b2Vec2 p = wm.points[i];
      const b2Body* ba = contact->GetFixtureA()->GetBody();
      const b2Body* bb = contact->GetFixtureB()->GetBody();
      const b2Vec2 rel = bb->GetLinearVelocityFromWorldPoint(p) - ba->GetLinearVelocityFromWorldPoint(p);
      approach = std::max(approach, -static_cast<double>(b2Dot(rel, wm.normal)));
      separation = std::min(separation, static_cast<double>(wm.separations[i]));
    }
    if (approach < kImpactThreshold) return;
    // Contacts begin either at the start of the step, with the shapes already overlapping (they met
    // depth / approach earlier), or inside Box2D's time-of-impact pass, with the moving body advanced part
    // of the way through the step: how far it has come since the step began says when.
    double along = 0;
    for (const b2Fixture* f : {contact->GetFixtureA(), contact->GetFixtureB()}) {
      const FixtureTag& t = tag(f);
      if (t.thing < 0) continue;
      const b2Body* body = f->GetBody();
      const b2Vec2 v = body->GetLinearVelocity();
      const double travel = static_cast<double>(v.LengthSquared()) * dt_;
      if (travel < 1e-9) continue;
      const b2Vec2 moved = body->GetPosition() - things_[t.thing].step_start;
      along = std::max(along, std::clamp(static_cast<double>(b2Dot(moved, v)) / travel, 0.0, 1.0));
    }
    const double back = std::min(dt_, std::max(0.0, -separation) / approach);
    pending_.push_back({contact, approach, time_ + along * dt_ - back});
  }

  void PostSolve(b2Contact* contact, const b2ContactImpulse* impulse) override {
    double total = 0;
    for (int i = 0; i < impulse->count; ++i) total += impulse->normalImpulses[i];
    for (PendingImpact& p : pending_)
      if (p.contact == contact) p.impulse = std::max(p.impulse, total);
    check_shatter(contact, total);
  }

 private:
  static const FixtureTag& tag(const b2Fixture* f) {
    return *reinterpret_cast<const FixtureTag*>(const_cast<b2Fixture*>(f)->GetUserData().pointer);
  }

  bool upright_character(const FixtureTag& t) const {
    return t.thing >= 0 && things_[t.thing].kind == Kind::character && !things_[t.thing].fragment &&
           !things_[t.thing].walker.fallen;
  }

  b2Fixture* attach(b2Body* body, const b2Shape& shape, int thing, Material material, Part part, double density) {
    tags_.push_back({thing, material, part});
    b2FixtureDef def;
    def.shape = &shape;
    def.density = static_cast<float>(density);
    def.friction = static_cast<float>(physics_of(material).friction);
    def.restitution = static_cast<float>(physics_of(material).restitution);
    def.userData.pointer = reinterpret_cast<uintptr_t>(&tags_.back());
    return body->CreateFixture(&def);
  }

  void build_floor() {
    b2BodyDef def;
    floor_ = world_.CreateBody(&def);
    std::vector<double> cuts{-kStageHalfWidth, kStageHalfWidth};
    for (const GroundPatch& p : scene_.patches) {
      cuts.push_back(p.from);
      cuts.push_back(p.to);
    }
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
    for (size_t i = 0; i + 1 < cuts.size(); ++i) {
      const double x0 = cuts[i], x1 = cuts[i + 1];
      if (x1 - x0 < 1e-6) continue;
      // One-sided edges with ghost vertices: things slide over the seams between materials without bumps.
      // Looking from v1 to v2 (right to left) the normal points up.
      b2EdgeShape edge;
      edge.SetOneSided(b2Vec2(static_cast<float>(x1 + 1), 0), b2Vec2(static_cast<float>(x1), 0),
                       b2Vec2(static_cast<float>(x0), 0), b2Vec2(static_cast<float>(x0 - 1), 0));
      attach(floor_, edge, -1, scene_.ground_at(0.5 * (x0 + x1)), Part::whole, 0);
    }
    for (double side : {-kStageHalfWidth, kStageHalfWidth}) {
      b2EdgeShape wall;
      wall.SetTwoSided(b2Vec2(static_cast<float>(side), -1), b2Vec2(static_cast<float>(side), 20));
      attach(floor_, wall, -1, Material::wood, Part::whole, 0);
    }
  }

  // Box2D keeps polygons and edges apart by their skin (b2_polygonRadius each); circles have none.
  static double skin(Kind kind) { return kind == Kind::ball || kind == Kind::character ? 0.0 : b2_polygonRadius; }

  // The height of an object's bottom at the start, resting on the floor or on the stack beneath it.
  double base_of(const Object& o) const {
    if (o.on < 0) return b2_polygonRadius + skin(o.kind);
    const Object* below = scene_.find(o.on);
    return base_of(*below) + 2 * box_half_size(below->size).y + skin(below->kind) + skin(o.kind);
  }

  void add_object(int index) {
    const Object& o = scene_.objects[index];
    Thing t;
    t.id = o.id;
    t.object = index;
    t.kind = o.kind;
    t.colour = o.colour;
    t.size = o.size;
    t.material = material_of(o.kind);
    t.walker.facing = o.direction;
    t.walker.next_jump = o.delay + 0.3;
    const int thing = static_cast<int>(things_.size());

    b2BodyDef def;
    const bool held = o.action == Action::drop || o.action == Action::throw_;
    def.type = held ? b2_kinematicBody : b2_dynamicBody;
    const double bottom = base_of(o) + (held ? o.height : 0.0);
    def.position.Set(static_cast<float>(o.x), static_cast<float>(bottom + origin_above_bottom(o.kind, o.size)));
    b2Body* body = world_.CreateBody(&def);
    const double density = density_of(o.kind);
    switch (o.kind) {
      case Kind::ball: {
        b2CircleShape circle;
        circle.m_radius = static_cast<float>(ball_radius(o.size));
        attach(body, circle, thing, t.material, Part::whole, density);
        break;
      }
      case Kind::box: {
        const Vec2 h = box_half_size(o.size);
        b2PolygonShape box;
        box.SetAsBox(static_cast<float>(h.x), static_cast<float>(h.y));
        attach(body, box, thing, t.material, Part::whole, density);
        break;
      }
      case Kind::glass: {
        const GlassShape g = glass_shape(o.size);
        const b2Vec2 points[4] = {{static_cast<float>(-g.foot_half_width), 0}, {static_cast<float>(g.foot_half_width), 0},
                                  {static_cast<float>(g.rim_half_width), static_cast<float>(g.height)},
                                  {static_cast<float>(-g.rim_half_width), static_cast<float>(g.height)}};
        b2PolygonShape cup;
        cup.Set(points, 4);
        attach(body, cup, thing, t.material, Part::whole, density);
        break;
      }
      case Kind::character: {
        const CharacterShape c = character_shape(o.size);
        const double feet = c.half_width;
        b2CircleShape foot;
        foot.m_radius = static_cast<float>(feet);
        foot.m_p.Set(0, static_cast<float>(feet));
        attach(body, foot, thing, t.material, Part::feet, density);
        b2PolygonShape trunk;
        const double lo = feet, hi = c.shoulder;
        trunk.SetAsBox(static_cast<float>(c.half_width * 0.95), static_cast<float>((hi - lo) / 2),
                       b2Vec2(0, static_cast<float>((hi + lo) / 2)), 0);
        attach(body, trunk, thing, t.material, Part::whole, density);
        b2CircleShape head;
        head.m_radius = static_cast<float>(c.head_radius);
        head.m_p.Set(0, static_cast<float>(c.shoulder + c.head_radius));
        attach(body, head, thing, t.material, Part::head, density);
        body->SetSleepingAllowed(false);
        break;
      }
    }
    t.body = body;
    t.released = !held;
    things_.push_back(std::move(t));
  }

  // ---- the step ----

  void step() {
    for (size_t i = 0; i < things_.size(); ++i) drive(static_cast<int>(i));
    fresh_.clear();
    pending_.clear();
    shatters_.clear();
    for (Thing& t : things_)
      if (t.body) t.step_start = t.body->GetPosition();
    world_.Step(static_cast<float>(dt_), kVelocityIterations, kPositionIterations);
    emit_impacts();
    for (const PendingShatter& s : shatters_) shatter(s);
    ++step_;
    time_ = step_ * dt_;
    if (step_ % kSoundSampleSteps == 0) sample_contact_sounds();
  }

  // Starts actions when their delay is over, applies rolling resistance, runs the character's controller.
  void drive(int index) {
    Thing& t = things_[index];
    if (t.broken || !t.body) return;
    if (t.fragment) {
      rolling_resistance(t);
      return;
    }
    const Object& o = scene_.objects[t.object];
    const bool due = time_ + 1e-9 >= o.delay;
    if (!t.released && due) release(t, o);
    if (!t.started && due && (o.action == Action::roll || o.action == Action::slide)) {
      start_motion(t, o);
      t.started = true;
    }
    if (t.kind == Kind::character) {
      walk(t, o, due);
    } else if (t.released) {
      rolling_resistance(t);
    }
  }

  void release(Thing& t, const Object& o) {
    t.released = true;
    b2Body* body = t.body;
    body->SetType(b2_dynamicBody);
    body->SetAwake(true);
    if (o.action == Action::throw_) {
      const b2Vec2 v = throw_velocity(o, body->GetPosition());
      body->SetLinearVelocity(v);
      body->SetAngularVelocity(static_cast<float>(-o.direction * 3.0));
      body->SetBullet(true);
    }
  }

  void start_motion(Thing& t, const Object& o) {
    const double v = o.speed * o.direction;
    t.body->SetLinearVelocity(b2Vec2(static_cast<float>(v), 0));
    if (t.kind == Kind::ball) t.body->SetAngularVelocity(static_cast<float>(-v / ball_radius(t.size)));
    t.body->SetAwake(true);
  }

  // The launch velocity of a throw: at the given speed, the flatter of the two arcs that pass through the
  // target's centre; 45 degrees (the farthest) when the target is out of reach; 35 degrees with no target.
  b2Vec2 throw_velocity(const Object& o, b2Vec2 from) const {
    double angle = 35.0 * kPi / 180.0;
    int dir = o.direction;
    const double v = std::max(o.speed, 0.5);
    if (o.target >= 0) {
      const Thing* target = thing_with_id(o.target);
      if (target && target->body) {
        const b2Vec2 at = target->body->GetWorldCenter();
        const double dx = std::abs(at.x - from.x), dy = at.y - from.y;
        dir = at.x >= from.x ? 1 : -1;
        const double g = kGravity;
        const double disc = v * v * v * v - g * (g * dx * dx + 2 * dy * v * v);
        angle = disc >= 0 && dx > 1e-3 ? std::atan((v * v - std::sqrt(disc)) / (g * dx)) : kPi / 4;
      }
    }
    return b2Vec2(static_cast<float>(dir * v * std::cos(angle)), static_cast<float>(v * std::sin(angle)));
  }

  const Thing* thing_with_id(int id) const {
    for (const Thing& t : things_)
      if (t.id == id && !t.fragment) return &t;
    return nullptr;
  }

  // Which floor or thing the body rests on; fills the floor material under it. Returns false in the air.
  bool support(const Thing& t, Part part, Material* under, double* contact_x = nullptr) const {
    for (b2ContactEdge* e = t.body->GetContactList(); e; e = e->next) {
      b2Contact* c = e->contact;
      if (!c->IsTouching()) continue;
      const bool mine_is_a = c->GetFixtureA()->GetBody() == t.body;
      const FixtureTag& mine = tag(mine_is_a ? c->GetFixtureA() : c->GetFixtureB());
      const FixtureTag& other = tag(mine_is_a ? c->GetFixtureB() : c->GetFixtureA());
      if (part != Part::whole && mine.part != part) continue;
      b2WorldManifold wm;
      c->GetWorldManifold(&wm);
      const double up = mine_is_a ? -wm.normal.y : wm.normal.y;
      if (up < 0.5) continue;
      if (under) *under = other.material;
      if (contact_x) *contact_x = wm.points[0].x;
      return true;
    }
    return false;
  }

  // Rolling resistance: a torque against the spin of a thing rolling on the floor (sand and grass drag).
  void rolling_resistance(Thing& t) {
    if (t.kind != Kind::ball || t.fragment) return;
    Material under;
    if (!support(t, Part::whole, &under)) return;
    const double spin = t.body->GetAngularVelocity();
    if (std::abs(spin) < 1e-3) return;
    const double r = ball_radius(t.size);
    const double torque = physics_of(under).rolling_resistance * t.body->GetMass() * kGravity * r;
    const double stop = t.body->GetInertia() * std::abs(spin) / dt_;
    t.body->ApplyTorque(static_cast<float>(-std::copysign(std::min(torque, stop), spin)), true);
  }

  // The character: a friction-limited gait controller (traction and a balance torque, both capped by the
  // floor's friction) plus a slip model: a step on a floor with less grip than the gait needs kicks the
  // foot forward; Box2D does the rest, and on ice or in a puddle a runner falls over backwards.
  void walk(Thing& t, const Object& o, bool due) {
    CharacterState& w = t.walker;
    b2Body* body = t.body;
    if (w.fallen) {
      w.pose = Pose::fallen;
      return;
    }
    const double mass = body->GetMass();
    const b2Vec2 v = body->GetLinearVelocity();
    const double lean = wrap_angle(body->GetAngle());
    if (std::abs(lean) > kFallAngle) {
      w.fallen = true;
      w.pose = Pose::fallen;
      return;
    }
    Material under = scene_.ground;
    const bool grounded = support(t, Part::feet, &under);
    w.airborne_steps = grounded ? 0 : w.airborne_steps + 1;
    const double grip = physics_of(under).friction;

    double target = 0;
    if (due && (o.action == Action::walk || o.action == Action::run || o.action == Action::jump)) {
      target = o.speed * o.direction;
    } else if (due && o.action == Action::chase) {
      const Thing* ball = thing_with_id(o.target);
      const double dx = ball ? ball->body->GetPosition().x - body->GetPosition().x : 0;
      target = std::clamp(2.5 * (std::abs(dx) - 0.2), 0.0, o.speed) * (dx >= 0 ? 1 : -1);
    }
    if (std::abs(target) > 0.05) w.facing = target > 0 ? 1 : -1;

    if (grounded) {
      const double wanted = mass * (target - v.x) / 0.2;
      const double limit = grip * mass * kGravity;
      body->ApplyForceToCenter(b2Vec2(static_cast<float>(std::clamp(wanted, -limit, limit)), 0), true);
    }
    const double inertia = body->GetInertia();
    const double balance = -inertia * (150.0 * lean + 22.0 * body->GetAngularVelocity());
    const double balance_limit = grounded ? grip * mass * kGravity * 0.35 : 0.5 * mass * kGravity * 0.35 * 0.5;
    body->ApplyTorque(static_cast<float>(std::clamp(balance, -balance_limit, balance_limit)), true);

    if (o.action == Action::jump && due && grounded && time_ >= w.next_jump) {
      body->ApplyLinearImpulseToCenter(b2Vec2(0, static_cast<float>(mass * 3.3)), true);
      w.next_jump = time_ + 1.4;
    }

    const double speed = std::abs(v.x);
    if (grounded && speed > 0.1) {
      const double stride = 0.5 + 0.25 * speed;
      const double before = w.phase;
      w.phase += speed * dt_ / stride;
      const bool step_landed = std::floor(before * 2) != std::floor(w.phase * 2);
      w.phase -= std::floor(w.phase);
      if (step_landed) footstep(t, under, speed, grip);
    }
    if (w.airborne_steps > 3) w.pose = Pose::air;
    else if (speed < 0.15) w.pose = Pose::stand;
    else if (speed < 2.0) w.pose = Pose::walk;
    else w.pose = Pose::run;
  }

  void footstep(Thing& t, Material under, double speed, double grip) {
    SoundEvent e;
    e.kind = SoundKind::footstep;
    e.material = Material::body;
    e.other = under;
    e.object = t.id;
    e.speed = speed;
    e.impulse = t.body->GetMass() * speed * 0.3;
    e.time = time_;
    events_.push_back(e);
    const double needed = 0.08 + 0.1 * speed;
    if (grip >= needed) return;
    // The foot lands ahead of the body and shoots forward on the slippery floor.
    const b2Vec2 foot = t.body->GetWorldPoint(b2Vec2(0, 0));
    const double kick = t.body->GetMass() * (needed - grip) * 4.0 * (t.body->GetLinearVelocity().x >= 0 ? 1 : -1);
    t.body->ApplyLinearImpulse(b2Vec2(static_cast<float>(kick), 0), foot, true);
  }

  // ---- contacts, sounds and shattering ----

  void emit_impacts() {
    const size_t first = events_.size();
    for (const PendingImpact& p : pending_) {
      const FixtureTag& a = tag(p.contact->GetFixtureA());
      const FixtureTag& b = tag(p.contact->GetFixtureB());
      // The thing that sounds is a dynamic thing; the floor is always "other".
      const FixtureTag& mover = a.thing >= 0 ? a : b;
      const FixtureTag& other = a.thing >= 0 ? b : a;
      SoundEvent e;
      e.material = mover.material;
      e.other = other.material;
      e.object = things_[mover.thing].id;
      e.other_object = other.thing >= 0 ? things_[other.thing].id : -1;
      e.impulse = p.impulse;
      e.speed = p.approach;
      e.time = std::max(0.0, p.time);
      const bool water = mover.material == Material::water || other.material == Material::water;
      e.kind = water ? SoundKind::splash : SoundKind::impact;
      // A character's feet touching down after a stride are footsteps, not impacts.
      if (mover.part == Part::feet && !things_[mover.thing].walker.fallen && p.approach < 2.0) continue;
      add_once(e, first);
    }
  }

  // Adds an event unless one of the same kind between the same two things (or thing and floor material)
  // is already among events_[first..]: a body touching with several fixtures makes one sound. Keeps the
  // stronger of the two.
  void add_once(const SoundEvent& e, size_t first) {
    for (size_t i = first; i < events_.size(); ++i) {
      SoundEvent& old = events_[i];
      if (old.kind == e.kind && old.object == e.object && old.other_object == e.other_object &&
          (e.other_object >= 0 || old.other == e.other)) {
        if (e.speed > old.speed) old = e;
        return;
      }
    }
    events_.push_back(e);
  }

  void check_shatter(b2Contact* contact, double impulse) {
    for (int side = 0; side < 2; ++side) {
      const b2Fixture* f = side == 0 ? contact->GetFixtureA() : contact->GetFixtureB();
      const b2Fixture* g = side == 0 ? contact->GetFixtureB() : contact->GetFixtureA();
      const FixtureTag& t = tag(f);
      if (t.thing < 0) continue;
      const Thing& thing = things_[t.thing];
      if (thing.kind != Kind::glass || thing.fragment || thing.broken) continue;
      const double dv = impulse / thing.body->GetMass();
      if (dv < kShatterSpeed) continue;
      for (const PendingShatter& s : shatters_)
        if (s.thing == t.thing) return;
      b2WorldManifold wm;
      contact->GetWorldManifold(&wm);
      const FixtureTag& other = tag(g);
      double when = time_;
      for (const PendingImpact& p : pending_)
        if (p.contact == contact) when = p.time;
      shatters_.push_back({t.thing, impulse, dv, when, {wm.points[0].x, wm.points[0].y},
                           other.thing >= 0 ? things_[other.thing].id : -1, other.material});
    }
  }

  // Replaces a glass by pieces: radial cuts from a point near the impact split its outline into 6..9
  // convex shards that fly apart from the glass's own velocity.
  void shatter(const PendingShatter& s) {
    if (things_[s.thing].broken) return;
    things_[s.thing].last = state_of(things_[s.thing]);
    things_[s.thing].broken = true;
    const Thing glass = things_[s.thing];  // a copy: adding shards below may move things_
    b2Body* body = glass.body;

    const GlassShape g = glass_shape(glass.size);
    const std::vector<Vec2> outline{{-g.foot_half_width, 0}, {g.foot_half_width, 0}, {g.rim_half_width, g.height}, {-g.rim_half_width, g.height}};
    const b2Vec2 local_hit = body->GetLocalPoint(b2Vec2(static_cast<float>(s.point.x), static_cast<float>(s.point.y)));
    Rng rng(derive_seed(scene_.seed, "shatter/" + std::to_string(glass.id)));
    const Vec2 centre{0.5 * (0.3 * local_hit.x), 0.5 * (g.height * 0.5 + 0.5 * local_hit.y)};
    const int pieces = rng.range(6, 9);
    const double start = rng.uniform(0, 2 * kPi);
    std::vector<double> cuts;
    for (int i = 0; i < pieces; ++i) cuts.push_back(start + (i + rng.uniform(-0.3, 0.3)) * 2 * kPi / pieces);

    SoundEvent e;
    e.kind = SoundKind::shatter;
    e.material = Material::glass;
    e.other = s.other;
    e.object = glass.id;
    e.other_object = s.other_thing;
    e.impulse = s.impulse;
    e.speed = s.speed;
    e.time = s.time;
    events_.push_back(e);

    const float angle = body->GetAngle();
    int made = 0;
    for (int i = 0; i < pieces; ++i) {
      const double a0 = cuts[i], a1 = i + 1 < pieces ? cuts[i + 1] : cuts[0] + 2 * kPi;
      std::vector<Vec2> piece = clip_left(outline, centre, {std::cos(a0), std::sin(a0)});
      piece = clip_left(piece, centre, {-std::cos(a1), -std::sin(a1)});
      if (!usable_fragment(piece)) continue;
      const Vec2 c = polygon_centroid(piece);
      std::vector<b2Vec2> points;
      Thing shard;
      for (const Vec2& p : piece) {
        shard.shape.push_back({p.x - c.x, p.y - c.y});
        points.push_back(b2Vec2(static_cast<float>(p.x - c.x), static_cast<float>(p.y - c.y)));
      }
      b2BodyDef def;
      def.type = b2_dynamicBody;
      def.position = body->GetWorldPoint(b2Vec2(static_cast<float>(c.x), static_cast<float>(c.y)));
      def.angle = angle;
      const b2Vec2 base = body->GetLinearVelocityFromWorldPoint(def.position);
      const Vec2 out{c.x - centre.x, c.y - centre.y};
      const double len = std::max(1e-6, std::hypot(out.x, out.y));
      const double burst = rng.uniform(0.6, 1.8);
      def.linearVelocity.Set(static_cast<float>(base.x + burst * out.x / len), static_cast<float>(base.y + std::abs(burst * out.y / len) + rng.uniform(0.3, 1.2)));
      def.angularVelocity = static_cast<float>(rng.uniform(-8, 8));
      shard.body = world_.CreateBody(&def);
      b2PolygonShape shape;
      shape.Set(points.data(), static_cast<int32>(points.size()));
      shard.id = 1000 * (glass.id + 1) + made;
      shard.kind = Kind::glass;
      shard.colour = glass.colour;
      shard.size = glass.size;
      shard.material = Material::glass;
      shard.fragment = true;
      shard.parent = glass.id;
      shard.released = true;
      const int index = static_cast<int>(things_.size());
      things_.push_back(std::move(shard));
      b2Fixture* fixture = attach(things_.back().body, shape, index, Material::glass, Part::whole, density_of(Kind::glass));
      // Shards do not collide with each other: cheaper, and no jams of slivers.
      b2Filter filter;
      filter.categoryBits = kShardCategory;
      filter.maskBits = 0xFFFF & ~kShardCategory;
      fixture->SetFilterData(filter);
      ++made;
    }
    world_.DestroyBody(body);
    things_[s.thing].body = nullptr;
  }

  // Rolling and sliding noise: every few substeps, each thing touching the floor or another thing while
  // moving along it.
  void sample_contact_sounds() {
    const size_t first = events_.size();
    for (const Thing& t : things_) {
      if (!t.body || t.broken || !t.body->IsAwake() || t.body->GetType() != b2_dynamicBody) continue;
      if (t.kind == Kind::character && !t.walker.fallen) continue;
      for (b2ContactEdge* edge = t.body->GetContactList(); edge; edge = edge->next) {
        b2Contact* c = edge->contact;
        if (!c->IsTouching()) continue;
        const bool mine_is_a = c->GetFixtureA()->GetBody() == t.body;
        const FixtureTag& other = tag(mine_is_a ? c->GetFixtureB() : c->GetFixtureA());
        // Contacts between two moving things are sampled once, from the thing listed first.
        if (other.thing >= 0 && other.thing < static_cast<int>(&t - things_.data())) continue;
        b2WorldManifold wm;
        c->GetWorldManifold(&wm);
        const b2Vec2 p = wm.points[0];
        const b2Body* ob = mine_is_a ? c->GetFixtureB()->GetBody() : c->GetFixtureA()->GetBody();
        const b2Vec2 rel = t.body->GetLinearVelocityFromWorldPoint(p) - ob->GetLinearVelocityFromWorldPoint(p);
        const b2Vec2 tangent(-wm.normal.y, wm.normal.x);
        const double slip = std::abs(b2Dot(rel, tangent));
        const b2Vec2 centre_v = t.body->GetLinearVelocity() - ob->GetLinearVelocity();
        const double travel = std::abs(b2Dot(centre_v, tangent));
        SoundEvent e;
        e.material = t.material;
        e.other = other.material;
        e.object = t.id;
        e.other_object = other.thing >= 0 ? things_[other.thing].id : -1;
        e.time = time_;  // sampled now; sounds until the next sample
        e.duration = kSoundSampleSteps * dt_;
        if (t.kind == Kind::ball && !t.fragment && travel > kRollThreshold && slip < 0.5 * travel + 0.05) {
          e.kind = SoundKind::roll;
          e.speed = travel;
        } else if (slip > 0.1) {
          e.kind = SoundKind::slide;
          e.speed = slip;
        } else {
          continue;
        }
        add_once(e, first);
      }
    }
  }

  // ---- recording ----

  ObjectState state_of(const Thing& t) const {
    if (t.broken) {
      ObjectState s = t.last;
      s.broken = true;
      s.vx = s.vy = s.spin = 0;
      return s;
    }
    ObjectState s;
    s.id = t.id;
    s.kind = t.kind;
    s.colour = t.colour;
    s.size = t.size;
    s.material = t.material;
    s.fragment = t.fragment;
    s.parent = t.parent;
    s.shape = t.shape;
    const b2Vec2 p = t.body->GetPosition();
    const b2Vec2 v = t.body->GetLinearVelocity();
    s.x = p.x;
    s.y = p.y;
    s.angle = t.body->GetAngle();
    s.vx = v.x;
    s.vy = v.y;
    s.spin = t.body->GetAngularVelocity();
    s.pose = t.walker.pose;
    s.gait_phase = t.walker.phase;
    s.facing = t.walker.facing;
    return s;
  }

  FrameState record(int frame) {
    FrameState f;
    f.index = frame;
    f.shot = frame / scene_.format.frames;
    f.time = static_cast<double>(frame) / scene_.format.fps;
    f.light = scene_.light_at(f.time);
    f.objects.reserve(things_.size());
    for (const Thing& t : things_) f.objects.push_back(state_of(t));
    return f;
  }

 private:
  const Scene& scene_;
  b2World world_;
  b2Body* floor_ = nullptr;
  std::deque<FixtureTag> tags_;
  std::vector<Thing> things_;
  std::vector<SoundEvent> events_;
  std::vector<b2Contact*> fresh_;
  std::vector<PendingImpact> pending_;
  std::vector<PendingShatter> shatters_;
  int steps_per_frame_ = 20;
  double dt_ = 1.0 / 240;
  int64_t step_ = 0;
  double time_ = 0;
};

}  // namespace

const ObjectState* FrameState::find(int id) const {
  for (const ObjectState& o : objects)
    if (o.id == id) return &o;
  return nullptr;
}

std::string_view name(SoundKind kind) {
  static constexpr std::string_view names[] = {"impact", "footstep", "roll", "slide", "shatter", "splash"};
  return names[static_cast<int>(kind)];
}

MaterialPhysics physics_of(Material m) {
  switch (m) {
    case Material::wood: return {0.5, 0.55, 0.015};
    case Material::metal: return {0.4, 0.85, 0.008};
    case Material::grass: return {0.7, 0.4, 0.06};
    case Material::ice: return {0.03, 0.5, 0.005};
    case Material::sand: return {0.8, 0.12, 0.12};
    case Material::water: return {0.05, 0.1, 0.08};
    case Material::rubber: return {0.9, 0.88, 0.0};
    case Material::glass: return {0.5, 0.4, 0.0};
    case Material::body: return {0.8, 0.1, 0.0};
  }
  return {0.5, 0.5, 0.0};
}

Trace simulate(const Scene& scene) {
  validate(scene);
  Simulator simulator(scene);
  return simulator.run();
}

}  // namespace kinema::world
