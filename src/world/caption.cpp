// Captions: facts of a shot read from the trace (who is seen, what it does, what happens to it, what is heard),
// then told with seeded choices of words and order.
#include "world/caption.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

#include "world/geometry.h"
#include "world/rng.h"
#include "world/sound.h"

namespace kinema::world {
namespace {

struct Window {
  int first, last;  // frames [first, last)
  double t0, t1;    // seconds [t0, t1)
};

Window window_of(const Scene& scene, int shot) {
  const int first = shot * scene.format.frames, last = first + scene.format.frames;
  return {first, last, static_cast<double>(first) / scene.format.fps, static_cast<double>(last) / scene.format.fps};
}

// A generous radius around a thing's origin and the height of its middle above the origin.
void extent(const ObjectState& o, double* radius, double* middle) {
  switch (o.kind) {
    case Kind::ball: *radius = ball_radius(o.size); *middle = 0; break;
    case Kind::box: *radius = std::hypot(box_half_size(o.size).x, box_half_size(o.size).y); *middle = 0; break;
    case Kind::glass: *radius = glass_shape(o.size).height * 0.6; *middle = glass_shape(o.size).height / 2; break;
    case Kind::character: *radius = character_shape(o.size).height * 0.55; *middle = character_shape(o.size).height / 2; break;
  }
  if (o.fragment) {
    *radius = 0.08;
    *middle = 0;
  }
}

bool in_view(const Scene& scene, const FrameState& frame, const ObjectState& o) {
  const View view = view_for(frame.camera, scene.format.width, scene.format.height);
  double r = 0.3, mid = 0;
  extent(o, &r, &mid);
  const double cx = view.px(o.x - mid * std::sin(o.angle)), cy = view.py(o.y + mid * std::cos(o.angle));
  const double rp = r * view.scale;
  return cx + rp > 0 && cx - rp < scene.format.width && cy + rp > 0 && cy - rp < scene.format.height;
}

// Whether a thing's middle is inside the picture: what happens to it there can be seen.
bool middle_in_view(const Scene& scene, const FrameState& frame, const ObjectState& o) {
  const View view = view_for(frame.camera, scene.format.width, scene.format.height);
  double r = 0.3, mid = 0;
  extent(o, &r, &mid);
  const double cx = view.px(o.x - mid * std::sin(o.angle)), cy = view.py(o.y + mid * std::cos(o.angle));
  return cx >= 0 && cx <= scene.format.width && cy >= 0 && cy <= scene.format.height;
}

// The frame of the shot nearest to a time in seconds from the scene's start.
int frame_at(const Scene& scene, int first, int last, double time) {
  return std::clamp(static_cast<int>(std::lround(time * scene.format.fps)), first, last - 1);
}

// A bounce worth naming: the ball rises clearly off the floor after the contact (a few centimetres on sand
// cannot be seen at the picture's size), with its middle in view when it turns.
bool visible_bounce(const Scene& scene, const Trace& trace, size_t index, int f, int last) {
  const ObjectState& at = trace.frames[f].objects[index];
  if (!middle_in_view(scene, trace.frames[f], at)) return false;
  const double rest = origin_above_bottom(at.kind, at.size);
  double rise = 0;
  for (int g = f; g < std::min(last, f + 8); ++g) rise = std::max(rise, trace.frames[g].objects[index].y - rest);
  return rise >= 0.15;
}

// What one thing does and undergoes in one shot.
struct Story {
  const Object* object = nullptr;
  bool seen = false;
  bool started = false;       // its action has begun by the end of the shot
  bool starts_here = false;   // ... and begins in this shot (or the scene's first shot)
  bool moving = false;        // moves along the floor for a good part of the shot
  bool bounced = false;
  bool shattered = false, broken_before = false;
  bool toppled = false;
  bool fell = false, fallen_before = false;
  bool slipped = false;       // it fell on a slippery floor (not over something)
  std::vector<int> hit;        // things it hits (or is hit by)
};

std::map<int, int> stacks_of(const Scene& scene) {
  // Boxes resting on boxes: a stack is named after its bottom box, if it holds two boxes or more.
  std::map<int, int> bottom_of;
  for (const Object& o : scene.objects) {
    if (o.kind != Kind::box) continue;
    const Object* b = &o;
    while (b->on >= 0) b = scene.find(b->on);
    bottom_of[o.id] = b->id;
  }
  std::map<int, int> size;
  for (const auto& [id, bottom] : bottom_of) ++size[bottom];
  std::map<int, int> out;
  for (const auto& [id, bottom] : bottom_of)
    if (size[bottom] >= 2) out[id] = bottom;
  return out;
}

std::vector<Story> read_shot(const Scene& scene, const Trace& trace, int shot) {
  const Window w = window_of(scene, shot);
  std::vector<Story> stories;
  for (size_t i = 0; i < scene.objects.size(); ++i) {
    const Object& o = scene.objects[i];
    Story s;
    s.object = &o;
    s.seen = seen_in_shot(scene, trace, shot, o.id);
    s.started = o.delay < w.t1;
    s.starts_here = s.started && (shot == 0 || o.delay >= w.t0);
    const ObjectState& a = trace.frames[w.first].objects[i];
    const ObjectState& z = trace.frames[w.last - 1].objects[i];
    int moving_frames = 0;
    double last_vy = 0;
    double max_turn = 0, max_drop = 0, max_shift = 0;
    for (int f = w.first; f < w.last; ++f) {
      const ObjectState& p = trace.frames[f].objects[i];
      if (p.broken) continue;
      if (std::abs(p.vx) > 0.25 && p.y < origin_above_bottom(o.kind, o.size) + 0.1) ++moving_frames;
      if (o.kind == Kind::ball && last_vy < -0.8 && p.vy > 0.5 && visible_bounce(scene, trace, i, f, w.last)) s.bounced = true;
      last_vy = p.vy;
      max_turn = std::max(max_turn, std::abs(p.angle - a.angle));
      max_drop = std::max(max_drop, a.y - p.y);
      max_shift = std::max(max_shift, std::abs(p.x - a.x));
    }
    s.moving = moving_frames >= (w.last - w.first) * 3 / 10;
    s.broken_before = a.broken;
    s.shattered = z.broken && !a.broken;
    const bool at_rest = std::hypot(a.vx, a.vy) < 0.2;
    if ((o.kind == Kind::box || o.kind == Kind::glass) && at_rest && o.action == Action::rest && !a.broken)
      s.toppled = max_turn > 0.6 || max_drop > 0.25 || max_shift > 0.35;
    if (o.kind == Kind::character) {
      s.fallen_before = a.pose == Pose::fallen;
      s.fell = z.pose == Pose::fallen && !s.fallen_before;
      // Slipped: on a slippery floor in the half second before it lay down (not tripped over something).
      for (int f = w.first; f < w.last && s.fell; ++f)
        if (trace.frames[f].objects[i].pose == Pose::fallen) {
          for (int g = std::max(w.first, f - scene.format.fps / 2); g <= f; ++g)
            s.slipped = s.slipped || physics_of(scene.ground_at(trace.frames[g].objects[i].x)).friction < 0.2;
          break;
        }
    }
    for (const SoundEvent& e : trace.events) {
      if (e.time < w.t0 || e.time >= w.t1 || e.kind != SoundKind::impact || e.speed < 0.8) continue;
      if (e.object >= 1000 || e.other_object >= 1000 || e.other_object < 0) continue;
      const int other = e.object == o.id ? e.other_object : e.other_object == o.id ? e.object : -1;
      if (other < 0 || std::find(s.hit.begin(), s.hit.end(), other) != s.hit.end()) continue;
      // Named only when both are in view as they meet.
      const FrameState& at = trace.frames[frame_at(scene, w.first, w.last, e.time)];
      const ObjectState* them = at.find(other);
      if (middle_in_view(scene, at, at.objects[i]) && them && middle_in_view(scene, at, *them)) s.hit.push_back(other);
    }
    stories.push_back(std::move(s));
  }
  return stories;
}

std::vector<Sound> sounds_of(const Scene& scene, const Trace& trace, int shot) {
  const Window w = window_of(scene, shot);
  std::set<Sound> heard;
  bool footsteps = false;
  for (const SoundEvent& e : trace.events) {
    if (e.time < w.t0 || e.time >= w.t1) continue;
    switch (e.kind) {
      case SoundKind::shatter: heard.insert(Sound::crash); break;
      case SoundKind::splash: heard.insert(Sound::splash); break;
      case SoundKind::footstep:
        footsteps = true;
        break;
      case SoundKind::roll: if (e.speed > 0.5) heard.insert(Sound::rumble); break;
      case SoundKind::slide: if (e.speed > 0.5 && e.object < 1000) heard.insert(Sound::scrape); break;
      case SoundKind::impact:
        if (e.speed < 1.0 || e.object >= 1000) break;
        switch (e.other_object >= 0 ? Material::wood : e.other) {
          case Material::metal: heard.insert(Sound::clang); break;
          case Material::wood: heard.insert(Sound::knock); break;
          case Material::grass: heard.insert(Sound::thud); break;
          case Material::sand: heard.insert(Sound::thump); break;
          case Material::ice: heard.insert(Sound::tick); break;
          default: break;
        }
        break;
    }
  }
  std::vector<Sound> out;
  // Most telling first: breaking glass, then hits, then steps, then rolling and sliding, then the setting.
  for (Sound s : {Sound::crash, Sound::splash, Sound::clang, Sound::knock, Sound::thud, Sound::thump, Sound::tick})
    if (heard.count(s)) out.push_back(s);
  if (footsteps) out.push_back(Sound::footsteps);
  for (Sound s : {Sound::rumble, Sound::scrape})
    if (heard.count(s)) out.push_back(s);
  const double light = scene.light_at(w.t0);
  switch (setting_of(scene.ground)) {
    case Setting::park: out.push_back(light < 0.8 ? Sound::birdsong : light > 1.3 ? Sound::crickets : Sound::wind); break;
    case Setting::beach: out.push_back(Sound::waves); break;
    case Setting::pond: out.push_back(Sound::wind); break;
    case Setting::workshop: out.push_back(Sound::hum); break;
    case Setting::room: out.push_back(Sound::quiet); break;
  }
  return out;
}

// ---- wording ----

bool starts_with_vowel(const std::string& text) {
  return !text.empty() && std::string("aeiou").find(text[0]) != std::string::npos;
}

std::string article(const std::string& words) { return (starts_with_vowel(words) ? "an " : "a ") + words; }

std::string join_list(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " and " : ", ";
    out += items[i];
  }
  return out;
}

class Teller {
 public:
  Teller(const Scene& scene, const Trace& trace, int shot, uint64_t variant)
      : scene_(scene), trace_(trace), shot_(shot),
        rng_(derive_seed(scene.seed ^ mix64(variant), "caption/" + std::to_string(shot))), stacks_(stacks_of(scene)) {}

