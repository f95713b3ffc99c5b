// Tests of cameos (src/safety/cameo*.cpp): two users, each with their own key store, pass a cameo and its
// grant between them; every way a grant can fail is refused.
#include "safety/cameo_store.h"

#include <fstream>

#include <gtest/gtest.h>

#include "core/json.h"
#include "safety/content_screen.h"
#include "support/error_of.h"
#include "support/temp_dir.h"

namespace kinema::safety {
namespace {

namespace fs = std::filesystem;
using std::chrono::hours;
using Clock = std::chrono::system_clock;

void write_file(const fs::path& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string{std::istreambuf_iterator<char>(in), {}};
}

// Two users on one machine: Alice owns a cameo, Bob would like to use it.
class Cameos : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file(dir_ / "alice.ppm", "P6\n2 2\n255\n" + std::string(12, '\x7f'));
    alice_.create("alice", "Alice Example", {dir_ / "alice.ppm"});
  }

  // Alice grants Bob `uses` until `expires`, exports the cameo with the grant; Bob imports it.
  Grant share_with_bob(const std::vector<Use>& uses = {Use::generate, Use::export_clip},
                       Clock::time_point expires = Clock::now() + hours(24)) {
    const Grant grant = alice_.grant("alice", bob_.public_key(), uses, expires);
    alice_.export_cameo("alice", dir_ / "alice.kcameo");
    const ImportSummary summary = bob_.import_file(dir_ / "alice.kcameo");
    EXPECT_EQ(summary.cameo, "alice");
    EXPECT_GE(summary.grants_for_you, 1);
    return grant;
  }

  CameoStatus bob_status(Use use = Use::generate, Clock::time_point now = Clock::now()) {
    return bob_.status(bob_.get("alice"), use, now);
  }

  fs::path bob_grant_file() {
    for (const auto& entry : fs::directory_iterator(bob_.dir() / "cameos" / "alice" / "grants")) return entry.path();
    return {};
  }

  testing::TempDir dir_;
  CameoStore alice_{dir_ / "alice-config"};
  CameoStore bob_{dir_ / "bob-config"};
};

TEST(CameoKeys, SignAndVerifyWithEd25519) {
  const KeyPair key = KeyPair::generate();
  const std::string signature = key.sign("hello");
  EXPECT_EQ(signature.size(), 64u);
  EXPECT_TRUE(verify_signature(key.public_key(), "hello", signature));
  EXPECT_FALSE(verify_signature(key.public_key(), "hellO", signature));
  EXPECT_FALSE(verify_signature(KeyPair::generate().public_key(), "hello", signature));
  const KeyPair reloaded = KeyPair::from_pem(key.to_pem());
  EXPECT_EQ(reloaded.public_key(), key.public_key());
  EXPECT_EQ(PublicKey::parse(key.public_key().text()), key.public_key());
}

TEST(CameoKeys, TheKeyPairIsMadeOnceAndReadableOnlyByItsOwner) {
  testing::TempDir dir;
  const CameoStore store(dir.path());
  const PublicKey first = store.public_key();
  EXPECT_EQ(CameoStore(dir.path()).public_key(), first);
  const auto perms = fs::status(dir / "identity" / "ed25519.pem").permissions();
  EXPECT_EQ(perms & (fs::perms::group_all | fs::perms::others_all), fs::perms::none);
}

TEST(CameoKeys, ConfigFolderComesFromTheEnvironment) {
  ::setenv("KINEMA_CONFIG_DIR", "/tmp/kinema-config-test", 1);
  EXPECT_EQ(user_config_dir(), fs::path("/tmp/kinema-config-test"));
  ::unsetenv("KINEMA_CONFIG_DIR");
  ::setenv("XDG_CONFIG_HOME", "/tmp/xdg", 1);
  EXPECT_EQ(user_config_dir(), fs::path("/tmp/xdg/kinema"));
  ::unsetenv("XDG_CONFIG_HOME");
}

TEST_F(Cameos, TheOwnerMayUseTheirOwnCameo) {
  const CameoStatus status = alice_.status(alice_.get("alice"), Use::generate);
  EXPECT_EQ(status.verdict, CameoVerdict::own);
  EXPECT_TRUE(status.allowed());
}

TEST_F(Cameos, AValidGrantAllowsTheGrantee) {
  share_with_bob();
  const CameoStatus status = bob_status();
  EXPECT_EQ(status.verdict, CameoVerdict::granted) << status.reason;
  EXPECT_TRUE(bob_status(Use::export_clip).allowed());
}

TEST_F(Cameos, NoGrantIsRefused) {
  alice_.export_cameo("alice", dir_ / "alice.kcameo");
  bob_.import_file(dir_ / "alice.kcameo");
  const CameoStatus status = bob_status();
  EXPECT_EQ(status.verdict, CameoVerdict::no_grant);
  EXPECT_NE(status.reason.find("no grant"), std::string::npos) << status.reason;
}

