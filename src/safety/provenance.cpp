// Provenance, the one door: every MP4 Kinema writes goes through export_clip; verify_file checks the marks.
#include "safety/provenance.h"

#include <cstdio>
#include <fstream>
#include <iterator>
#include <random>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/log.h"
#include "media/mp4_reader.h"
#include "safety/bmff.h"
#include "safety/c2pa_manifest.h"
#include "safety/signing.h"
#include "safety/visible_mark.h"
#include "safety/watermark.h"

namespace kinema::safety {
namespace fs = std::filesystem;

namespace {

constexpr const char* kSyntheticVerdict = "synthetic, made by Kinema";

Bytes read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(ErrorKind::io, "cannot read " + path.string());
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

void overwrite(const fs::path& path, const Bytes& bytes, const fs::path& target) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out.flush()) fail(ErrorKind::io, "cannot write " + target.string() + ": write failed (disk full?)");
}

uint32_t random_generation_id() {
  std::random_device device;
  uint32_t id = 0;
  while (id == 0) id = device();
  return id;
}

std::string hex32(uint32_t v) {
  char s[9];
  std::snprintf(s, sizeof s, "%08x", v);
  return s;
}

// An error from the writer names the temporary file; the caller asked for `target`.
[[noreturn]] void rethrow_for(const Error& e, const fs::path& temp, const fs::path& target) {
  std::string what = e.what();
  for (size_t at; (at = what.find(temp.string())) != std::string::npos;) what.replace(at, temp.string().size(), target.string());
  throw Error(e.kind(), what);
}

bool looks_like_bmff(const Bytes& file) {
  try {
    const auto boxes = bmff::top_level_boxes(file);
    return !boxes.empty() && boxes[0].type == "ftyp";
  } catch (const Error&) {
    return false;
  }
}

}  // namespace

std::string provenance_statement(const ProvenanceFacts& facts) {
  std::string s = "AI-generated (synthetic) video made by Kinema " KINEMA_VERSION " with model " + facts.model_name + " " +
                  facts.model_version + "; seed " + std::to_string(facts.seed) + "; generation " +
                  hex32(facts.generation_id) +
                  (facts.watermark ? "; invisible watermark" : "; no invisible watermark (an intermediate: added on export)") +
                  "; visible mark " +
                  (facts.visible_mark ? "on" : "off") + "; signed C2PA manifest (check with: kinema verify FILE)";
  if (!facts.settings.empty()) s += "; " + facts.settings;
  return s;
}

ProvenanceFacts export_clip(media::Clip clip, const fs::path& path, ProvenanceFacts facts, const ExportOptions& options,
                            const media::Mp4Progress& progress) {
  // Open (or make) the signing identity first: a problem with it should stop the export before any work.
  const SigningIdentity signer =
      SigningIdentity::open(options.signing_dir.empty() ? default_signing_dir() : options.signing_dir);
  if (facts.model_name.empty()) facts.model_name = "unknown";
  bool embed = true;
  if (options.frames_may_carry_watermark && clip.frame_count() > 0) {
    const WatermarkReading existing = detect_watermark(clip);
    if (existing.found) {
      facts.generation_id = existing.generation_id;
      embed = false;
    }
  }
  if (facts.generation_id == 0) facts.generation_id = random_generation_id();
  // A frame too small to hold the mark gets none; the manifest must not claim otherwise.
  if (visible_mark_rect(clip.width, clip.height, 0, clip.fps).width == 0) facts.visible_mark = false;
  if (facts.visible_mark) draw_visible_mark(clip);
  if (!facts.watermark) embed = false;
  if (embed && clip.frame_count() > 0) embed_watermark(clip, facts.generation_id);

  media::Mp4Options mp4 = options.mp4;
  mp4.comment = provenance_statement(facts);
  mp4.metadata["description"] = mp4.comment;
  AtomicFile file(path);
  try {
    media::write_mp4(clip, file.temp_path(), mp4, progress);
  } catch (const Error& e) {
    rethrow_for(e, file.temp_path(), path);
  }
  // The C2PA box goes into the finished file before it is renamed into place.
  overwrite(file.temp_path(), c2pa::sign_mp4(read_bytes(file.temp_path()), facts, signer), path);
  file.commit();
  logger("safety")->info("marked {}: generation {}, visible mark {}, signed by {}", path.string(),
                         hex32(facts.generation_id), facts.visible_mark ? "on" : "off", signer.signer_name());
  return facts;
}

