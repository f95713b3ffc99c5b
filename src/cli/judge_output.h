// What `kinema judge` and `kinema eval` share: the visible mark's area to leave out, and a judgement printed.
#pragma once

#include "eval/judge.h"
#include "media/clip.h"

namespace kinema::cli {

// Where the safeguards' visible mark (safety/visible_mark.h) is drawn over the clip, when the clip carries it;
// empty otherwise.
eval::Rect visible_mark_area(const media::Clip& clip);

// One line per criterion (score, pass or FAIL, what was measured), then the overall score.
void print_judgement(const eval::Judgement& judgement);

}  // namespace kinema::cli
