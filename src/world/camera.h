// The camera of each shot: where it looks and how it moves (static, pans, zooms, follows), from the trace.
#pragma once

#include <vector>

#include "world/scene.h"
#include "world/simulation.h"

namespace kinema::world {

inline constexpr double kPanDistance = 1.2;  // metres a pan travels over one shot
inline constexpr double kZoomClose = 1.5;    // zoom at the close end of a zoom in or out

// Fills frames[i].camera for every frame of every shot. A shot frames the things involved in it (its
// subject and whatever moves during it); a cut between shots may reframe. Depends only on the trace.
void place_cameras(const Scene& scene, std::vector<FrameState>& frames);

}  // namespace kinema::world
