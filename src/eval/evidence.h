// Everything the judge reads from one clip and its prompt, gathered once and shared by the criteria.
#pragma once

#include <string>
#include <vector>

#include "eval/camera_motion.h"
#include "eval/clip_reading.h"
#include "eval/expectation.h"
#include "eval/motion.h"
#include "eval/sound_reading.h"
#include "eval/tracks.h"
#include "media/clip.h"

namespace kinema::eval {

struct Evidence {
  const media::Clip* clip = nullptr;
  Rect ignore;
  Expectation expect;
  ClipReading reading;
  std::vector<SubjectTrack> tracks;
  CameraReading camera;
  MotionReading motion;
  std::vector<float> mono;  // the sound, mono
  int rate = 0;
  std::vector<Onset> onsets;

  double seconds_per_frame() const { return reading.fps > 0 ? 1.0 / reading.fps : 1.0 / 12; }
  const ExpectedSubject& subject_of(const SubjectTrack& t) const { return expect.subjects[t.subject]; }
};

// Reads the clip against the prompt: style, light, things, camera, motion, sound.
Evidence gather_evidence(const media::Clip& clip, const std::string& prompt, const Rect& ignore);

// The clip's format as the world names it (for the prompt parser).
world::Format format_of(const media::Clip& clip);

}  // namespace kinema::eval