TEST_F(Cameos, AnExpiredGrantIsRefused) {
  share_with_bob({Use::generate}, Clock::now() + hours(1));
  EXPECT_TRUE(bob_status(Use::generate, Clock::now()).allowed());
  const CameoStatus later = bob_status(Use::generate, Clock::now() + hours(2));
  EXPECT_EQ(later.verdict, CameoVerdict::expired);
  EXPECT_NE(later.reason.find("expired"), std::string::npos);
}

TEST_F(Cameos, ARevokedGrantIsRefusedOnceTheRevocationIsImported) {
  const Grant grant = share_with_bob();
  alice_.revoke("alice", bob_.public_key(), "");
  alice_.export_revocations(dir_ / "revoked.json");
  EXPECT_TRUE(bob_status().allowed()) << "Bob has not heard of it yet";
  EXPECT_EQ(bob_.import_file(dir_ / "revoked.json").revocations, 1);
  const CameoStatus status = bob_status();
  EXPECT_EQ(status.verdict, CameoVerdict::revoked);
  EXPECT_NE(status.reason.find("revoked"), std::string::npos);
  EXPECT_EQ(status.grant->id, grant.id);
  EXPECT_EQ(alice_.status(alice_.get("alice"), Use::generate).verdict, CameoVerdict::own);
}

TEST_F(Cameos, ANewGrantAfterARevocationRestoresTheUse) {
  share_with_bob();
  alice_.revoke("alice", std::nullopt, "");
  alice_.export_revocations(dir_ / "revoked.json");
  bob_.import_file(dir_ / "revoked.json");
  ASSERT_EQ(bob_status().verdict, CameoVerdict::revoked);
  share_with_bob();
  EXPECT_TRUE(bob_status().allowed()) << bob_status().reason;
}

TEST_F(Cameos, ATamperedGrantIsRefused) {
  share_with_bob({Use::generate}, Clock::now() + hours(1));
  Json grant = read_json_file(bob_grant_file());
  grant["expires"] = "2099-01-01T00:00:00Z";  // Bob extends his own grant
  write_json_file(bob_grant_file(), grant);
  const CameoStatus status = bob_status();
  EXPECT_EQ(status.verdict, CameoVerdict::tampered);
  EXPECT_NE(status.reason.find("signature"), std::string::npos) << status.reason;
}

TEST_F(Cameos, AGrantFileThatNoLongerParsesIsTampering) {
  share_with_bob();
  write_file(bob_grant_file(), "{ not json");
  EXPECT_EQ(bob_status().verdict, CameoVerdict::tampered);
}

TEST_F(Cameos, ChangedReferenceImagesAreTampering) {
  share_with_bob();
  const fs::path reference = bob_.reference_paths(bob_.get("alice")).front();
  std::string bytes = read_file(reference);
  bytes.back() ^= 1;
  write_file(reference, bytes);
  const CameoStatus status = bob_status();
  EXPECT_EQ(status.verdict, CameoVerdict::tampered);
  EXPECT_NE(status.reason.find("reference images were changed"), std::string::npos);
}

TEST_F(Cameos, AnEditedDisplayNameIsTampering) {
  share_with_bob();
  const fs::path record = bob_.dir() / "cameos" / "alice" / "cameo.json";
  Json json = read_json_file(record);
  json["display_name"] = "Someone Else";
  write_json_file(record, json);
  EXPECT_EQ(bob_status().verdict, CameoVerdict::tampered);
}

TEST_F(Cameos, AGrantForAnotherKeyIsRefused) {
  CameoStore carol(dir_ / "carol-config");
  alice_.grant("alice", carol.public_key(), {Use::generate}, Clock::now() + hours(24));
  alice_.export_cameo("alice", dir_ / "alice.kcameo");
  const ImportSummary summary = bob_.import_file(dir_ / "alice.kcameo");
  EXPECT_EQ(summary.grants_for_you, 0);
  EXPECT_EQ(summary.grants_other, 1);
  const CameoStatus status = bob_status();
  EXPECT_EQ(status.verdict, CameoVerdict::other_key);
  EXPECT_NE(status.reason.find("another key"), std::string::npos);
}

TEST_F(Cameos, AGrantForGenerationOnlyDoesNotAllowExport) {
  share_with_bob({Use::generate});
  EXPECT_TRUE(bob_status(Use::generate).allowed());
  EXPECT_EQ(bob_status(Use::export_clip).verdict, CameoVerdict::use_not_granted);
}

