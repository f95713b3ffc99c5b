// The judge in both directions, criterion by criterion: a world clip of a prompt passes the criterion, and the
// same clip broken on purpose drops it below its pass mark, and the judge names it.
#include "eval/judge.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "core/error.h"

#include "world/world.h"
#include "world_clips.h"

namespace kinema::eval {
namespace {

using testing::film;

std::string explain(const Judgement& j) {
  std::string out = "overall " + std::to_string(j.overall) + "\n";
  for (const Criterion& c : j.criteria)
    out += "  " + c.name + (c.applicable ? " " + std::to_string(c.score) : std::string(" n/a")) + ": " + c.summary + "\n";
  return out;
}

bool named(const Judgement& j, const std::string& name) {
  return std::find(j.failed.begin(), j.failed.end(), name) != j.failed.end();
}

// The criterion applies and passes.
void expect_pass(const Judgement& j, const std::string& name) {
  const Criterion* c = j.find(name);
  ASSERT_NE(c, nullptr) << name;
  std::printf("  whole:  %-12s %.2f  %s\n", name.c_str(), c->score, c->summary.c_str());
  EXPECT_TRUE(c->applicable) << name << " does not apply\n" << explain(j);
  EXPECT_GE(c->score, c->pass_mark) << name << "\n" << explain(j);
  EXPECT_FALSE(named(j, name)) << explain(j);
}

// The criterion applies, drops below its pass mark, and the judge names it.
void expect_fail(const Judgement& j, const std::string& name) {
  const Criterion* c = j.find(name);
  ASSERT_NE(c, nullptr) << name;
  std::printf("  broken: %-12s %.2f  %s\n", name.c_str(), c->score, c->summary.c_str());
  EXPECT_TRUE(c->applicable) << name << " does not apply\n" << explain(j);
  EXPECT_LT(c->score, c->pass_mark) << name << "\n" << explain(j);
  EXPECT_TRUE(named(j, name)) << explain(j);
  EXPECT_FALSE(j.passed);
}

// A clip of the world filmed from its prompt scores at least 0.95 overall and passes everything.
void expect_all_pass(const Judgement& j) {
  EXPECT_GE(j.overall, 0.95) << explain(j);
  EXPECT_TRUE(j.passed) << explain(j);
}

const char* const kBounce = "a red ball drops onto a metal floor and bounces";
const char* const kRoll = "a blue ball rolls to the right on a wooden floor";
const char* const kPan = "the camera pans left over a green box on a wooden floor";
const char* const kShatter = "a glass falls and shatters on a wooden floor";
const char* const kSlip = "a character runs onto ice, slips and falls";

// ---- subjects and persistence -------------------------------------------------------------------------

TEST(Judge, SeesTheNamedThingInItsColour) {
  const auto r = film(kBounce);
  const Judgement j = judge(r.shots[0].clip, kBounce);
  expect_all_pass(j);
  expect_pass(j, "subjects");
}

TEST(Judge, AThingOfTheWrongColourFailsSubjects) {
  const auto r = film(kBounce, 1, [](world::Scene& s) { s.objects[0].colour = world::Colour::blue; });
  expect_fail(judge(r.shots[0].clip, kBounce), "subjects");
}

TEST(Judge, AThingOfTheWrongKindFailsSubjects) {
  // A box where the prompt says a ball: same colour, same place.
  const auto r = film(kRoll, 1, [](world::Scene& s) {
    s.objects[0].kind = world::Kind::box;
    s.objects[0].action = world::Action::slide;
  });
  expect_fail(judge(r.shots[0].clip, kRoll), "subjects");
}

TEST(Judge, AThingThatStaysInViewPassesPersistence) { expect_pass(judge(film(kBounce).shots[0].clip, kBounce), "persistence"); }

TEST(Judge, AThingRemovedFromSomeFramesFailsPersistence) {
  const auto r = film(kBounce);
  const int ball = testing::object_id(r.scene, world::Kind::ball);
  const media::Clip clip = testing::redraw(r, 0, [&](world::FrameState& s) {
    if (s.index >= 20 && s.index < 26)
      s.objects.erase(std::remove_if(s.objects.begin(), s.objects.end(), [&](const world::ObjectState& o) { return o.id == ball; }),
                      s.objects.end());
  });
  const Judgement j = judge(clip, kBounce);
  expect_fail(j, "persistence");
  EXPECT_GE(j.find("subjects")->score, j.find("subjects")->pass_mark) << "still seen in most frames\n" << explain(j);
}

// ---- frame order, gravity, events, direction ----------------------------------------------------------

TEST(Judge, FramesInOrderPassFrameOrder) {
  for (const char* prompt : {kBounce, kRoll, kSlip}) expect_pass(judge(film(prompt).shots[0].clip, prompt), "frame_order");
}

TEST(Judge, ShuffledFramesFailFrameOrder) {
  for (const char* prompt : {kBounce, kRoll, kSlip}) {
    SCOPED_TRACE(prompt);
    expect_fail(judge(testing::shuffle_frames(film(prompt).shots[0].clip, 7), prompt), "frame_order");
  }
}

TEST(Judge, FreeFallAtGPassesGravity) {
  const Judgement j = judge(film(kBounce).shots[0].clip, kBounce);
  expect_pass(j, "gravity");
  EXPECT_NEAR(j.find("gravity")->details["acceleration_over_g"].get<double>(), 1.0, 0.1);
}

TEST(Judge, GravityReversedFailsGravity) {
  // The ball's height mirrored about half its drop: it leaves the floor, falls upwards faster and faster and
  // "bounces" off nothing.
  const auto r = film(kBounce);
  const int ball = testing::object_id(r.scene, world::Kind::ball);
  const double start = r.trace.frames.front().find(ball)->y, rest = world::ball_radius(r.scene.objects[0].size);
  const media::Clip clip = testing::redraw(r, 0, [&](world::FrameState& s) {
    for (world::ObjectState& o : s.objects)
      if (o.id == ball) o.y = start + rest - o.y;
  });
  const Judgement j = judge(clip, kBounce);
  expect_fail(j, "gravity");
  EXPECT_GT(j.find("gravity")->details["acceleration"].get<double>(), 0.0) << explain(j);
}

TEST(Judge, WhatThePromptSaysHappensPassesEvents) {
  for (const char* prompt : {kBounce, kShatter, kSlip}) {
    SCOPED_TRACE(prompt);
    expect_pass(judge(film(prompt).shots[0].clip, prompt), "events");
  }
}

TEST(Judge, AGlassThatDoesNotShatterFailsEvents) {
  const auto r = film(kShatter, 1, [](world::Scene& s) { s.objects[0].height = 0.2; });  // lands at 2 m/s: stays whole
  expect_fail(judge(r.shots[0].clip, kShatter), "events");
}

TEST(Judge, ACharacterWhoStaysOnItsFeetFailsEvents) {
  const auto r = film(kSlip, 1, [](world::Scene& s) {  // it strolls on a wooden floor and never falls
    s.ground = world::Material::wood;
    s.patches.clear();
    s.objects[0].action = world::Action::walk;
    s.objects[0].speed = 0.5;
  });
  expect_fail(judge(r.shots[0].clip, kSlip), "events");
}

TEST(Judge, RollingTheWayAskedPassesDirection) { expect_pass(judge(film(kRoll).shots[0].clip, kRoll), "direction"); }

TEST(Judge, RollingTheOtherWayFailsDirection) {
  const auto r = film(kRoll, 1, [](world::Scene& s) {
    s.objects[0].direction = -s.objects[0].direction;
    s.objects[0].x = -s.objects[0].x;
  });
  expect_fail(judge(r.shots[0].clip, kRoll), "direction");
}

// ---- camera, style, time of day ------------------------------------------------------------------------

TEST(Judge, TheCameraMoveAskedPassesCamera) {
  for (const char* prompt : {kPan, "the camera zooms in on a white box resting on a wooden floor"}) {
    SCOPED_TRACE(prompt);
    expect_pass(judge(film(prompt).shots[0].clip, prompt), "camera");
  }
}

TEST(Judge, TheWrongCameraMoveFailsCamera) {
  const auto panned = film(kPan, 1, [](world::Scene& s) { s.shots[0].camera = world::CameraMove::pan_right; });
  expect_fail(judge(panned.shots[0].clip, kPan), "camera");
  const char* zoom = "the camera zooms in on a white box resting on a wooden floor";
  const auto zoomed = film(zoom, 1, [](world::Scene& s) { s.shots[0].camera = world::CameraMove::zoom_out; });
  expect_fail(judge(zoomed.shots[0].clip, zoom), "camera");
}

TEST(Judge, EveryStyleIsToldApart) {
  for (int s = 0; s < world::kStyles; ++s) {
    const auto style = static_cast<world::Style>(s);
    const std::string prompt = std::string(kBounce) + ", " + std::string(world::name(style)) + " style";
    SCOPED_TRACE(prompt);
    const auto right = film(prompt, 1, [&](world::Scene& scene) { scene.style = style; });
    expect_pass(judge(right.shots[0].clip, prompt), "style");
    const auto wrong = film(prompt, 1, [&](world::Scene& scene) { scene.style = static_cast<world::Style>((s + 1) % world::kStyles); });
    expect_fail(judge(wrong.shots[0].clip, prompt), "style");
  }
}

TEST(Judge, TheTimeOfDayAskedPassesAndAnotherFails) {
  const world::TimeOfDay times[] = {world::TimeOfDay::day, world::TimeOfDay::sunset, world::TimeOfDay::night};
  for (int t = 0; t < 3; ++t) {
    const std::string prompt = std::string(kRoll) + " at " + (t == 0 ? "noon" : t == 1 ? "sunset" : "night");
    SCOPED_TRACE(prompt);
    const auto right = film(prompt);
    expect_pass(judge(right.shots[0].clip, prompt), "time_of_day");
    const double other = world::light_of(times[(t + 1) % 3]);
    const auto wrong = film(prompt, 1, [&](world::Scene& s) { s.light_start = s.light_end = other; });
    expect_fail(judge(wrong.shots[0].clip, prompt), "time_of_day");
  }
}

// ---- sound ----------------------------------------------------------------------------------------------

TEST(Judge, SoundOnTheContactsPassesSync) {
  const Judgement j = judge(film(kBounce).shots[0].clip, kBounce);
  expect_pass(j, "sync");
  EXPECT_LT(j.find("sync")->details["median_abs_offset_ms"].get<double>(), 10.0) << explain(j);
}

TEST(Judge, SoundShiftedBy150msFailsSync) {
  const auto r = film(kBounce);
  for (double shift : {0.15, -0.15}) {
    SCOPED_TRACE(shift);
    media::Clip clip = r.shots[0].clip;
    if (shift > 0) {
      clip = testing::delay_sound(clip, shift);
    } else {  // earlier: drop the first 150 ms, pad the end
      const size_t cut = static_cast<size_t>(-shift * clip.sample_rate);
      std::rotate(clip.audio.begin(), clip.audio.begin() + static_cast<long>(cut), clip.audio.end());
      std::fill(clip.audio.end() - static_cast<long>(cut), clip.audio.end(), 0.0f);
    }
    const Judgement j = judge(clip, kBounce);
    expect_fail(j, "sync");
  }
}

TEST(Judge, ImpactsThatSoundOfTheFloorNamedPassMaterial) {
  for (const char* prompt : {kBounce, "a red ball drops onto a wooden floor and bounces"}) {
    SCOPED_TRACE(prompt);
    expect_pass(judge(film(prompt).shots[0].clip, prompt), "material");
  }
}

TEST(Judge, ImpactsThatSoundOfAnotherFloorFailMaterial) {
  const auto r = film(kBounce);
  expect_fail(judge(testing::resound_floor(r, 0, world::Material::sand), kBounce), "material");
  expect_fail(judge(testing::resound_floor(r, 0, world::Material::wood), kBounce), "material");
}

// ---- across a cut ---------------------------------------------------------------------------------------

const char* const kTwoThings = "a red ball and a blue box rest on a wooden floor";

TEST(Judge, ThingsWhereTheyWereAcrossACutPassCutSubjects) {
  const auto r = film(kTwoThings, 2);
  const Judgement j = judge(r.shots[1].clip, kTwoThings, {}, &r.shots[0].clip);
  expect_all_pass(j);
  expect_pass(j, "cut_subjects");
  expect_pass(j, "cut_light");
}

TEST(Judge, AThingMovedAtTheCutFailsCutSubjects) {
  const auto r = film(kTwoThings, 2);
  const int ball = testing::object_id(r.scene, world::Kind::ball);
  const media::Clip moved = testing::redraw(r, 1, [&](world::FrameState& s) {
    for (world::ObjectState& o : s.objects)
      if (o.id == ball) o.x -= 1.2;
  });
  expect_fail(judge(moved, kTwoThings, {}, &r.shots[0].clip), "cut_subjects");
}

TEST(Judge, ABrokenGlassStaysBrokenAcrossACut) {
  const auto r = film(kShatter, 2);
  const std::string next = "the glass lies in pieces on the wooden floor";
  expect_pass(judge(r.shots[1].clip, next, {}, &r.shots[0].clip), "cut_state");
  // The second shot drawn with the glass whole again, standing where its pieces lie.
  const int glass = testing::object_id(r.scene, world::Kind::glass);
  const media::Clip whole = testing::redraw(r, 1, [&](world::FrameState& s) {
    double x = 0;
    int pieces = 0;
    for (const world::ObjectState& o : s.objects)
      if (o.fragment && o.parent == glass) {
        x += o.x;
        ++pieces;
      }
    s.objects.erase(std::remove_if(s.objects.begin(), s.objects.end(), [&](const world::ObjectState& o) { return o.fragment; }),
                    s.objects.end());
    for (world::ObjectState& o : s.objects)
      if (o.id == glass) {
        o.broken = false;
        o.x = pieces > 0 ? x / pieces : o.x;
        o.y = 0;
        o.angle = 0;
      }
  });
  expect_fail(judge(whole, next, {}, &r.shots[0].clip), "cut_state");
}

TEST(Judge, ALightThatJumpsAtTheCutFailsCutLight) {
  const auto r = film(kTwoThings, 2);
  const media::Clip night = testing::redraw(r, 1, [](world::FrameState& s) { s.light += 1.6; });
  expect_fail(judge(night, kTwoThings, {}, &r.shots[0].clip), "cut_light");
}

// ---- the whole judgement ------------------------------------------------------------------------------

TEST(Judge, EveryCriterionIsReportedInOrderWithJson) {
  const Judgement j = judge(film(kBounce).shots[0].clip, kBounce);
  ASSERT_EQ(j.criteria.size(), criterion_names().size());
  for (size_t i = 0; i < j.criteria.size(); ++i) EXPECT_EQ(j.criteria[i].name, criterion_names()[i]);
  const Json json = j.to_json();
  EXPECT_EQ(json["prompt"], kBounce);
  EXPECT_EQ(json["criteria"].size(), criterion_names().size());
  EXPECT_DOUBLE_EQ(json["overall"].get<double>(), j.overall);
  EXPECT_TRUE(json["criteria"][0]["score"].is_number());
}

TEST(Judge, AnEmptyClipIsAnError) {
  media::Clip empty;
  EXPECT_THROW(judge(empty, kBounce), Error);
}

}  // namespace
}  // namespace kinema::eval