  Caption tell() {
    stories_ = read_shot(scene_, trace_, shot_);
    const Window w = window_of(scene_, shot_);
    facts_.style = scene_.style;
    facts_.camera = scene_.shots[shot_].camera;
    const double l0 = scene_.light_at(w.t0), l1 = scene_.light_at(w.t1);
    facts_.time = time_of_day(l0);
    if (l1 - l0 > 0.12) {
      facts_.change = time_of_day(l1) == TimeOfDay::night || facts_.time == TimeOfDay::night ? LightChange::nightfall
                      : facts_.time == TimeOfDay::day ? LightChange::sundown
                                                      : LightChange::deepen;
    }
    facts_.grounds.push_back(scene_.ground);

    std::vector<std::string> clauses = subject_clauses();
    std::string body = join_clauses(clauses);
    if (!ground_named_) body = ground_opening() + body;
    else if (!patches_pending().empty()) body += ", beside " + patch_phrase(patches_pending().front());

    const std::string camera = camera_phrase();
    const std::string time = time_phrase();
    const std::string style = style_phrase();
    facts_.sounds.clear();
    const std::string sound = sound_sentence();

    std::string text;
    switch (rng_.below(4)) {
      case 0: text = capital(body) + ". " + capital(camera) + ", " + time + ", " + style + "."; break;
      case 1: text = capital(style) + ", " + time + ": " + body + "; " + camera + "."; break;
      case 2: text = capital(time) + ", " + body + ". " + capital(camera) + ". " + capital(style) + "."; break;
      default: text = capital(body) + ", " + time + ". " + capital(style) + ", " + camera + "."; break;
    }
    if (!sound.empty()) text += " " + sound;
    return {text, facts_};
  }