TEST_F(Cameos, OnlyTheOwnerCanGrantOrRevoke) {
  share_with_bob();
  CameoStore carol(dir_ / "carol-config");
  EXPECT_NE(testing::error_of([&] { bob_.grant("alice", carol.public_key(), {Use::generate}, Clock::now() + hours(1)); })
                .find("only its owner"),
            std::string::npos);
  EXPECT_NE(testing::error_of([&] { bob_.revoke("alice", std::nullopt, ""); }).find("only its owner"), std::string::npos);
}

TEST_F(Cameos, AForgedGrantInACameoFileStopsTheWholeImport) {
  // Bob signs a grant to himself with his own key and slips it into Alice's file.
  alice_.export_cameo("alice", dir_ / "alice.kcameo");
  Json file = read_json_file(dir_ / "alice.kcameo");
  Grant forged;
  forged.id = random_id();
  forged.cameo_hash = file["cameo"]["references_hash"];
  forged.owner = bob_.public_key();
  forged.grantee = bob_.public_key();
  forged.uses = {"generate"};
  forged.issued = format_time(Clock::now());
  forged.expires = format_time(Clock::now() + hours(5));
  sign(forged, bob_.identity());
  forged.owner = PublicKey::parse(file["cameo"]["owner"].get<std::string>());  // claims to be Alice's
  file["grants"].push_back(to_json(forged));
  write_json_file(dir_ / "forged.kcameo", file);
  EXPECT_NE(testing::error_of([&] { bob_.import_file(dir_ / "forged.kcameo"); }).find("not signed by the cameo's owner"),
            std::string::npos);
  EXPECT_FALSE(bob_.find("alice").has_value()) << "nothing was imported";
}

TEST_F(Cameos, ARevocationListNotSignedByItsOwnerIsNotImported) {
  share_with_bob();
  const Revocation revocation = alice_.revoke("alice", std::nullopt, "");
  alice_.export_revocations(dir_ / "revoked.json");
  Json list = read_json_file(dir_ / "revoked.json");
  list["revocations"][0]["revoked"] = "2000-01-01T00:00:00Z";
  write_json_file(dir_ / "revoked.json", list);
  EXPECT_NE(testing::error_of([&] { bob_.import_file(dir_ / "revoked.json"); }).find("not signed"), std::string::npos);
  EXPECT_TRUE(bob_status().allowed());
}

TEST_F(Cameos, ImportKeepsHandlesApartAndCanRename) {
  share_with_bob();
  write_file(dir_ / "other.ppm", "P6\n1 1\n255\nabc");
  CameoStore dave(dir_ / "dave-config");
  dave.create("alice", "Another Alice", {dir_ / "other.ppm"});
  dave.export_cameo("alice", dir_ / "dave.kcameo");
  EXPECT_NE(testing::error_of([&] { bob_.import_file(dir_ / "dave.kcameo"); }).find("--as"), std::string::npos);
  EXPECT_EQ(bob_.import_file(dir_ / "dave.kcameo", "alice2").cameo, "alice2");
  EXPECT_EQ(bob_.get("alice2").display_name, "Another Alice");
}

TEST_F(Cameos, CreateChecksNamesAndImages) {
  EXPECT_NE(testing::error_of([&] { alice_.create("Alice!", "A", {dir_ / "alice.ppm"}); }).find("not a cameo name"),
            std::string::npos);
  EXPECT_NE(testing::error_of([&] { alice_.create("bob", "B", {dir_ / "missing.png"}); }).find("cannot read"),
            std::string::npos);
  EXPECT_NE(testing::error_of([&] { alice_.create("alice", "A", {dir_ / "alice.ppm"}); }).find("exists already"),
            std::string::npos);
}

// The gate: a prompt that names @alice is allowed or refused before any work.
TEST_F(Cameos, APromptUsingACameoNeedsAValidGrant) {
  ScreenOptions bob;
  bob.config_dir = bob_.dir();
  const auto refused = screen_request("@alice walks on ice", "", bob);
  EXPECT_TRUE(refused.refused);
  EXPECT_EQ(refused.category, "cameo");
  EXPECT_NE(refused.reason.find("no cameo named @alice"), std::string::npos) << refused.reason;

  share_with_bob({Use::generate}, Clock::now() + hours(1));
  const auto allowed = screen_request("@alice walks on ice", "", bob);
  ASSERT_FALSE(allowed.refused) << allowed.reason;
  ASSERT_EQ(allowed.cameos.size(), 1u);
  EXPECT_EQ(allowed.cameos[0].display_name, "Alice Example");
  EXPECT_TRUE(fs::exists(allowed.cameos[0].reference));

  bob.now = Clock::now() + hours(2);
  const auto expired = screen_request("@alice walks on ice", "", bob);
  EXPECT_TRUE(expired.refused);
  EXPECT_NE(expired.reason.find("expired"), std::string::npos);
  EXPECT_THROW(require_allowed("@alice walks on ice", "", bob), Error);
}

