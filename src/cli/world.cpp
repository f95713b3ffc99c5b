// `kinema world`: render world scenes to MP4s with captions, write training shards, parse prompts, measure speed.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "cli/args.h"
#include "cli/commands.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/json.h"
#include "media/mp4_writer.h"
#include "pipeline/world_guide.h"
#include "world/dataset.h"
#include "world/world.h"

namespace kinema::cli {
namespace fs = std::filesystem;

namespace {

constexpr const char* kWorldUsage = R"(usage: kinema world <render|dataset|parse|plan|bench> [options]

  render --seed N [--shots K] [--style S] [--time day|sunset|night] [--scene FILE.json | --prompt TEXT]
         [--width W] [--height H] [--fps F] [--frames N] [--sample-rate R] [--labels] --out DIR
         simulate one scene and write each shot as an MP4 with its caption (.txt) and description (.json)
  dataset --count N --out DIR [--seed S] [--per-shard K] [--threads T] [--max-shots K] [--no-labels]
         [--width W] [--height H] [--fps F] [--frames N] [--sample-rate R]
         write N shot clips as checksummed training shards, on every core
  parse --prompt TEXT
         show how the world reads a prompt: each word's meaning, the unknown words, the scene
  plan --prompt TEXT --out DIR [--width W] [--height H] [--fps F] [--frames N] [--sample-rate R]
         what guided generation takes from the world for a prompt: layout.mp4 (the layout the model is
         given, with the world's own sound), events.json (every sound event) and scene.json
  bench [--count N]
         measure clips per second on one core at the default size (simulation, pictures, sound, captions)
)";

// The words of a prompt the world does not know, as one line ("" when there are none).
std::string unknown_words(const world::ParsedPrompt& parsed) {
  std::string words;
  for (const std::string& w : parsed.unknown) words += (words.empty() ? "" : ", ") + w;
  return words;
}

world::Format format_from(const Args& args) {
  world::Format f;
  f.width = static_cast<int>(args.integer("width", f.width));
  f.height = static_cast<int>(args.integer("height", f.height));
  f.fps = static_cast<int>(args.integer("fps", f.fps));
  f.frames = static_cast<int>(args.integer("frames", f.frames));
  f.sample_rate = static_cast<int>(args.integer("sample-rate", f.sample_rate));
  return f;
}

template <typename E>
E enum_flag(const Args& args, const std::string& flag) {
  const std::string text = args.string(flag);
  const auto value = world::from_name<E>(text);
  if (!value) fail(ErrorKind::invalid_input, "--" + flag + ": unknown value '" + text + "'");
  return *value;
}

// A label map shown in colour: each label gets a fixed colour (things their palette colour, floors theirs).
media::Clip label_preview(const world::RenderedScene& r, int shot) {
  const world::Format& f = r.scene.format;
  const std::vector<uint8_t> labels = world::shot_labels(r.scene, r.trace, shot, f.width, f.height);
  media::Clip clip;
  clip.width = f.width;
  clip.height = f.height;
  clip.fps = f.fps;
  clip.frames.resize(labels.size() * 3);
  for (size_t i = 0; i < labels.size(); ++i) {
    const uint8_t l = labels[i];
    world::Rgb c{20, 20, 60};
    if (l == world::kLabelSun) c = {255, 255, 200};
    else if (l >= world::kLabelFloor && l < world::kLabelThings)
      c = world::floor_colour(world::Style::cartoon, static_cast<world::Material>(l - world::kLabelFloor));
    else if (l >= world::kLabelThings && l < world::kLabelCount)
      c = world::palette_colour(world::Style::cartoon, static_cast<world::Colour>((l - world::kLabelThings) % world::kColours));
    clip.frames[3 * i] = c.r;
    clip.frames[3 * i + 1] = c.g;
    clip.frames[3 * i + 2] = c.b;
  }
  return clip;
}

int render(const std::vector<std::string>& argv) {
  const Args args(argv, {"seed", "shots", "style", "time", "scene", "prompt", "width", "height", "fps", "frames", "sample-rate", "out"},
                  {"labels"});
  const fs::path out = args.required("out");
  world::Scene scene;
  const uint64_t seed = args.unsigned_integer("seed", 0);
  if (args.has("scene")) {
    scene = world::scene_from_json(read_json_file(args.string("scene")), args.string("scene"));
  } else if (args.has("prompt")) {
    const world::ParsedPrompt parsed = world::parse_prompt(args.string("prompt"), format_from(args));
    scene = parsed.scene;
    if (!parsed.unknown.empty())
      std::fprintf(stderr, "kinema world: words the world does not know: %s\n", unknown_words(parsed).c_str());
  } else {
    if (!args.has("seed")) fail(ErrorKind::invalid_input, "--seed (or --scene, --prompt) is required");
    world::SceneOptions options;
    options.format = format_from(args);
    const int shots = static_cast<int>(args.integer("shots", 1));
    if (shots < 1 || shots > 64) fail(ErrorKind::invalid_input, "--shots must be 1..64");
    options.min_shots = options.max_shots = shots;
    if (args.has("style")) options.style = enum_flag<world::Style>(args, "style");
    if (args.has("time")) options.time = enum_flag<world::TimeOfDay>(args, "time");
    scene = world::random_scene(seed, options);
  }
  if ((args.has("scene") || args.has("prompt")) && args.has("shots"))
    scene = world::cut_into_shots(scene, static_cast<int>(args.integer("shots", 1)), scene.seed);
  if ((args.has("scene") || args.has("prompt")) && args.has("style")) scene.style = enum_flag<world::Style>(args, "style");
  world::validate(scene);

  std::error_code ec;
  fs::create_directories(out, ec);
  if (!fs::is_directory(out)) fail(ErrorKind::io, "cannot create folder " + out.string());
  const auto start = std::chrono::steady_clock::now();
  const world::RenderedScene r = world::render_scene(scene);
  const std::string stem = "world-" + std::to_string(scene.seed);
  write_json_file(out / (stem + ".scene.json"), world::to_json(scene));
  media::Mp4Options mp4;
  mp4.bitexact = true;
  for (const world::ShotClip& shot : r.shots) {
    const std::string name = stem + "-shot" + std::to_string(shot.shot + 1);
    mp4.title = shot.caption.text;
    media::write_mp4(shot.clip, out / (name + ".mp4"), mp4);
    const std::string caption = shot.caption.text + "\n";
    write_file_atomically(out / (name + ".txt"), caption.data(), caption.size());
    write_json_file(out / (name + ".json"), world::shot_json(r, shot.shot));
    if (args.has("labels")) media::write_mp4(label_preview(r, shot.shot), out / (name + "-labels.mp4"), mp4);
    std::printf("%s  %s\n", (out / (name + ".mp4")).c_str(), shot.caption.text.c_str());
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%zu shot(s), %.2f s of clip, written in %.2f s\n", r.shots.size(), scene.duration(), seconds);
  return kOk;
}

int dataset(const std::vector<std::string>& argv) {
  const Args args(argv, {"count", "out", "seed", "per-shard", "threads", "max-shots", "width", "height", "fps", "frames", "sample-rate"},
                  {"no-labels"});
  world::DatasetOptions options;
  options.count = args.integer("count", 0);
  if (!args.has("count") || options.count < 1) fail(ErrorKind::invalid_input, "--count must be at least 1");
  options.seed = args.unsigned_integer("seed", 0);
  options.records_per_shard = static_cast<int>(args.integer("per-shard", options.records_per_shard));
  options.threads = static_cast<int>(args.integer("threads", 0));
  options.labels = !args.has("no-labels");
  options.scenes.format = format_from(args);
  options.scenes.max_shots = static_cast<int>(args.integer("max-shots", 3));
  if (options.scenes.max_shots < 1 || options.scenes.max_shots > 64) fail(ErrorKind::invalid_input, "--max-shots must be 1..64");
  const fs::path out = args.required("out");
  const bool tty = ::isatty(2);
  const auto summary = world::write_dataset(out, options, [&](int64_t done, int64_t total) {
    if (tty && (done % 16 == 0 || done == total)) std::fprintf(stderr, "\r%lld / %lld clips", static_cast<long long>(done), static_cast<long long>(total));
  });
  if (tty) std::fputs("\n", stderr);
  std::printf("%lld clips in %d shards, %.1f MB, %.1f s: %.1f clips/s\n", static_cast<long long>(summary.records), summary.shards,
              summary.bytes / 1048576.0, summary.seconds, summary.records / summary.seconds);
  return kOk;
}

int parse(const std::vector<std::string>& argv) {
  const Args args(argv, {"prompt"});
  const world::ParsedPrompt parsed = world::parse_prompt(args.required("prompt"));
  for (const world::WordMeaning& w : parsed.words) std::printf("%-24s %s\n", w.text.c_str(), w.meaning.c_str());
  const std::string unknown = unknown_words(parsed);
  std::printf("unknown: %s\n%s\n", unknown.empty() ? "(none)" : unknown.c_str(), world::to_json(parsed.scene).dump(2).c_str());
  return kOk;
}

// What the simulator decided for a prompt, as guided generation gets it: the same parse, simulation and layout
// render (pipeline::make_world_guide) the generator uses for the first shot.
int plan(const std::vector<std::string>& argv) {
  const Args args(argv, {"prompt", "out", "width", "height", "fps", "frames", "sample-rate"});
  const world::Format format = format_from(args);
  const world::ParsedPrompt parsed = world::parse_prompt(args.required("prompt"), format);
  const fs::path out = args.required("out");
  std::error_code ec;
  fs::create_directories(out, ec);
  if (ec) fail(ErrorKind::io, "cannot create " + out.string() + ": " + ec.message());
  world::WorldOptions options;
  options.pictures = false;  // the sound is kept: the layout plays with what the world hears
  const world::RenderedScene rendered = world::render_scene(parsed.scene, options);
  const int frames = std::min(format.frames, static_cast<int>(rendered.trace.frames.size()));
  media::Clip layout = pipeline::make_world_guide(rendered, 0, frames, format.width, format.height, 1.0, 1).layout;
  layout.sample_rate = rendered.shots.front().clip.sample_rate;
  layout.channels = rendered.shots.front().clip.channels;
  layout.audio = rendered.shots.front().clip.audio;
  media::write_mp4(layout, out / "layout.mp4");

  Json events = Json::array();
  const double seconds = static_cast<double>(frames) / format.fps;
  for (const world::SoundEvent& e : rendered.trace.events) {
    if (e.time >= seconds) continue;
    events.push_back({{"time", e.time}, {"kind", world::name(e.kind)}, {"material", world::name(e.material)},
                      {"touches", world::name(e.other)}, {"object", e.object}, {"other_object", e.other_object},
                      {"impulse", e.impulse}, {"speed", e.speed}, {"duration", e.duration}});
  }
  write_json_file(out / "events.json", events);
  write_json_file(out / "scene.json", world::to_json(rendered.scene));
  const std::string unknown = unknown_words(parsed);
  std::printf("%s\n%zu sound events in %.2f s; words the world does not know: %s\nwrote layout.mp4, events.json, "
              "scene.json in %s\n",
              rendered.shots.front().caption.text.c_str(), events.size(), seconds,
              unknown.empty() ? "none" : unknown.c_str(), out.c_str());
  return kOk;
}

// Clips per second on this thread: random scenes of one shot at the default format, everything a training
// clip needs (simulation, RGB frames, label maps, sound, caption).
int bench(const std::vector<std::string>& argv) {
  const Args args(argv, {"count", "seed"});
  const int count = static_cast<int>(args.integer("count", 200));
  const uint64_t seed = args.unsigned_integer("seed", 1000);
  if (count < 1) fail(ErrorKind::invalid_input, "--count must be at least 1");
  const auto start = std::chrono::steady_clock::now();
  double with_labels = 0;
  for (int i = 0; i < count; ++i) {
    const world::Scene scene = world::random_scene(seed + i);
    const world::RenderedScene r = world::render_scene(scene);
    const auto t = std::chrono::steady_clock::now();
    const auto labels = world::shot_labels(r.scene, r.trace, 0, scene.format.width, scene.format.height);
    with_labels += std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
    if (labels.empty()) return kFailed;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%d clips (128x128, 49 frames, 16 kHz) in %.2f s on one core: %.1f clips/s (%.1f without label maps)\n", count, seconds,
              count / seconds, count / (seconds - with_labels));
  return kOk;
}

}  // namespace

int run_world(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "help") {
    std::fputs(kWorldUsage, args.empty() ? stderr : stdout);
    return args.empty() ? kUsage : kOk;
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "render") return render(rest);
  if (args[0] == "dataset") return dataset(rest);
  if (args[0] == "parse") return parse(rest);
  if (args[0] == "bench") return bench(rest);
  if (args[0] == "plan") return plan(rest);
  fail(ErrorKind::invalid_input, "unknown world command '" + args[0] + "'\n" + kWorldUsage);
}

}  // namespace kinema::cli