RecordedCameos cameos_recorded_in(const fs::path& path, const fs::path& trusted_root_dir) {
  RecordedCameos out;
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    out.problem = "the file " + path.filename().string() + " is missing";
    return out;
  }
  const Bytes bytes = read_bytes(path);
  const Bytes root = load_root_certificate(trusted_root_dir.empty() ? default_signing_dir() : trusted_root_dir);
  const c2pa::ManifestCheck manifest = c2pa::check_mp4(bytes, root);
  if (!manifest.present || !manifest.valid || !manifest.trusted) {
    out.problem = "the file " + path.filename().string() +
                  (!manifest.present ? " has no provenance manifest"
                   : manifest.tampered ? " was changed after Kinema signed it"
                                       : " is not signed by this Kinema") +
                  ", so it cannot vouch for the cameos it shows: regenerate the shot";
    return out;
  }
  const Json& kinema = manifest.claim.contains("kinema") ? manifest.claim["kinema"] : Json::object();
  for (const auto& hash : kinema.value("cameos", Json::array())) out.cameos.push_back(hash.get<std::string>());
  return out;
}

VerifyReport verify_file(const fs::path& path, const fs::path& trusted_root_dir) {
  const Bytes bytes = read_bytes(path);
  const Bytes root = load_root_certificate(trusted_root_dir.empty() ? default_signing_dir() : trusted_root_dir);

  c2pa::ManifestCheck manifest;
  if (looks_like_bmff(bytes)) manifest = c2pa::check_mp4(bytes, root);
  const media::MediaFile media = media::read_mp4(path);
  const WatermarkReading mark = detect_watermark(media.clip);
  const double presence = visible_mark_presence(media.clip);

  VerifyReport report;
  Json& j = report.json;
  j["file"] = path.string();
  j["damaged_packets"] = media.damaged_packets;
  j["manifest"] = {{"present", manifest.present},
                   {"valid", manifest.valid},
                   {"tampered", manifest.tampered},
                   {"trusted", manifest.trusted},
                   {"claim", manifest.present ? manifest.claim : Json(nullptr)},
                   {"problems", manifest.problems}};
  char accuracy[16];
  std::snprintf(accuracy, sizeof accuracy, "%.4f", mark.bit_accuracy);
  j["watermark"] = {{"found", mark.found},
                    {"bit_accuracy", std::stod(accuracy)},
                    {"payload", mark.found ? Json("4b4e4d" + hex32(mark.generation_id)) : Json(nullptr)},
                    {"generation_id", mark.found ? Json(hex32(mark.generation_id)) : Json(nullptr)},
                    {"sync_score", std::round(mark.sync_score * 100) / 100},
                    {"frames", mark.frames},
                    {"geometry", mark.geometry}};
  Json recorded = nullptr;
  if (manifest.valid && manifest.claim.contains("kinema") && manifest.claim["kinema"].contains("visible_mark"))
    recorded = manifest.claim["kinema"]["visible_mark"];
  j["visible_mark"] = {{"recorded_on", recorded},
                       {"seen", presence >= 0.5},
                       {"presence", std::round(presence * 1000) / 1000}};

  const bool by_manifest = manifest.kinema_generated();
  report.synthetic = by_manifest || mark.found;
  if (by_manifest && mark.found) {
    report.verdict = std::string(kSyntheticVerdict) + " (signed C2PA manifest" + (manifest.trusted ? ", trusted signer" : "") +
                     ", and the invisible watermark)";
  } else if (by_manifest) {
    report.verdict = std::string(kSyntheticVerdict) + " (signed C2PA manifest" + (manifest.trusted ? ", trusted signer" : "") + ")";
  } else if (mark.found) {
    report.verdict = std::string(kSyntheticVerdict) + " (invisible watermark, generation " + hex32(mark.generation_id) +
                     (manifest.present ? "; its C2PA manifest no longer matches the file" : "; no C2PA manifest") + ")";
  } else if (manifest.present && manifest.tampered) {
    report.verdict = "no valid mark: the file carries a C2PA manifest that no longer matches it, and no Kinema watermark";
  } else {
    report.verdict = "no sign that Kinema made this file";
  }
  j["synthetic"] = report.synthetic;
  j["verdict"] = report.verdict;
  if (by_manifest && mark.found && manifest.claim.contains("kinema"))
    j["watermark"]["matches_manifest"] = manifest.claim["kinema"].value("generation_id", "") == hex32(mark.generation_id);
  return report;
}

}  // namespace kinema::safety
