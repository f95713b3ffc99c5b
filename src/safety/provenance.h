// Provenance, the one door: every MP4 Kinema writes goes through export_clip, which gives it three marks that
// say it is synthetic; verify_file is the check a third party runs (`kinema verify`).
//
//   safety::ProvenanceFacts facts{.model_name = config.name, .model_version = config.version, .seed = seed};
//   safety::export_clip(clip, "out.mp4", facts, mp4_options, progress);   // marks, writes, signs, renames
//   safety::VerifyReport report = safety::verify_file("out.mp4");           // report.synthetic == true
//
// The three marks: (1) the visible moving "Kinema · AI" mark (visible_mark.h), unless facts.visible_mark is
// off, which the manifest records; (2) the invisible watermark carrying a 32-bit generation id (watermark.h);
// (3) a C2PA manifest signed with the user's local signing identity (c2pa_manifest.h, signing.h). The same
// facts also go into the MP4's comment and description tags, which most players show.
#pragma once

#include <cstddef>  // media/clip.h uses size_t
#include <filesystem>
#include <string>

#include "core/json.h"
#include "media/clip.h"
#include "media/mp4_writer.h"
#include "safety/provenance_facts.h"

namespace kinema::safety {

struct ExportOptions {
  media::Mp4Options mp4;                  // encoder settings; its comment and description are replaced
  std::filesystem::path signing_dir;      // empty: default_signing_dir() (KINEMA_SIGNING_DIR, XDG, ~/.config)
  // The frames were assembled from Kinema's own takes, which already carry the watermark: embed a new one only
  // when none is found (two watermarks on top of each other would garble both). The visible mark is drawn
  // as facts.visible_mark says either way.
  bool frames_may_carry_watermark = false;
};

// Marks `clip` (a copy), writes it to `path` as an MP4 and signs it, renaming the finished file into place:
// a failure or a cancel leaves any file at `path` as it was and no temporary file behind. Returns the facts
// as recorded (a generation id drawn at random when facts.generation_id was 0, or the one found in the
// frames). Throws kinema::Error as media::write_mp4 does, and io when the signing identity cannot be made.
ProvenanceFacts export_clip(media::Clip clip, const std::filesystem::path& path, ProvenanceFacts facts,
                            const ExportOptions& options = {}, const media::Mp4Progress& progress = {});

// The plain-text statement written into the MP4's comment and description tags.
std::string provenance_statement(const ProvenanceFacts& facts);

// What `kinema verify` reports about a file.
struct VerifyReport {
  bool synthetic = false;    // the verdict: a valid Kinema manifest or Kinema's watermark says Kinema made it
  std::string verdict;       // one line for people
  Json json;                 // the full report: synthetic, verdict, manifest {...}, watermark {...}, visible_mark {...}
};

// Reads `path` (any video FFmpeg opens; the manifest is looked for in MP4 files) and checks all three marks.
// `trusted_root_dir` is where the local root certificate is (empty: default_signing_dir(); a missing identity
// is not made, only not trusted). Throws kinema::Error (io, format) when the file cannot be read at all.
VerifyReport verify_file(const std::filesystem::path& path, const std::filesystem::path& trusted_root_dir = {});

// The cameos a file Kinema wrote says it shows, read from its signed manifest: what an export made from the
// file checks grants for, so that editing project data cannot drop a cameo. `problem` is set (and cameos
// left empty) when the file has no valid manifest signed under the local root in `trusted_root_dir` (empty:
// default_signing_dir()): such a file cannot vouch for what it shows.
struct RecordedCameos {
  std::vector<std::string> cameos;
  std::string problem;
};
RecordedCameos cameos_recorded_in(const std::filesystem::path& path, const std::filesystem::path& trusted_root_dir = {});

}  // namespace kinema::safety
