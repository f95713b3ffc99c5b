// C2PA manifests in MP4 files: what Kinema writes is read back as valid by our checker and by c2pa-rs (the
// reference implementation, run under Node.js), ffprobe still reads the file, and a changed byte is caught.
#include <cstdlib>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "core/error.h"
#include "media/mp4_writer.h"
#include "media/test_clips.h"
#include "safety/bmff.h"
#include "safety/c2pa_manifest.h"
#include "safety/provenance.h"
#include "safety/signing.h"
#include "support/ffmpeg_tools.h"
#include "support/temp_dir.h"

namespace kinema::safety {
namespace {

namespace fs = std::filesystem;
using media::testing::run_command;
using media::testing::shell_quote;

Bytes read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

void write_bytes(const fs::path& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

ProvenanceFacts facts() {
  ProvenanceFacts f;
  f.model_name = "kinema-test";
  f.model_version = "0.3";
  f.seed = 42;
  f.generation_id = 0x1234abcd;
  f.visible_mark = true;
  f.front_end = "c2pa_test";
  f.title = "a red ball bounces";
  return f;
}

// c2pa-rs's reading of a file (tests/safety/c2pa/read_manifest.mjs); installed by cmake/setup.sh.
Json c2pa_rs(const fs::path& file) {
  const std::string script = KINEMA_C2PA_SCRIPT;
  if (!fs::exists(fs::path(script).parent_path() / "node_modules" / "@contentauth" / "c2pa-wasm"))
    throw std::runtime_error("@contentauth/c2pa-wasm is not installed beside " + script + ": run cmake/setup.sh");
  return Json::parse(run_command(std::string(KINEMA_NODE) + " " + shell_quote(script) + " " + shell_quote(file.string())));
}

bool has_code(const Json& reading, const std::string& list, const std::string& code) {
  const Json* results = reading.contains("results") && reading["results"].is_object() ? &reading["results"] : nullptr;
  if (!results || !results->contains("activeManifest")) return false;
  for (const auto& item : (*results)["activeManifest"].value(list, Json::array()))
    if (item.value("code", "") == code) return true;
  return false;
}

class C2pa : public ::testing::Test {
 protected:
  void SetUp() override {
    media::write_mp4(media::testing::pattern_clip(64, 48, 12, 12), dir / "plain.mp4");
    plain = read_bytes(dir / "plain.mp4");
  }
  kinema::testing::TempDir dir;
  Bytes plain;
  SigningIdentity signer = SigningIdentity::open(dir / "signing");
};

TEST_F(C2pa, ManifestBoxSitsAfterFtypBeforeMoov) {
  const Bytes signed_file = c2pa::sign_mp4(plain, facts(), signer);
  const auto boxes = bmff::top_level_boxes(signed_file);
  ASSERT_GE(boxes.size(), 3u);
  EXPECT_EQ(boxes[0].type, "ftyp");
  EXPECT_EQ(boxes[1].type, "uuid");
  EXPECT_EQ(boxes[1].user_type, bmff::kC2paUuid);
  EXPECT_EQ(boxes[2].type, "moov");
}

TEST_F(C2pa, OwnCheckerFindsSignedFileValidAndTrusted) {
  const Bytes signed_file = c2pa::sign_mp4(plain, facts(), signer);
  const auto check = c2pa::check_mp4(signed_file, signer.root_certificate());
  EXPECT_TRUE(check.present);
  EXPECT_TRUE(check.valid) << check.problems.front();
  EXPECT_TRUE(check.trusted);
  EXPECT_FALSE(check.tampered);
  EXPECT_TRUE(check.kinema_generated());
  EXPECT_EQ(check.claim["kinema"]["model"], "kinema-test");
  EXPECT_EQ(check.claim["kinema"]["generation_id"], "1234abcd");
}

TEST_F(C2pa, PlainFileHasNoManifest) {
  const auto check = c2pa::check_mp4(plain, signer.root_certificate());
  EXPECT_FALSE(check.present);
  EXPECT_FALSE(check.valid);
}

TEST_F(C2pa, AnotherUsersRootDoesNotTrustTheSigner) {
  const SigningIdentity other = SigningIdentity::open(dir / "other-signing");
  const auto check = c2pa::check_mp4(c2pa::sign_mp4(plain, facts(), signer), other.root_certificate());
  EXPECT_TRUE(check.valid);
  EXPECT_FALSE(check.trusted);
}

TEST_F(C2pa, FfprobeStillReadsTheSignedFile) {
  write_bytes(dir / "signed.mp4", c2pa::sign_mp4(plain, facts(), signer));
  const Json before = media::testing::ffprobe(dir / "plain.mp4");
  const Json after = media::testing::ffprobe(dir / "signed.mp4");
  ASSERT_EQ(before["streams"].size(), after["streams"].size());
  for (size_t i = 0; i < before["streams"].size(); ++i) {
    EXPECT_EQ(before["streams"][i]["codec_name"], after["streams"][i]["codec_name"]);
    EXPECT_EQ(before["streams"][i]["nb_read_frames"], after["streams"][i]["nb_read_frames"]);
  }
  // The decoded pictures are the same: the chunk offsets were moved with the inserted box.
  const std::string md5 = "ffmpeg -v error -i %s -map 0:v -f md5 -";
  char a[512], b[512];
  std::snprintf(a, sizeof a, md5.c_str(), shell_quote((dir / "plain.mp4").string()).c_str());
  std::snprintf(b, sizeof b, md5.c_str(), shell_quote((dir / "signed.mp4").string()).c_str());
  EXPECT_EQ(run_command(a), run_command(b));
}

TEST_F(C2pa, ReferenceImplementationValidatesHashAndSignature) {
  write_bytes(dir / "signed.mp4", c2pa::sign_mp4(plain, facts(), signer));
  const Json reading = c2pa_rs(dir / "signed.mp4");
  ASSERT_TRUE(reading["ok"].get<bool>()) << reading.dump();
  // Our root is not on c2pa-rs's trust list: "Valid", not "Trusted", is what a third party should see.
  EXPECT_EQ(reading["state"], "Valid") << reading.dump(2);
  EXPECT_TRUE(has_code(reading, "success", "assertion.bmffHash.match")) << reading.dump(2);
  EXPECT_TRUE(has_code(reading, "success", "claimSignature.validated")) << reading.dump(2);
  EXPECT_TRUE(has_code(reading, "failure", "signingCredential.untrusted")) << reading.dump(2);
  for (const auto& failure : reading["results"]["activeManifest"].value("failure", Json::array()))
    EXPECT_EQ(failure.value("code", ""), "signingCredential.untrusted") << failure.dump();
}

TEST_F(C2pa, ReferenceImplementationReadsTheCreatedAction) {
  write_bytes(dir / "signed.mp4", c2pa::sign_mp4(plain, facts(), signer));
  const Json manifest = c2pa_rs(dir / "signed.mp4")["manifest"];
  bool found = false;
  for (const auto& assertion : manifest["assertions"]) {
    if (assertion["label"] != "c2pa.actions.v2") continue;
    const Json& created = assertion["data"]["actions"][0];
    EXPECT_EQ(created["action"], "c2pa.created");
    EXPECT_EQ(created["digitalSourceType"], c2pa::kTrainedAlgorithmicMedia);
    EXPECT_EQ(created["softwareAgent"]["name"], "Kinema model kinema-test");
    EXPECT_EQ(created["softwareAgent"]["version"], "0.3");
    found = true;
  }
  EXPECT_TRUE(found) << manifest.dump(2);
}

TEST_F(C2pa, ReferenceImplementationFindsNoManifestInPlainFile) {
  const Json reading = c2pa_rs(dir / "plain.mp4");
  EXPECT_FALSE(reading["ok"].get<bool>());
  EXPECT_NE(reading["error"].get<std::string>().find("JumbfNotFound"), std::string::npos) << reading.dump();
}

// A byte in the middle of the 'mdat' payload is picture (or sound) data: changing it is tampering.
TEST_F(C2pa, ChangedPictureByteIsTamperingForBothCheckers) {
  Bytes file = c2pa::sign_mp4(plain, facts(), signer);
  const auto boxes = bmff::top_level_boxes(file);
  const auto mdat = std::find_if(boxes.begin(), boxes.end(), [](const bmff::Box& b) { return b.type == "mdat"; });
  ASSERT_NE(mdat, boxes.end());
  file[mdat->offset + mdat->header + (mdat->size - mdat->header) / 2] ^= 0x01;
  write_bytes(dir / "tampered.mp4", file);

  const auto ours = c2pa::check_mp4(file, signer.root_certificate());
  EXPECT_TRUE(ours.present);
  EXPECT_FALSE(ours.valid);
  EXPECT_TRUE(ours.tampered);

  const Json reading = c2pa_rs(dir / "tampered.mp4");
  ASSERT_TRUE(reading["ok"].get<bool>()) << reading.dump();
  EXPECT_EQ(reading["state"], "Invalid");
  EXPECT_TRUE(has_code(reading, "failure", "assertion.bmffHash.mismatch")) << reading.dump(2);
}

// What users get: a file written by export_clip (visible mark, watermark, metadata, manifest), as `kinema
// generate` and the studio's export write it, is valid for c2pa-rs too, and tampering with it is caught.
TEST_F(C2pa, ReferenceImplementationValidatesAnExportedClipAndCatchesTampering) {
  ExportOptions options;
  options.signing_dir = dir / "signing";
  export_clip(media::testing::pattern_clip(128, 128, 12, 24), dir / "exported.mp4", facts(), options);
  const Json reading = c2pa_rs(dir / "exported.mp4");
  ASSERT_TRUE(reading["ok"].get<bool>()) << reading.dump();
  EXPECT_EQ(reading["state"], "Valid") << reading.dump(2);
  EXPECT_TRUE(has_code(reading, "success", "assertion.bmffHash.match")) << reading.dump(2);
  EXPECT_TRUE(has_code(reading, "success", "claimSignature.validated")) << reading.dump(2);

  Bytes file = read_bytes(dir / "exported.mp4");
  const auto boxes = bmff::top_level_boxes(file);
  const auto mdat = std::find_if(boxes.begin(), boxes.end(), [](const bmff::Box& b) { return b.type == "mdat"; });
  ASSERT_NE(mdat, boxes.end());
  file[mdat->offset + mdat->header + (mdat->size - mdat->header) / 3] ^= 0x01;
  write_bytes(dir / "exported-tampered.mp4", file);
  const Json tampered = c2pa_rs(dir / "exported-tampered.mp4");
  ASSERT_TRUE(tampered["ok"].get<bool>()) << tampered.dump();
  EXPECT_EQ(tampered["state"], "Invalid");
  EXPECT_TRUE(has_code(tampered, "failure", "assertion.bmffHash.mismatch")) << tampered.dump(2);
  EXPECT_TRUE(c2pa::check_mp4(file, signer.root_certificate()).tampered);
}

TEST_F(C2pa, ChangedClaimByteBreaksTheSignature) {
  Bytes file = c2pa::sign_mp4(plain, facts(), signer);
  const auto box = bmff::find_manifest_box(file);
  ASSERT_TRUE(box);
  // The claim's title text sits inside the store; flip one of its letters.
  const std::string title = "a red ball bounces";
  const auto at = std::search(file.begin(), file.end(), title.begin(), title.end());
  ASSERT_NE(at, file.end());
  *at = 'A';
  const auto check = c2pa::check_mp4(file, signer.root_certificate());
  EXPECT_FALSE(check.valid);
  EXPECT_TRUE(check.tampered);
}

TEST_F(C2pa, SigningTwiceIsRefused) {
  const Bytes once = c2pa::sign_mp4(plain, facts(), signer);
  EXPECT_THROW(c2pa::sign_mp4(once, facts(), signer), Error);
}

}  // namespace
}  // namespace kinema::safety
