// kinema-provenance-bench: the watermark's figures, measured. Marks world clips (what the built-in model draws),
// exports them through Kinema's writer, attacks them with ffmpeg, and reads them back; then looks for the
// watermark in clips Kinema did not mark. Prints PSNR, per-attack detection and bit accuracy, false positives.
//
//   build/tests/kinema-provenance-bench [--clips N] [--unmarked N] [--strength S] [--visible-mark] [--attacks A,B]
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "media/mp4_writer.h"
#include "safety/visible_mark.h"
#include "safety/watermark.h"
#include "safety/watermark_attacks.h"
#include "support/temp_dir.h"

namespace {

using namespace kinema;
using namespace kinema::safety;
using namespace kinema::safety::testing;

double psnr(const media::Clip& a, const media::Clip& b) {
  double se = 0;
  for (size_t i = 0; i < a.frames.size(); ++i) {
    const double d = static_cast<double>(a.frames[i]) - b.frames[i];
    se += d * d;
  }
  const double mse = se / a.frames.size();
  return mse == 0 ? INFINITY : 10 * std::log10(255.0 * 255.0 / mse);
}

// Message bits (24 marker + 32 id) right; the marker is right whenever the watermark is found.
int id_bits_right(const WatermarkReading& r, uint32_t truth) {
  return 32 - __builtin_popcount(r.generation_id ^ truth);
}

struct Tally {
  int clips = 0, found = 0, id_exact = 0;
  double id_bits = 0, coded_accuracy = 0, z = 0;
};

struct Options {
  int clips = 20;
  int unmarked = 1000;
  double strength = WatermarkOptions{}.strength;
  bool visible_mark = false;
  std::vector<std::string> attacks;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(a + " needs a value");
      return argv[++i];
    };
    if (a == "--clips") o.clips = std::stoi(value());
    else if (a == "--unmarked") o.unmarked = std::stoi(value());
    else if (a == "--strength") o.strength = std::stod(value());
    else if (a == "--visible-mark") o.visible_mark = true;
    else if (a == "--attacks") {
      std::string list = value();
      for (size_t at = 0; at <= list.size();) {
        const size_t comma = std::min(list.find(',', at), list.size());
        o.attacks.push_back(list.substr(at, comma - at));
        at = comma + 1;
      }
    } else throw std::runtime_error("unknown option " + a);
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options options = parse(argc, argv);
    const auto start = std::chrono::steady_clock::now();
    const fs::path work = fs::temp_directory_path() / ("kinema-provenance-bench-" + std::to_string(::getpid()));
    fs::create_directories(work);
    std::vector<Attack> attacks;
    if (options.attacks.empty())
      attacks = all_attacks();
    else
      for (const auto& name : options.attacks) attacks.push_back(attack_named(name));

    std::map<std::string, Tally> tally;
    double psnr_sum = 0, psnr_min = INFINITY;
    std::mt19937 ids(2024);
    for (int c = 0; c < options.clips; ++c) {
      const media::Clip original = world_clip(1 + c);
      media::Clip marked = original;
      if (options.visible_mark) draw_visible_mark(marked);
      const media::Clip before_watermark = marked;
      const uint32_t id = ids();
      embed_watermark(marked, id, {options.strength});
      const double p = psnr(before_watermark, marked);
      psnr_sum += p;
      psnr_min = std::min(psnr_min, p);
      const fs::path exported = work / "exported.mp4";
      media::write_mp4(marked, exported);
      for (const auto& attack : attacks) {
        const WatermarkReading r = detect_watermark(attacked(exported, attack, work));
        Tally& t = tally[attack.name];
        ++t.clips;
        t.found += r.found;
        t.id_exact += r.found && r.generation_id == id;
        t.id_bits += id_bits_right(r, id);
        t.coded_accuracy += r.bit_accuracy;
        t.z += r.sync_score;
      }
      std::fprintf(stderr, "\rmarked clip %d/%d", c + 1, options.clips);
    }
    std::fprintf(stderr, "\n");

    std::printf("watermark strength %.2f (RMS luma levels), %d world clips 128x128 12 fps %s\n", options.strength,
                options.clips, options.visible_mark ? "with the visible mark" : "without the visible mark");
    std::printf("PSNR of the watermark (RGB, before encoding): mean %.2f dB, worst %.2f dB\n\n",
                psnr_sum / std::max(1, options.clips), psnr_min);
    std::printf("%-22s %9s %9s %13s %14s %8s\n", "attack", "detected", "id exact", "id bits right",
                "coded bits ok", "sync z");
    for (const auto& attack : attacks) {
      const Tally& t = tally[attack.name];
      const double n = std::max(1, t.clips);
      std::printf("%-22s %4d/%-4d %4d/%-4d %12.2f%% %13.2f%% %8.1f\n", attack.name.c_str(), t.found, t.clips,
                  t.id_exact, t.clips, 100.0 * t.id_bits / (32 * n), 100.0 * t.coded_accuracy / n, t.z / n);
    }

    if (options.unmarked > 0) {
      int false_positives = 0, world = 0, synthetic = 0;
      double z_max = -INFINITY;
      std::map<std::string, int> by_source;
      for (int i = 0; i < options.unmarked; ++i) {
        media::Clip clip;
        std::string source;
        if (i % 2 == 0) {
          const fs::path file = work / "unmarked.mp4";
          media::write_mp4(world_clip(100000 + i), file);
          clip = media::read_mp4(file).clip;
          source = "world";
          ++world;
        } else {
          clip = synthetic_clip(i / 2, work);
          source = synthetic_source(i / 2).name;
          ++synthetic;
        }
        const WatermarkReading r = detect_watermark(clip);
        if (r.found) {
          ++false_positives;
          std::printf("FALSE POSITIVE: unmarked clip %d (%s), id %08x\n", i, source.c_str(), r.generation_id);
        }
        ++by_source[source];
        z_max = std::max(z_max, r.sync_score);
        std::fprintf(stderr, "\runmarked clip %d/%d", i + 1, options.unmarked);
      }
      std::fprintf(stderr, "\n");
      std::printf("\nfalse positives: %d / %d unmarked clips (%d world renders, %d FFmpeg synthetic:", false_positives,
                  options.unmarked, world, synthetic);
      for (const auto& [name, count] : by_source)
        if (name != "world") std::printf(" %s %d", name.c_str(), count);
      std::printf("); highest sync z on them %.1f\n", z_max);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("took %.0f s\n", seconds);
    fs::remove_all(work);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kinema-provenance-bench: %s\n", e.what());
    return 1;
  }
}