TEST_F(Cameos, ExportNeedsAGrantForExport) {
  share_with_bob({Use::generate});
  ScreenOptions bob;
  bob.config_dir = bob_.dir();
  const std::string hash = bob_.get("alice").hash;
  EXPECT_NE(export_refusal({hash}, bob).find("not export"), std::string::npos);
  EXPECT_EQ(export_refusal({}, bob), "");
  share_with_bob({Use::generate, Use::export_clip});
  EXPECT_EQ(export_refusal({hash}, bob), "");
  EXPECT_NE(export_refusal({std::string(64, 'a')}, bob).find("no longer among your cameos"), std::string::npos);
}

TEST_F(Cameos, AGrantedCameoLetsThePromptNameThatPerson) {
  // A private person the user put on their own names list: named only with the cameo.
  write_file(alice_.dir() / "people.txt", "Jamie Okonkwo-Reyes | Jamie O\n");
  write_file(dir_ / "jamie.ppm", "P6\n1 1\n255\nxyz");
  alice_.create("jamie", "Jamie Okonkwo-Reyes", {dir_ / "jamie.ppm"});
  ScreenOptions as_alice;
  as_alice.config_dir = alice_.dir();
  EXPECT_FALSE(screen_request("@jamie, Jamie Okonkwo-Reyes, walks on ice", "", as_alice).refused);
  EXPECT_TRUE(screen_request("Jamie Okonkwo-Reyes walks on ice", "", as_alice).refused) << "named without the cameo";
}

TEST_F(Cameos, APublicFigureCannotBeMadeOrImportedAsACameo) {
  write_file(dir_ / "taylor.ppm", "P6\n1 1\n255\nxyz");
  try {
    alice_.create("taylor", "Taylor Swift", {dir_ / "taylor.ppm"});
    ADD_FAILURE() << "a cameo of a public figure was made";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::refused);
    EXPECT_NE(std::string(e.what()).find("public figure"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(alice_.find("taylor"));
  // Nor through a file made elsewhere: a cameo file's display name edited to a public figure is refused
  // (its signature no longer holds either, but the name is checked first and says why).
  write_file(dir_ / "tay.ppm", "P6\n1 1\n255\nabc");
  alice_.create("tay", "Tay", {dir_ / "tay.ppm"});
  alice_.export_cameo("tay", dir_ / "tay.kcameo", std::nullopt);
  std::string text = read_file(dir_ / "tay.kcameo");
  const auto at = text.find("\"Tay\"");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 5, "\"Taylor Swift\"");
  write_file(dir_ / "taylor.kcameo", text);
  try {
    bob_.import_file(dir_ / "taylor.kcameo", "");
    ADD_FAILURE() << "a cameo of a public figure was imported";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::refused) << e.what();
  }
}

TEST(CameoHandles, AreWordsStartingWithAnAt) {
  EXPECT_EQ(cameo_handles("@alice and @Bob_2 meet, mail me@example.com, @alice again"),
            (std::vector<std::string>{"alice", "bob_2"}));
}

TEST(Screen, NegativePromptsAreCheckedToo) {
  testing::TempDir config;
  ScreenOptions options;
  options.config_dir = config.path();
  const Screening s = screen_request("a red ball bounces", "a nude woman", options);
  EXPECT_TRUE(s.refused);
  EXPECT_EQ(s.category, "sexual");
  EXPECT_NE(s.reason.find("negative prompt"), std::string::npos) << s.reason;
  EXPECT_TRUE(screen_request("a little girl in a red dress", "nude", options).refused);
  EXPECT_FALSE(screen_request("a red ball bounces", "blurry, low quality", options).refused);
  options.guidance = 5.0;
  EXPECT_FALSE(screen_request("a red ball bounces", "nudity, gore", options).refused);
  EXPECT_TRUE(screen_request("a woman on the beach", "clothes", options).refused);
  options.guidance = 0.5;
  EXPECT_TRUE(screen_request("a red ball bounces", "nudity, gore", options).refused);
}

TEST(Screen, ARefusalNamesItsCategory) {
  testing::TempDir config;
  ScreenOptions options;
  options.config_dir = config.path();
  const Screening s = screen_request("Barack Obama dances", "", options);
  EXPECT_NE(s.reason.find("a real person named without a cameo grant"), std::string::npos) << s.reason;
  EXPECT_NE(s.reason.find("Barack Obama"), std::string::npos);
  EXPECT_FALSE(fs::exists(config / "identity")) << "a prompt without cameos makes no key";
}

}  // namespace
}  // namespace kinema::safety
