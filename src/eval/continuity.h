// Continuity across a cut: the shot before this one, read with this shot's prompt, against this shot's start.
// Things seen on both sides of the cut are where they were headed (after the camera's reframing, read from
// the things themselves or the floor), a broken glass stays broken and a fallen character stays down, and
// the sky (drawn in screen space, so any reframing leaves it alone) continues.
#pragma once

#include <vector>

#include "eval/evidence.h"
#include "eval/judge.h"

namespace kinema::eval {

// cut_subjects, cut_state and cut_light; not applicable without a previous shot.
std::vector<Criterion> judge_cut(const Evidence& current, const media::Clip* previous);

}  // namespace kinema::eval