 private:
  template <size_t N>
  std::string pick(const char* const (&options)[N]) {
    return options[rng_.below(static_cast<int>(N))];
  }
  static std::string capital(std::string s) {
    if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
    return s;
  }

  Story& story(int id) {
    for (Story& s : stories_)
      if (s.object->id == id) return s;
    return stories_.front();
  }

  SubjectFacts* fact(int id) {
    for (SubjectFacts& f : facts_.subjects)
      if (f.id == id) return &f;
    return nullptr;
  }

  // ---- noun phrases ----

  std::string colour_word(Colour c) { return std::string(rng_.chance(0.6) ? name(c) : pick_phrase(Concept::colour, static_cast<int>(c))); }
  std::string kind_word(Kind k) {
    static const char* const ball[] = {"ball", "ball", "rubber ball", "sphere"};
    static const char* const box[] = {"box", "box", "crate", "cube", "block", "wooden crate"};
    static const char* const glass[] = {"glass", "glass", "tumbler", "drinking glass", "vase"};
    static const char* const character[] = {"character", "character", "figure", "person", "kid"};
    switch (k) {
      case Kind::ball: return pick(ball);
      case Kind::box: return pick(box);
      case Kind::glass: return pick(glass);
      case Kind::character: return pick(character);
    }
    return "thing";
  }
  std::string_view pick_phrase(Concept c, int value) {
    const auto options = phrases_for(c, value);
    return options[rng_.below(static_cast<int>(options.size()))];
  }

  // "a small crimson ball" the first time, "the red ball" after; registers the subject in the facts.
  std::string noun(const Object& o) {
    if (fact(o.id)) return "the " + std::string(name(o.colour)) + " " + std::string(name(o.kind));
    SubjectFacts f;
    f.id = o.id;
    f.kind = o.kind;
    f.colour = o.colour;
    f.size = o.size;
    f.size_named = rng_.chance(0.4);
    std::string words = colour_word(o.colour) + " " + kind_word(o.kind);
    if (f.size_named) {
      static const char* const small[] = {"small", "tiny"};
      static const char* const medium[] = {"medium sized", "medium"};
      static const char* const large[] = {"large", "big"};
      const std::string size = o.size == Size::small ? pick(small) : o.size == Size::medium ? pick(medium) : pick(large);
      words = size + " " + words;
    }
    facts_.subjects.push_back(f);
    return article(words);
  }

