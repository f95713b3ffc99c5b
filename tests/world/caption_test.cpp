// Captions name what a shot shows in varied words, and the prompt parser reads the same content back.
#include "world/caption.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "world/prompt_parser.h"
#include "world/vocabulary.h"

namespace kinema::world {
namespace {

// The things a parsed scene holds, as (kind, colour) counts.
std::multiset<std::pair<int, int>> things_of(const Scene& s) {
  std::multiset<std::pair<int, int>> out;
  for (const Object& o : s.objects) out.insert({static_cast<int>(o.kind), static_cast<int>(o.colour)});
  return out;
}

const Object* find_thing(const Scene& s, Kind kind, Colour colour) {
  for (const Object& o : s.objects)
    if (o.kind == kind && o.colour == colour) return &o;
  return nullptr;
}

// Checks that the parse of a caption recovers every fact the caption names; returns "" or what differs.
std::string mismatch(const Caption& c, const ParsedPrompt& p) {
  const CaptionFacts& f = c.facts;
  const Scene& s = p.scene;
  if (!p.unknown.empty()) return "unknown word '" + p.unknown.front() + "'";
  std::multiset<std::pair<int, int>> named;
  for (const SubjectFacts& sf : f.subjects) named.insert({static_cast<int>(sf.kind), static_cast<int>(sf.colour)});
  if (named != things_of(s)) return "things differ";
  for (const SubjectFacts& sf : f.subjects) {
    const Object* o = find_thing(s, sf.kind, sf.colour);
    if (sf.action && o->action != *sf.action)
      return std::string(name(sf.kind)) + " " + std::string(name(sf.colour)) + ": action " + std::string(name(o->action)) +
             " instead of " + std::string(name(*sf.action));
    if (sf.size_named && o->size != sf.size) return std::string(name(sf.colour)) + " " + std::string(name(sf.kind)) + ": size";
    if (sf.target >= 0) {
      const SubjectFacts* t = nullptr;
      for (const SubjectFacts& x : f.subjects)
        if (x.id == sf.target) t = &x;
      const Object* target = o->target >= 0 ? s.find(o->target) : nullptr;
      if (!target || target->kind != t->kind || (target->colour != t->colour && t->stack < 0))
        return std::string(name(sf.colour)) + " " + std::string(name(sf.kind)) + ": target";
    }
  }
  if (s.ground != f.grounds.front()) return "ground " + std::string(name(s.ground));
  std::set<Material> patches, named_patches(f.grounds.begin() + 1, f.grounds.end());
  for (const GroundPatch& g : s.patches) patches.insert(g.material);
  if (patches != named_patches) return "patches differ";
  if (s.shots.front().camera != f.camera) return "camera " + std::string(name(s.shots.front().camera));
  if (f.camera == CameraMove::follow) {
    const Object* followed = s.find(s.shots.front().subject);
    const SubjectFacts* t = nullptr;
    for (const SubjectFacts& x : f.subjects)
      if (x.id == f.camera_subject) t = &x;
    if (!followed || !t || followed->kind != t->kind || followed->colour != t->colour) return "followed subject";
  }
  if (time_of_day(s.light_start) != f.time) return "time " + std::string(name(time_of_day(s.light_start)));
  if (f.change.has_value() != (s.light_end > s.light_start)) return "light change";
  if (s.style != f.style) return "style " + std::string(name(s.style));
  return "";
}

TEST(Caption, ParserRecoversWhatCaptionsNameOver200Scenes) {
  int checked = 0;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    SceneOptions options;
    options.max_shots = seed % 4 == 0 ? 3 : 1;
    const Scene scene = random_scene(seed, options);
    const Trace trace = simulate(scene);
    for (int shot = 0; shot < static_cast<int>(scene.shots.size()); ++shot) {
      const Caption c = caption_shot(scene, trace, shot);
      const ParsedPrompt p = parse_prompt(c.text);
      EXPECT_EQ(mismatch(c, p), "") << "seed " << seed << " shot " << shot << ": " << c.text;
      ++checked;
    }
  }
  EXPECT_GT(checked, 250);
}

TEST(Caption, WordingVariesButTheFactsStay) {
  const Scene scene = random_scene(21);
  const Trace trace = simulate(scene);
  std::set<std::string> texts;
  for (uint64_t variant = 0; variant < 12; ++variant) {
    const Caption c = caption_shot(scene, trace, 0, variant);
    texts.insert(c.text);
    EXPECT_EQ(mismatch(c, parse_prompt(c.text)), "") << c.text;
  }
  EXPECT_GE(texts.size(), 10u);
  EXPECT_EQ(caption_shot(scene, trace, 0, 3).text, caption_shot(scene, trace, 0, 3).text);
}

TEST(Caption, NamesSoundStyleCameraAndTimeInMostShots) {
  int with_sound = 0, shots = 0;
  for (uint64_t seed = 0; seed < 60; ++seed) {
    const Scene scene = random_scene(seed);
    const Caption c = caption_shot(scene, simulate(scene), 0);
    with_sound += !c.facts.sounds.empty();
    ++shots;
    EXPECT_FALSE(c.facts.subjects.empty()) << c.text;
  }
  EXPECT_GT(with_sound, shots * 3 / 4);
}

TEST(PromptParser, ReadsFreeWording) {
  const ParsedPrompt p =
      parse_prompt("a crimson ball falls onto the metal floor and bounces, camera pans left, neon style, at night");
  EXPECT_TRUE(p.unknown.empty());
  ASSERT_EQ(p.scene.objects.size(), 1u);
  EXPECT_EQ(p.scene.objects[0].kind, Kind::ball);
  EXPECT_EQ(p.scene.objects[0].colour, Colour::red);
  EXPECT_EQ(p.scene.objects[0].action, Action::drop);
  EXPECT_EQ(p.scene.ground, Material::metal);
  EXPECT_EQ(p.scene.shots[0].camera, CameraMove::pan_left);
  EXPECT_EQ(p.scene.style, Style::neon);
  EXPECT_EQ(time_of_day(p.scene.light_start), TimeOfDay::night);
  // The ball really falls and bounces in the simulation of the parsed scene.
  const Trace t = simulate(p.scene);
  int bounces = 0;
  for (const SoundEvent& e : t.events) bounces += e.kind == SoundKind::impact && e.speed > 1.0;
  EXPECT_GE(bounces, 2);
}

TEST(PromptParser, ReportsUnknownWordsAndMapsEveryWord) {
  const ParsedPrompt p = parse_prompt("A purple dragon flies over the castle while a girl in a red dress chases a blue ball");
  EXPECT_EQ(p.unknown, (std::vector<std::string>{"dragon", "castle"}));
  std::map<std::string, std::string> meaning;
  for (const WordMeaning& w : p.words) meaning[w.text] = w.meaning;
  EXPECT_EQ(meaning["dragon"], "unknown");
  EXPECT_EQ(meaning["purple"], "colour purple");
  EXPECT_EQ(meaning["chases"], "action chase");
  EXPECT_EQ(meaning["girl"], "kind character");
  EXPECT_EQ(meaning["the"], "filler");
  const Object* girl = nullptr;
  for (const Object& o : p.scene.objects)
    if (o.kind == Kind::character) girl = &o;
  ASSERT_NE(girl, nullptr);
  EXPECT_EQ(girl->colour, Colour::red);
  EXPECT_EQ(girl->action, Action::chase);
  EXPECT_EQ(p.scene.find(girl->target)->colour, Colour::blue);
}

TEST(PromptParser, OutcomesShapeTheScene) {
  const ParsedPrompt slip = parse_prompt("a little guy runs and slips");
  ASSERT_EQ(slip.scene.objects.size(), 1u);
  EXPECT_FALSE(slip.scene.patches.empty());  // something slippery to slip on
  EXPECT_EQ(simulate(slip.scene).frames.back().objects[0].pose, Pose::fallen);

  const ParsedPrompt stack = parse_prompt("a ball is thrown at a stack of red, green and yellow boxes and the stack topples");
  ASSERT_EQ(stack.scene.objects.size(), 4u);
  const Trace t = simulate(stack.scene);
  const Object* top = nullptr;
  for (const Object& o : stack.scene.objects)
    if (o.colour == Colour::yellow) top = &o;
  ASSERT_NE(top, nullptr);
  const size_t i = static_cast<size_t>(top - stack.scene.objects.data());
  EXPECT_GT(t.frames.front().objects[i].y - t.frames.back().objects[i].y, 0.3);
}

TEST(PromptParser, AColourAfterACharacterIsWhatItWears) {
  for (const char* prompt : {"a kid in green walks across the sand", "a person wearing yellow jumps on a metal floor",
                             "a little guy in white runs and slips"}) {
    const ParsedPrompt p = parse_prompt(prompt);
    ASSERT_EQ(p.scene.objects.size(), 1u) << prompt;
    EXPECT_EQ(p.scene.objects[0].kind, Kind::character) << prompt;
    EXPECT_NE(p.scene.objects[0].colour, Colour::red) << prompt;
  }
  EXPECT_EQ(parse_prompt("a kid in green walks").scene.objects[0].colour, Colour::green);
  // "in" after something that is not a character reads as before: "a ball rolls in the sand" is one ball.
  const ParsedPrompt ball = parse_prompt("a ball rolls in the sand, neon style");
  ASSERT_EQ(ball.scene.objects.size(), 1u);
  EXPECT_EQ(ball.scene.objects[0].kind, Kind::ball);
}

TEST(PromptParser, SubjectsJoinedByAndShareTheVerb) {
  const ParsedPrompt both = parse_prompt("a yellow ball and a white box drop onto the sand");
  ASSERT_EQ(both.scene.objects.size(), 2u);
  for (const Object& o : both.scene.objects) EXPECT_EQ(o.action, Action::drop) << name(o.kind);
  // After a verb, "and" starts a new clause: each keeps its own.
  const ParsedPrompt each = parse_prompt("a red ball falls and a blue ball rolls on the grass");
  ASSERT_EQ(each.scene.objects.size(), 2u);
  EXPECT_EQ(find_thing(each.scene, Kind::ball, Colour::red)->action, Action::drop);
  EXPECT_EQ(find_thing(each.scene, Kind::ball, Colour::blue)->action, Action::roll);
  // "A and B collide": the first is sent into the second, and they meet in the simulation.
  const ParsedPrompt hit = parse_prompt("a green box and an orange ball collide on ice");
  const Object* box = find_thing(hit.scene, Kind::box, Colour::green);
  const Object* ball = find_thing(hit.scene, Kind::ball, Colour::orange);
  ASSERT_TRUE(box && ball);
  EXPECT_EQ(box->action, Action::slide);
  EXPECT_EQ(box->direction, ball->x > box->x ? 1 : -1) << "sent away from the ball";
  const Trace t = simulate(hit.scene);
  const size_t b = static_cast<size_t>(ball - hit.scene.objects.data());
  EXPECT_GT(std::abs(t.frames.back().objects[b].x - t.frames.front().objects[b].x), 0.2) << "the box never moved the ball";
}

TEST(PromptParser, AStackToldToToppleFallsOverByItself) {
  for (const char* prompt : {"a tower of three crates falls over on the grass", "a stack of two boxes topples",
                             "a pile of four blocks collapses on a metal floor"}) {
    const ParsedPrompt p = parse_prompt(prompt);
    const Trace t = simulate(p.scene);
    double fell = 0;  // how far the top box came down
    for (size_t i = 0; i < p.scene.objects.size(); ++i)
      fell = std::max(fell, t.frames.front().objects[i].y - t.frames.back().objects[i].y);
    EXPECT_GT(fell, 0.2) << prompt;
  }
  const ParsedPrompt standing = parse_prompt("a stack of three boxes stands on the wooden floor");
  const Trace t = simulate(standing.scene);
  for (size_t i = 0; i < standing.scene.objects.size(); ++i)
    EXPECT_NEAR(t.frames.front().objects[i].y, t.frames.back().objects[i].y, 0.02) << "box " << i;
}

TEST(PromptParser, APatchIsNotTheFloorAndLandingIsFalling) {
  const ParsedPrompt p = parse_prompt("a kid walks onto a sand patch on a metal floor");
  EXPECT_EQ(p.scene.ground, Material::metal);
  ASSERT_EQ(p.scene.patches.size(), 1u);
  EXPECT_EQ(p.scene.patches[0].material, Material::sand);
  const ParsedPrompt lands = parse_prompt("a pink ball lands on the ice");
  ASSERT_EQ(lands.scene.objects.size(), 1u);
  EXPECT_EQ(lands.scene.objects[0].action, Action::drop);
  // A glass that lands gently is set down from low enough not to break.
  const ParsedPrompt gently = parse_prompt("a yellow glass lands gently on the metal floor");
  ASSERT_EQ(gently.scene.objects.size(), 1u);
  const Trace t = simulate(gently.scene);
  for (const auto& o : t.frames.back().objects) EXPECT_FALSE(o.broken || o.fragment);
}

TEST(Vocabulary, EveryPhraseHasOneMeaning) {
  std::map<std::string_view, int> seen;
  for (const Phrase& p : vocabulary()) ++seen[p.text];
  for (const auto& [text, count] : seen) EXPECT_EQ(count, 1) << text;
}

}  // namespace
}  // namespace kinema::world
