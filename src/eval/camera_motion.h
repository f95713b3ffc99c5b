// The camera's motion read from the pictures: pans from the floor's texture sliding under the floor line
// (or from things the prompt says stay still), zooms from the floor's texture spreading and from things
// growing. The world's camera zooms about the frame's middle column and its floor line.
#pragma once

#include <string>
#include <vector>

#include "eval/expectation.h"
#include "eval/tracks.h"

namespace kinema::eval {

struct CameraReading {
  std::vector<double> x;     // camera position per frame, metres from frame 0 (positive: it moved right)
  std::vector<double> zoom;  // per frame, the widest frame at 1 (the world's zooms never go wider)
  bool pan_measured = false;   // x rests on evidence (floor texture or things at rest)
  bool zoom_measured = false;  // zoom rests on evidence (floor texture or things' sizes)
  std::string pan_source;      // "floor texture", "things at rest" or ""
  std::string zoom_source;     // "floor texture", "things' sizes" or ""
  double floor_texture = 0;    // RMS luma of the floor's texture along x (0 for a flat floor)

  double pixels_per_metre(int frame, int width, int height) const;
};

CameraReading read_camera(const media::Clip& clip, const ClipReading& reading, const std::vector<SubjectTrack>& tracks,
                          const Expectation& expectation, const Rect& ignore);

// The floor's horizontal shift (pixels) and scale between two frames, by matching the floor's column profile;
// `found` is false when the floor has too little texture to tell. Exposed for continuity across a cut.
struct FloorShift {
  bool found = false;
  double shift = 0;  // pixels the floor moved right from a to b
  double scale = 1;  // b's zoom over a's
  double match = 0;  // normalized correlation at the best shift
};
FloorShift floor_shift(const media::Clip& a, int frame_a, const media::Clip& b, int frame_b, const Rect& ignore,
                       double expected_shift = 0, double search = 5);

}  // namespace kinema::eval