  // "a stack of red, green and yellow boxes" (bottom to top), or "the stack" once named.
  std::string stack_noun(int bottom) {
    std::vector<const Object*> boxes;
    for (const Object& o : scene_.objects)
      if (o.kind == Kind::box && stacks_.count(o.id) && stacks_.at(o.id) == bottom) boxes.push_back(&o);
    if (fact(bottom)) return "the stack";
    std::vector<std::string> colours;
    for (const Object* b : boxes) {
      SubjectFacts f;
      f.id = b->id;
      f.kind = Kind::box;
      f.colour = b->colour;
      f.size = b->size;
      f.action = Action::rest;
      f.stack = bottom;
      facts_.subjects.push_back(f);
      colours.push_back(colour_word(b->colour));
    }
    static const char* const heads[] = {"a stack of ", "a tower of ", "a pile of "};
    static const char* const nouns[] = {"boxes", "crates", "blocks"};
    return pick(heads) + join_list(colours) + " " + pick(nouns);
  }

  // A thing named as what another acts on. Resting things (and whole stacks) are told there and then.
  std::string object_noun(const Object& t) {
    if (stacks_.count(t.id)) {
      const int bottom = stacks_.at(t.id);
      for (const Object& o : scene_.objects)
        if (stacks_.count(o.id) && stacks_.at(o.id) == bottom) told_.insert(o.id);
      return stack_noun(bottom);
    }
    std::string np = noun(t);
    if (t.action == Action::rest && !told_.count(t.id)) {
      told_.insert(t.id);
      set_action(t.id, Action::rest);
    }
    return np;
  }

  void add_outcome(int id, Outcome outcome) {
    if (SubjectFacts* f = fact(id))
      if (std::find(f->outcomes.begin(), f->outcomes.end(), outcome) == f->outcomes.end()) f->outcomes.push_back(outcome);
  }
  void set_action(int id, std::optional<Action> action) {
    if (SubjectFacts* f = fact(id)) f->action = action;
  }

  // ---- floors ----

  std::string floor_phrase(Material m) {
    static const char* const wood[] = {"the wooden floor", "a wooden floor", "the floorboards", "the parquet"};
    static const char* const metal[] = {"the metal floor", "a steel floor", "a metal deck", "the steel plate"};
    static const char* const grass[] = {"the grass", "a grassy lawn", "the lawn", "a meadow"};
    static const char* const ice[] = {"the ice", "an icy floor", "a frozen pond", "the ice rink"};
    static const char* const sand[] = {"the sand", "a sandy beach", "the beach", "a sandy floor"};
    switch (m) {
      case Material::wood: return pick(wood);
      case Material::metal: return pick(metal);
      case Material::grass: return pick(grass);
      case Material::ice: return pick(ice);
      case Material::sand: return pick(sand);
      default: return "the floor";
    }
  }

  std::string patch_phrase(Material m) {
    if (std::find(facts_.grounds.begin(), facts_.grounds.end(), m) == facts_.grounds.end()) facts_.grounds.push_back(m);
    static const char* const ice[] = {"a patch of ice", "an icy patch", "a sheet of ice"};
    static const char* const water[] = {"a puddle", "a puddle of water", "a wet patch"};
    static const char* const sand[] = {"a strip of sand"};
    static const char* const metal[] = {"a metal plate", "a steel plate"};
    static const char* const wood[] = {"wooden boards", "a wooden deck"};
    static const char* const grass[] = {"a patch of grass"};
    switch (m) {
      case Material::ice: return pick(ice);
      case Material::water: return pick(water);
      case Material::sand: return pick(sand);
      case Material::metal: return pick(metal);
      case Material::wood: return pick(wood);
      default: return pick(grass);
    }
  }

  // The floor named inside a clause: the first time the main floor by material, later plainly.
  std::string ground_slot() {
    if (!ground_named_) {
      ground_named_ = true;
      return floor_phrase(scene_.ground);
    }
    return "the floor";
  }

  std::string ground_opening() {
    ground_named_ = true;
    std::string phrase = "on " + floor_phrase(scene_.ground);
    const auto pending = patches_pending();
    if (!pending.empty()) phrase += " with " + patch_phrase(pending.front());
    return phrase + ", ";
  }

  // Patches in view during the shot that no clause has named yet.
  std::vector<Material> patches_pending() {
    std::vector<Material> out;
    const Window w = window_of(scene_, shot_);
    for (const GroundPatch& p : scene_.patches) {
      if (std::find(facts_.grounds.begin(), facts_.grounds.end(), p.material) != facts_.grounds.end()) continue;
      if (std::find(out.begin(), out.end(), p.material) != out.end()) continue;
      bool visible = false;
      for (int f = w.first; f < w.last && !visible; f += 4) {
        const View v = view_for(trace_.frames[f].camera, scene_.format.width, scene_.format.height);
        visible = v.px(p.to) > 4 && v.px(p.from) < scene_.format.width - 4;
      }
      if (visible) out.push_back(p.material);
    }
    return out;
  }

