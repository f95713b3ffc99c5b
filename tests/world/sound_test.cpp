// Sound lines up with the simulation's contacts: onsets at the event's sample, harder hits louder and brighter.
#include "world/sound.h"

#include <gtest/gtest.h>

#include <cmath>

#include "world/world.h"
#include "world_fixtures.h"

namespace kinema::world {
namespace {

using testing::stage;
using testing::thing;

struct Drop {
  Trace trace;
  std::vector<float> audio;
  const SoundEvent* impact = nullptr;
};

Drop drop_ball(Material floor, double height, bool ambience = false) {
  Scene s = stage(floor);
  thing(s, Kind::ball, Action::drop, 0.0).height = height;
  Drop d;
  d.trace = simulate(s);
  d.audio = synthesize_sound(s, d.trace, {.events = true, .ambience = ambience});
  for (const SoundEvent& e : d.trace.events)
    if (e.kind == SoundKind::impact) {
      d.impact = &e;
      break;
    }
  return d;
}

// The first sample whose 1 ms energy rises 20 dB above what came before (a simple onset detector).
int64_t onset(const std::vector<float>& audio, int rate) {
  const int window = rate / 1000;
  double floor = 1e-8;
  for (size_t start = 0; start + window < audio.size(); start += 1) {
    double energy = 0;
    for (int i = 0; i < window; ++i) energy += audio[start + i] * audio[start + i];
    energy /= window;
    if (energy > 100 * floor && energy > 1e-6) return static_cast<int64_t>(start + window / 2);
    if (start % window == 0) floor = std::max(floor, 0.9 * floor + 0.1 * energy);
  }
  return -1;
}

double peak(const std::vector<float>& audio, int64_t from, int64_t length) {
  double p = 0;
  for (int64_t i = from; i < from + length && i < static_cast<int64_t>(audio.size()); ++i) p = std::max(p, std::abs(static_cast<double>(audio[i])));
  return p;
}

// Zero crossings per second over a stretch: a rough brightness measure.
double crossings(const std::vector<float>& audio, int64_t from, int64_t length, int rate) {
  int n = 0;
  for (int64_t i = from + 1; i < from + length; ++i) n += (audio[i - 1] < 0) != (audio[i] < 0);
  return static_cast<double>(n) * rate / length;
}

TEST(Sound, ImpactOnsetIsAtTheEventSample) {
  for (Material floor : {Material::wood, Material::metal, Material::grass, Material::sand}) {
    const Drop d = drop_ball(floor, 1.2);
    ASSERT_NE(d.impact, nullptr);
    const int64_t found = onset(d.audio, 16000);
    EXPECT_NEAR(static_cast<double>(found), static_cast<double>(d.impact->sample), 16000 * 0.003) << name(floor);
  }
}

TEST(Sound, ImpactOnsetStandsOutOfTheAmbience) {
  const Drop d = drop_ball(Material::grass, 1.5, true);
  const int64_t at = d.impact->sample;
  EXPECT_GT(peak(d.audio, at, 800), 4 * peak(d.audio, at - 4000, 3000));
}

TEST(Sound, HarderHitIsLouderAndBrighter) {
  const Drop soft = drop_ball(Material::wood, 0.15), hard = drop_ball(Material::wood, 2.0);
  ASSERT_NE(soft.impact, nullptr);
  EXPECT_GT(hard.impact->impulse, 2 * soft.impact->impulse);
  const double soft_peak = peak(soft.audio, soft.impact->sample, 800), hard_peak = peak(hard.audio, hard.impact->sample, 800);
  EXPECT_GT(hard_peak, 2 * soft_peak);
  EXPECT_GT(crossings(hard.audio, hard.impact->sample, 320, 16000), 1.2 * crossings(soft.audio, soft.impact->sample, 320, 16000));
}

TEST(Sound, MetalRingsLongerThanSand) {
  const Drop metal = drop_ball(Material::metal, 1.0), sand = drop_ball(Material::sand, 1.0);
  // Energy 150-250 ms after the first hit, relative to the hit itself.
  auto tail = [](const Drop& d) { return peak(d.audio, d.impact->sample + 2400, 1600) / peak(d.audio, d.impact->sample, 800); };
  EXPECT_GT(tail(metal), 5 * tail(sand));
}

TEST(Sound, FootstepsSoundOfTheFloor) {
  // The spectral brightness of footsteps: a swish in grass is brighter than a knock on wood.
  auto steps = [](Material floor) {
    Scene s = stage(floor);
    Object& c = thing(s, Kind::character, Action::walk, -1.5);
    c.speed = 1.2;
    const Trace t = simulate(s);
    const std::vector<float> audio = synthesize_sound(s, t, {.events = true, .ambience = false});
    double sum = 0;
    int n = 0;
    for (const SoundEvent& e : t.events)
      if (e.kind == SoundKind::footstep) {
        sum += crossings(audio, e.sample, 480, 16000);
        ++n;
      }
    return n ? sum / n : 0.0;
  };
  EXPECT_GT(steps(Material::grass), 1.5 * steps(Material::wood));
}

TEST(Sound, TrackLengthAndShotRangesFollowTheFrames) {
  Scene s = random_scene(4, testing::shots(3, 3));
  EXPECT_EQ(track_samples(s), 3 * 49 * 16000 / 12);
  EXPECT_EQ(shot_samples(s, 0).first, 0);
  EXPECT_EQ(shot_samples(s, 0).second, shot_samples(s, 1).first);
  EXPECT_EQ(shot_samples(s, 2).second, track_samples(s));
  const Trace t = simulate(s);
  const std::vector<float> audio = synthesize_sound(s, t);
  EXPECT_EQ(static_cast<int64_t>(audio.size()), track_samples(s));
  for (float v : audio) ASSERT_LE(std::abs(v), 1.0f);
}

}  // namespace
}  // namespace kinema::world
