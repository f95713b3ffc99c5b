// Drawing the world with Cairo: a frame of the trace in the scene's style to RGB24, and the same frame through
// the same camera as a label map (labels.h) at any resolution. Both walk the same shapes, so labels line up
// with the picture (to antialiased edge pixels; exactly on the block grid in pixel art).
#pragma once

#include <cstdint>
#include <memory>

#include "world/scene.h"
#include "world/simulation.h"

namespace kinema::world {

class Renderer {
 public:
  // A renderer for one scene at one picture size; keeps its surfaces and textures between frames.
  // One renderer per thread.
  Renderer(const Scene& scene, int width, int height);
  ~Renderer();
  Renderer(const Renderer&) = delete;
  Renderer& operator=(const Renderer&) = delete;

  int width() const;
  int height() const;

  // Draws the frame in the scene's style: width * height * 3 bytes, RGB, rows top to bottom.
  void render(const FrameState& frame, uint8_t* rgb);

  // The label map of the frame at width x height (any size), one byte per pixel, rows top to bottom.
  // In pixel style, at the renderer's own size, it is drawn on the same coarse grid as the picture.
  void labels(const FrameState& frame, int width, int height, uint8_t* out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kinema::world