  // ---- clauses ----

  std::vector<std::string> subject_clauses() {
    std::vector<std::string> clauses;
    std::vector<const Story*> order;
    for (const Story& s : stories_)
      if (s.seen && (s.started || s.object->action == Action::rest)) order.push_back(&s);
    // Things that act come first; what they act on after; a chased ball before its chaser.
    std::stable_sort(order.begin(), order.end(), [](const Story* a, const Story* b) {
      auto rank = [](const Story* s) {
        const Action act = s->object->action;
        if (act == Action::chase) return 1;
        if (act == Action::rest) return 2;
        return 0;
      };
      return rank(a) < rank(b);
    });
    for (const Story* s : order) {
      const Object& o = *s->object;
      if (told_.count(o.id)) continue;  // already told inside another clause
      std::string clause = clause_for(*s);
      if (!clause.empty()) clauses.push_back(clause);
    }
    return clauses;
  }

  std::string join_clauses(const std::vector<std::string>& clauses) {
    std::string out;
    for (size_t i = 0; i < clauses.size(); ++i) {
      if (i > 0) {
        static const char* const links[] = {", and ", "; ", ", while "};
        out += pick(links);
      }
      out += clauses[i];
    }
    return out;
  }

  std::string clause_for(const Story& s) {
    const Object& o = *s.object;
    told_.insert(o.id);
    if (stacks_.count(o.id)) return stack_clause(s);
    const std::string subject = noun(o);
    std::string verb;
    std::optional<Action> told;
    const bool later = !s.starts_here;
    switch (o.action) {
      case Action::drop:
      case Action::throw_:
        if (later) return subject + state_after_motion(s);
        told = o.action;
        verb = o.action == Action::drop ? drop_clause(s) : throw_clause(s);
        break;
      case Action::roll:
      case Action::slide:
        if (later && !s.moving) return subject + state_after_motion(s);
        told = o.action;
        verb = moving_clause(s, later);
        break;
      case Action::walk:
      case Action::run:
      case Action::jump:
      case Action::chase:
        if (s.fallen_before) {
          set_action(o.id, std::nullopt);
          add_outcome(o.id, Outcome::fall);
          static const char* const lying[] = {" lies where it fell", " lies sprawled on ", " lies where it fell on "};
          const std::string l = pick(lying);
          return subject + l + (l.back() == ' ' ? ground_slot() : "");
        }
        told = o.action;
        verb = character_clause(s);
        break;
      case Action::rest:
        told = Action::rest;
        verb = rest_clause(s);
        break;
    }
    set_action(o.id, told);
    return subject + verb;
  }

  // After a drop or throw in an earlier shot: still rolling, lying still, or in pieces.
  std::string state_after_motion(const Story& s) {
    const Object& o = *s.object;
    if (s.broken_before) {
      set_action(o.id, std::nullopt);
      add_outcome(o.id, Outcome::in_pieces);
      static const char* const pieces[] = {" lies in pieces on ", " lies broken on ", " lies in pieces on "};
      return pick(pieces) + ground_slot();
    }
    if (o.kind == Kind::ball && s.moving) {
      set_action(o.id, Action::roll);
      static const char* const rolling[] = {" keeps rolling across ", " rolls along ", " keeps rolling over "};
      return pick(rolling) + ground_slot();
    }
    if (o.kind == Kind::box && s.moving) {
      set_action(o.id, Action::slide);
      return " keeps sliding across " + ground_slot();
    }
    set_action(o.id, Action::rest);
    add_outcome(o.id, Outcome::lie_still);
    static const char* const still[] = {" lies still on ", " comes to rest on ", " lies still on "};
    return pick(still) + ground_slot();
  }

  std::string drop_clause(const Story& s) {
    const Object& o = *s.object;
    static const char* const verbs[] = {" drops onto ", " falls onto ", " is dropped onto ", " tumbles down onto ", " plummets onto "};
    const Material under = scene_.ground_at(o.x);
    std::string out = pick(verbs) + (under == Material::water ? patch_phrase(Material::water) : ground_slot());
    out += outcome_words(s);
    return out;
  }

  std::string throw_clause(const Story& s) {
    const Object& o = *s.object;
    static const char* const verbs[] = {" is thrown", " is tossed", " is hurled", " flies"};
    std::string out = pick(verbs);
    if (o.target >= 0) {
      const Object* t = scene_.find(o.target);
      const bool target_seen = story(t->id).seen;
      if (target_seen) {
        if (SubjectFacts* f = fact(o.id)) f->target = t->id;
        out += " at " + object_noun(*t);
        const std::string effect = effect_on(t->id);
        if (!effect.empty()) return out + effect;  // the thrower's own bounce would muddle the sentence
      }
    } else {
      out += " across " + ground_slot();
    }
    out += outcome_words(s);
    return out;
  }

