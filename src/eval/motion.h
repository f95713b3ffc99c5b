// Motion from the subjects' tracks, in metres through the world's view: free-fall stretches fitted with one
// shared acceleration (against the world's g), bounces (restitution, contact time where the two flights
// meet), landings (contact time where the flight reaches the floor), and things that leave the floor from
// rest with nothing near them (time running backwards).
#pragma once

#include <string>
#include <vector>

#include "eval/camera_motion.h"
#include "eval/tracks.h"

namespace kinema::eval {

// Where a subject is in one frame, in world metres (x from the camera's position at frame 0).
struct Place {
  bool found = false;
  double x = 0;        // centroid
  double height = 0;   // centroid above the floor
  double gap = 0;      // lowest edge above the floor
};
std::vector<Place> places_of(const SubjectTrack& track, const CameraReading& camera, int width, int height);

struct Flight {
  int subject = -1;          // index into the tracks
  std::vector<int> frames;   // consecutive frames in the air
  double b = 0, c = 0;       // height(t) = c + b t + a t^2 / 2 with the shared a (t in seconds)
  double rms = 0;            // metres
};

struct Contact {
  int subject = -1;
  std::string kind;          // "bounce" or "landing"
  double time = 0;           // seconds from the clip's start
  double uncertainty = 0;    // seconds, from the fits' residuals
  double speed_in = 0;       // m/s downwards just before
  double restitution = -1;   // bounces: speed out over speed in
  double x = 0;              // where, metres
};

struct MotionReading {
  std::vector<std::vector<Place>> places;  // per track, per frame
  std::vector<Flight> flights;
  bool fitted = false;        // enough free fall to fit an acceleration
  double acceleration = 0;    // m/s^2 (negative: down)
  double fit_rms = 0;         // metres
  int fit_points = 0;
  std::vector<Contact> contacts;
  int launches_from_rest = 0;  // things that left the floor upwards from rest with nothing near them
  std::vector<std::string> notes;
};

// `free_fall[i]`: whether track i may be fitted as free fall (things dropped, thrown or bouncing, balls; not
// boxes toppling off a stack, which slide and tip against each other, nor characters).
MotionReading read_motion(const ClipReading& reading, const std::vector<SubjectTrack>& tracks, const CameraReading& camera,
                          const std::vector<bool>& free_fall);

}  // namespace kinema::eval
