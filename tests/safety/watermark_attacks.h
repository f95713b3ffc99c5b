// What happens to clips in the wild, as ffmpeg commands; and clips Kinema did not mark, for false positives.
// Shared by the watermark tests (a fast subset) and kinema-provenance-bench (the full figures).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "media/clip.h"
#include "media/mp4_reader.h"
#include "support/ffmpeg_tools.h"
#include "world/world.h"

namespace kinema::safety::testing {

namespace fs = std::filesystem;
using media::testing::run_command;
using media::testing::shell_quote;

struct Attack {
  std::string name;
  std::string output_extension;  // ".mp4" or ".webm"
  std::string ffmpeg_arguments;  // between the input and the output; empty: the file itself
};

// Re-encodes use x264's default preset; every output is yuv420p with even sizes.
inline std::vector<Attack> all_attacks() {
  const std::string x264 = " -c:v libx264 -pix_fmt yuv420p -an";
  return {
      {"exported file", ".mp4", ""},
      {"x264 CRF 18", ".mp4", x264 + " -crf 18"},
      {"x264 CRF 23", ".mp4", x264 + " -crf 23"},
      {"x264 CRF 28", ".mp4", x264 + " -crf 28"},
      {"VP9 CRF 32", ".webm", " -c:v libvpx-vp9 -crf 32 -b:v 0 -pix_fmt yuv420p -an"},
      {"scale 2x", ".mp4", " -vf 'scale=iw*2:ih*2'" + x264 + " -crf 23"},
      {"scale 0.75x", ".mp4", " -vf 'scale=trunc(iw*0.375)*2:trunc(ih*0.375)*2'" + x264 + " -crf 23"},
      {"crop 10% left", ".mp4", " -vf 'crop=trunc(iw*0.45)*2:ih:iw-trunc(iw*0.45)*2:0'" + x264 + " -crf 23"},
      {"crop 10% top", ".mp4", " -vf 'crop=iw:trunc(ih*0.45)*2:0:ih-trunc(ih*0.45)*2'" + x264 + " -crf 23"},
      {"trim middle 2 s", ".mp4", " -ss 1 -t 2" + x264 + " -crf 23"},
      {"12 -> 24 fps", ".mp4", " -vf 'fps=24'" + x264 + " -crf 23"},
      {"12 -> 8 fps", ".mp4", " -vf 'fps=8'" + x264 + " -crf 23"},
      {"CRF 28 + scale 0.75x", ".mp4", " -vf 'scale=trunc(iw*0.375)*2:trunc(ih*0.375)*2'" + x264 + " -crf 28"},
      {"CRF 28 + scale 2x", ".mp4", " -vf 'scale=iw*2:ih*2'" + x264 + " -crf 28"},
  };
}

inline Attack attack_named(const std::string& name) {
  for (const auto& a : all_attacks())
    if (a.name == name) return a;
  throw std::runtime_error("no attack named " + name);
}

// Applies an attack to `in` and returns the decoded result.
inline media::Clip attacked(const fs::path& in, const Attack& attack, const fs::path& work) {
  if (attack.ffmpeg_arguments.empty()) return media::read_mp4(in).clip;
  const fs::path out = work / ("attacked" + attack.output_extension);
  run_command("ffmpeg -v error -y -i " + shell_quote(in.string()) + attack.ffmpeg_arguments + " " +
              shell_quote(out.string()));
  return media::read_mp4(out).clip;
}

// Shot 0 of a random Kinema World scene: ground truth the built-in model learns to draw (128x128, 12 fps).
inline media::Clip world_clip(uint64_t seed) {
  world::WorldOptions options;
  options.sound.events = false;
  options.sound.ambience = false;
  return world::render_scene(world::random_scene(seed), options).shots.at(0).clip;
}

// The i-th unmarked clip from FFmpeg's synthetic sources: varied source, seed, size, rate and length.
struct SyntheticSource {
  std::string name, filter;
};

inline SyntheticSource synthetic_source(int i) {
  static const char* sizes[] = {"128x128", "160x120", "96x96", "256x144", "320x240", "128x96", "200x200", "64x64"};
  static const int rates[] = {12, 24, 25, 30};
  const std::string size = sizes[i % 8];
  const std::string rate = std::to_string(rates[(i / 8) % 4]);
  const std::string seconds = std::to_string(2 + i % 3);
  const std::string seed = std::to_string(1000 + 7919 * i % 100003);
  const std::string common = "s=" + size + ":r=" + rate;
  std::string filter;
  switch (i % 8) {
    case 0: filter = "testsrc2=" + common + ":d=" + seconds; break;
    case 1: filter = "mandelbrot=" + common + ":start_scale=" + std::to_string(1 + i % 5) + ",trim=duration=" + seconds; break;
    case 2: filter = "cellauto=" + common + ":rule=" + std::to_string(18 + (i * 13) % 200) + ":random_seed=" + seed + ",trim=duration=" + seconds; break;
    case 3: filter = "life=" + common + ":random_seed=" + seed + ":mold=10:ratio=0.1" + ",trim=duration=" + seconds; break;
    case 4: filter = "gradients=" + common + ":seed=" + seed + ":d=" + seconds; break;
    case 5: filter = "sierpinski=" + common + ":seed=" + seed + ":type=" + (i % 2 ? "carpet" : "triangle") + ",trim=duration=" + seconds; break;
    case 6: filter = "testsrc=" + common + ":d=" + seconds + ",hue=h=" + std::to_string(i % 360); break;
    default: filter = "smptehdbars=" + common + ":d=" + seconds + ",noise=alls=" + std::to_string(5 + i % 20) + ":allf=t+u:all_seed=" + seed; break;
  }
  return {filter.substr(0, filter.find('=')), filter};
}

// Encodes a synthetic source with x264 (CRF 23) and decodes it.
inline media::Clip synthetic_clip(int i, const fs::path& work) {
  const fs::path out = work / "synthetic.mp4";
  run_command("ffmpeg -v error -y -f lavfi -i " + shell_quote(synthetic_source(i).filter) +
              " -c:v libx264 -crf 23 -pix_fmt yuv420p -an " + shell_quote(out.string()));
  return media::read_mp4(out).clip;
}

}  // namespace kinema::safety::testing