  // What a hit thing (a stack or a glass) undergoes, told after the clause that hits it.
  std::string effect_on(int id) {
    if (stacks_.count(id)) {
      const int bottom = stacks_.at(id);
      bool toppled = false;
      for (const Story& st : stories_)
        if (stacks_.count(st.object->id) && stacks_.at(st.object->id) == bottom && st.toppled) toppled = true;
      if (!toppled) return "";
      for (const Story& st : stories_)
        if (stacks_.count(st.object->id) && stacks_.at(st.object->id) == bottom) add_outcome(st.object->id, Outcome::topple);
      static const char* const topple[] = {", and the stack topples", ", knocking it over", ", and the stack collapses"};
      return pick(topple);
    }
    Story& t = story(id);
    if (t.shattered) {
      add_outcome(id, Outcome::shatter);
      static const char* const smash[] = {", and the glass shatters", ", which breaks into pieces", ", and it smashes to pieces"};
      return pick(smash);
    }
    if (t.toppled) {
      add_outcome(id, Outcome::topple);
      return ", knocking it over";
    }
    return "";
  }

  std::string moving_clause(const Story& s, bool later) {
    const Object& o = *s.object;
    std::string out;
    if (o.action == Action::roll) {
      static const char* const verbs[] = {" rolls across ", " rolls along ", " trundles across ", " rolls over "};
      static const char* const still[] = {" keeps rolling across ", " keeps rolling along "};
      out = (later ? pick(still) : pick(verbs)) + ground_slot();
    } else {
      static const char* const verbs[] = {" slides across ", " skids across ", " glides over "};
      out = (later ? std::string(" keeps sliding across ") : pick(verbs)) + ground_slot();
    }
    for (Material m : patches_reached(s)) out += " onto " + patch_phrase(m);
    out += hits_words(s);
    out += outcome_words(s);
    return out;
  }

  std::vector<Material> patches_reached(const Story& s) {
    std::vector<Material> out;
    const Window w = window_of(scene_, shot_);
    const int index = static_cast<int>(s.object - scene_.objects.data());
    for (int f = w.first; f < w.last; ++f) {
      const Material m = scene_.ground_at(trace_.frames[f].objects[index].x);
      if (m != scene_.ground && std::find(out.begin(), out.end(), m) == out.end() &&
          std::find(facts_.grounds.begin(), facts_.grounds.end(), m) == facts_.grounds.end())
        out.push_back(m);
    }
    return out;
  }

  std::string hits_words(const Story& s) {
    std::string out;
    for (int other : s.hit) {
      const Object* t = scene_.find(other);
      if (!t || !story(other).seen || fact(other)) continue;
      static const char* const verbs[] = {" and hits ", " and bumps into ", " and strikes ", " and knocks into "};
      out += pick(verbs) + object_noun(*t);
      if (SubjectFacts* f = fact(s.object->id)) f->outcomes.push_back(Outcome::collide);
      out += effect_on(other);
      break;
    }
    return out;
  }

  std::string outcome_words(const Story& s) {
    const Object& o = *s.object;
    if (o.kind == Kind::ball && s.bounced) {
      add_outcome(o.id, Outcome::bounce);
      const Material m = scene_.ground_at(o.x);
      if (m == Material::metal) return rng_.chance(0.5) ? " and bounces high" : " and bounces a few times";
      if (m == Material::sand) return " and barely bounces";
      return " and bounces";
    }
    if (o.kind == Kind::glass && s.shattered) {
      add_outcome(o.id, Outcome::shatter);
      static const char* const smash[] = {" and shatters", " and breaks into pieces", " and smashes to pieces"};
      return pick(smash);
    }
    if (o.kind == Kind::glass && o.action == Action::drop && !s.shattered && !s.broken_before) {
      add_outcome(o.id, Outcome::intact);
      static const char* const whole[] = {" but stays intact", " and survives in one piece", " and stays unbroken"};
      return pick(whole);
    }
    return "";
  }

  std::string character_clause(const Story& s) {
    const Object& o = *s.object;
    std::string out;
    switch (o.action) {
      case Action::walk: {
        static const char* const verbs[] = {" walks across ", " strolls along ", " ambles across ", " walks along "};
        out = pick(verbs) + ground_slot();
        break;
      }
      case Action::run: {
        static const char* const verbs[] = {" runs across ", " sprints along ", " dashes across ", " runs along "};
        out = pick(verbs) + ground_slot();
        break;
      }
      case Action::jump: {
        static const char* const verbs[] = {" jumps along ", " hops across ", " leaps along ", " jumps across "};
        out = pick(verbs) + ground_slot();
        break;
      }
      default: {
        static const char* const verbs[] = {" chases ", " runs after ", " pursues ", " goes after "};
        const Object* ball = scene_.find(o.target);
        out = pick(verbs) + noun(*ball);
        if (SubjectFacts* f = fact(o.id)) f->target = ball->id;
        out += " across " + ground_slot();
        break;
      }
    }
    for (Material m : patches_reached(s)) out += " onto " + patch_phrase(m);
    out += hits_words(s);
    if (s.fell) {
      if (s.slipped) {
        add_outcome(o.id, Outcome::fall);
        static const char* const slip[] = {", slips and falls", " and slips and falls", ", loses its footing and falls over"};
        out += pick(slip);
      } else {
        add_outcome(o.id, Outcome::trip);
        static const char* const trip[] = {", trips and falls", " and stumbles and falls", " and trips"};
        out += pick(trip);
      }
    }
    return out;
  }

