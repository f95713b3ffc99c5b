// Kinema's invisible watermark: a 56-bit message (a 24-bit Kinema marker and the 32-bit generation id) spread
// over the luma of every frame, found again in decoded frames after re-encoding, scaling, cropping, trimming and
// frame-rate changes. The scheme and its limits are described in docs/SAFETY.md.
//
// Embedding: the message is coded with a rate-1/3, constraint-length-7 convolutional code (186 bits). A 64 x 64
// tile of 16 x 16 cells, measured in units of 1/128 of the frame's height, holds 64 known sync cells and 192
// data cells, each signed by a keyed pseudo-random chip; the cells are joined by raised-cosine bumps into a
// smooth luma pattern, the same in every frame and tiled over it, added to R, G and B alike.
//
// Detection: frames are resampled to the unit grid (for the height kept, and for the width kept), high-passed,
// clipped, and folded onto one tile summed over all frames; the sync cells find the tile's position among all
// 64 x 64 shifts; a soft-decision Viterbi decoder reads the message, and the watermark is found only when the
// decoded marker matches all 24 bits (about one chance in 16 million per try on an unmarked clip).
#pragma once

#include <cstddef>  // media/clip.h uses size_t
#include <cstdint>
#include <string>

#include "media/clip.h"

namespace kinema::safety {

struct WatermarkOptions {
  double strength = 2.2;  // RMS change of luma in 8-bit levels before clipping (2.2: about 41 dB PSNR)
};

// Adds the watermark carrying `generation_id` to every frame of `clip`, in place.
void embed_watermark(media::Clip& clip, uint32_t generation_id, const WatermarkOptions& options = {});

struct WatermarkReading {
  bool found = false;          // the decoded marker matched: this clip carries Kinema's watermark
  uint32_t generation_id = 0;  // the decoded id (meaningful only when found)
  double bit_accuracy = 0.0;   // share of the 186 coded bits read as the decoded message re-encoded would have them
  double sync_score = 0.0;     // the best tile position's sync correlation in standard deviations over all positions
  int frames = 0;              // frames read
  std::string geometry;        // which size hypothesis found it ("height kept", "width kept")
};

// Looks for the watermark in decoded RGB frames of any size and frame count.
WatermarkReading detect_watermark(const media::Clip& clip);

}  // namespace kinema::safety
