// The judge's criteria for one clip, each a function of the evidence: a score in [0, 1], its pass mark,
// what was measured, or why it does not apply. Pass marks and their reasons are in docs/JUDGE.md.
#pragma once

#include "eval/evidence.h"
#include "eval/judge.h"

namespace kinema::eval {

// 1 at or below `full`, 0 at or above `zero`, linear between.
double ramp_down(double x, double full, double zero);
// 0 at or below `zero`, 1 at or above `full`, linear between.
double ramp_up(double x, double zero, double full);

Criterion judge_subjects(const Evidence& e);
Criterion judge_persistence(const Evidence& e);
Criterion judge_frame_order(const Evidence& e);
Criterion judge_gravity(const Evidence& e);
Criterion judge_events(const Evidence& e);
Criterion judge_direction(const Evidence& e);
Criterion judge_camera(const Evidence& e);
Criterion judge_style(const Evidence& e);
Criterion judge_time_of_day(const Evidence& e);
Criterion judge_sync(const Evidence& e);
Criterion judge_material(const Evidence& e);

// Audio onsets matched to the visual contacts (shared by sync and material).
struct ContactMatch {
  int contact = -1;     // index into e.motion.contacts
  int onset = -1;       // index into e.onsets, -1 when no onset is near
  double offset = 0;    // seconds, sound minus picture
};
std::vector<ContactMatch> match_contacts(const Evidence& e);

}  // namespace kinema::eval