  std::string rest_clause(const Story& s) {
    const Object& o = *s.object;
    std::string out;
    if (o.on >= 0) {
      const Object* below = scene_.find(o.on);
      static const char* const verbs[] = {" stands on ", " sits on ", " rests on "};
      out = pick(verbs) + object_noun(*below);
    } else if (o.kind == Kind::glass) {
      static const char* const verbs[] = {" stands on ", " stands on ", " sits on "};
      out = pick(verbs) + ground_slot();
    } else {
      static const char* const verbs[] = {" sits on ", " rests on ", " lies on "};
      out = pick(verbs) + ground_slot();
    }
    if (s.broken_before) {
      add_outcome(o.id, Outcome::in_pieces);
      set_action(o.id, std::nullopt);
      return " lies in pieces on " + ground_slot();
    }
    if (s.shattered) {
      add_outcome(o.id, Outcome::shatter);
      out += " and shatters";
    } else if (s.toppled) {
      add_outcome(o.id, Outcome::topple);
      out += " and is knocked over";
    }
    return out;
  }

  std::string stack_clause(const Story& s) {
    const int bottom = stacks_.at(s.object->id);
    for (const Object& o : scene_.objects)
      if (stacks_.count(o.id) && stacks_.at(o.id) == bottom) told_.insert(o.id);
    bool toppled = false, before = false;
    for (const Story& st : stories_) {
      if (!stacks_.count(st.object->id) || stacks_.at(st.object->id) != bottom) continue;
      toppled = toppled || st.toppled;
    }
    const Window w = window_of(scene_, shot_);
    if (shot_ > 0) {
      // Fallen in an earlier shot: the boxes lie about, no longer a stack.
      for (const Object& o : scene_.objects) {
        if (!stacks_.count(o.id) || stacks_.at(o.id) != bottom) continue;
        const int index = static_cast<int>(&o - scene_.objects.data());
        const ObjectState& first = trace_.frames[0].objects[index];
        const ObjectState& now = trace_.frames[w.first].objects[index];
        before = before || std::abs(now.angle - first.angle) > 0.6 || first.y - now.y > 0.25 || std::abs(now.x - first.x) > 0.35;
      }
    }
    std::string out = stack_noun(bottom);
    if (before && !toppled) {
      for (SubjectFacts& f : facts_.subjects)
        if (f.stack == bottom) f.outcomes.push_back(Outcome::lie_still);
      return out + " lie still on " + ground_slot();
    }
    static const char* const verbs[] = {" stands on ", " sits on ", " stands on "};
    out += pick(verbs) + ground_slot();
    if (toppled) {
      for (SubjectFacts& f : facts_.subjects)
        if (f.stack == bottom) f.outcomes.push_back(Outcome::topple);
      static const char* const topple[] = {" and topples", " and collapses", " and comes crashing down"};
      out += pick(topple);
    }
    return out;
  }

  // ---- camera, time, style, sound ----

  std::string camera_phrase() {
    const Shot& shot = scene_.shots[shot_];
    switch (shot.camera) {
      case CameraMove::static_: {
        static const char* const o[] = {"static camera", "the camera holds still", "fixed camera", "a locked off shot", "static shot"};
        return pick(o);
      }
      case CameraMove::pan_left: {
        static const char* const o[] = {"the camera pans left", "camera panning left", "the camera pans to the left", "a pan to the left"};
        return pick(o);
      }
      case CameraMove::pan_right: {
        static const char* const o[] = {"the camera pans right", "camera panning right", "the camera pans to the right", "a pan to the right"};
        return pick(o);
      }
      case CameraMove::zoom_in: {
        static const char* const o[] = {"the camera zooms in", "slow zoom in", "the camera pushes in", "zooming in"};
        return pick(o);
      }
      case CameraMove::zoom_out: {
        static const char* const o[] = {"the camera zooms out", "the camera pulls back", "slow zoom out", "zooming out"};
        return pick(o);
      }
      case CameraMove::follow: {
        static const char* const o[] = {"the camera follows ", "tracking shot following ", "the camera tracks "};
        const Object* subject = scene_.find(shot.subject);
        facts_.camera_subject = subject->id;
        return pick(o) + (stacks_.count(subject->id) ? stack_noun(stacks_.at(subject->id)) : noun(*subject));
      }
    }
    return "static camera";
  }

  std::string time_phrase() {
    static const char* const day[] = {"in daylight", "during the day", "at midday", "on a sunny day", "at noon"};
    static const char* const sunset[] = {"at sunset", "at dusk", "in the evening", "at golden hour", "in the evening glow"};
    static const char* const night[] = {"at night", "at nighttime", "under the stars", "by moonlight", "in the dark"};
    std::string out = facts_.time == TimeOfDay::day ? pick(day) : facts_.time == TimeOfDay::sunset ? pick(sunset) : pick(night);
    if (facts_.change) {
      switch (*facts_.change) {
        case LightChange::sundown: out += rng_.chance(0.5) ? " as the sun sets" : " as the sun goes down"; break;
        case LightChange::deepen: out += rng_.chance(0.5) ? " as the sunset deepens" : " as the light fades"; break;
        case LightChange::nightfall: out += rng_.chance(0.5) ? " as night falls" : " as darkness falls"; break;
      }
    }
    return out;
  }

  std::string style_phrase() {
    switch (scene_.style) {
      case Style::cartoon: {
        static const char* const o[] = {"flat cartoon style", "cartoon style", "in a simple flat cartoon look", "flat cartoon"};
        return pick(o);
      }
      case Style::realistic: {
        static const char* const o[] = {"realistic style", "shaded realistic look", "realistic rendering", "lifelike"};
        return pick(o);
      }
      case Style::anime: {
        static const char* const o[] = {"anime style", "cel shaded anime look", "cel shading", "anime"};
        return pick(o);
      }
      case Style::neon: {
        static const char* const o[] = {"neon retro style", "neon glow", "synthwave neon look", "retro neon style"};
        return pick(o);
      }
      case Style::pixel: {
        static const char* const o[] = {"pixel art", "8 bit pixel art", "pixel art style", "pixelated look"};
        return pick(o);
      }
    }
    return "cartoon style";
  }

  std::string sound_words(Sound s) {
    switch (s) {
      case Sound::crash: return rng_.chance(0.5) ? "a shattering crash" : "a crash and tinkling";
      case Sound::splash: return "a splash";
      case Sound::clang: return rng_.chance(0.5) ? "a metallic clang" : "ringing clangs";
      case Sound::knock: return rng_.chance(0.5) ? "a wooden knock" : "a clatter";
      case Sound::thud: return "a dull thud";
      case Sound::thump: return "a soft thump";
      case Sound::tick: return "a sharp tick";
      case Sound::footsteps: return rng_.chance(0.5) ? "footsteps" : "pattering footsteps";
      case Sound::rumble: return "a rolling rumble";
      case Sound::scrape: return "a scraping sound";
      case Sound::birdsong: return rng_.chance(0.5) ? "birdsong in the background" : "birds singing";
      case Sound::crickets: return "crickets chirping";
      case Sound::waves: return rng_.chance(0.5) ? "lapping waves" : "the surf";
      case Sound::wind: return rng_.chance(0.5) ? "the wind" : "a breeze";
      case Sound::hum: return rng_.chance(0.5) ? "a low hum" : "machine hum";
      case Sound::quiet: return "room tone";
      default: return "";
    }
  }

  std::string sound_sentence() {
    if (rng_.chance(0.15)) return "";  // sound is an optional detail
    std::vector<Sound> heard = sounds_of(scene_, trace_, shot_);
    std::vector<std::string> words;
    for (size_t i = 0; i < heard.size() && words.size() < 2; ++i) {
      if (i > 0 && rng_.chance(0.3)) continue;
      facts_.sounds.push_back(heard[i]);
      words.push_back(sound_words(heard[i]));
    }
    if (words.empty()) return "";
    switch (rng_.below(3)) {
      case 0: return "Sound: " + join_list(words) + ".";
      case 1: return "You can hear " + join_list(words) + ".";
      default: return capital(join_list(words)) + ".";
    }
  }

  const Scene& scene_;
  const Trace& trace_;
  int shot_;
  Rng rng_;
  std::map<int, int> stacks_;
  std::vector<Story> stories_;
  CaptionFacts facts_;
  bool ground_named_ = false;
  std::set<int> told_;
};

}  // namespace

bool seen_in_shot(const Scene& scene, const Trace& trace, int shot, int id) {
  const Window w = window_of(scene, shot);
  int seen = 0;
  for (int f = w.first; f < w.last; ++f) {
    const FrameState& frame = trace.frames[f];
    bool any = false;
    for (const ObjectState& o : frame.objects) {
      if (o.id != id && !(o.fragment && o.parent == id)) continue;
      if (o.broken) continue;
      if (in_view(scene, frame, o)) any = true;
    }
    seen += any;
  }
  return seen * 4 >= w.last - w.first;
}

Caption caption_shot(const Scene& scene, const Trace& trace, int shot, uint64_t variant) {
  Teller teller(scene, trace, shot, variant);
  return teller.tell();
}

}  // namespace kinema::world
