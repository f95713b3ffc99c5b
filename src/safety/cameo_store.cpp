// The cameo store: files under the user's config folder, and the one-file export/import format.
#include "safety/cameo_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/log.h"
#include "safety/content_policy.h"

namespace kinema::safety {
namespace fs = std::filesystem;

namespace {

// A public figure on the shipped names list cannot be a cameo: Kinema has no way to check that whoever makes
// or passes on such a cameo is that person, so it would turn the names list off for anyone who typed the name.
void require_not_public_figure(const std::string& display_name, const std::string& where) {
  static const ContentPolicy shipped(ContentPolicy::builtin_sources());
  const ContentMatch m = shipped.check(display_name);
  if (m.refused && !m.person.empty())
    fail(ErrorKind::refused, where + "'" + display_name + "' names " + m.person +
                                 ", a public figure on Kinema's list: a public figure's likeness cannot be a cameo");
}

constexpr uintmax_t kMaxReferenceBytes = 32u << 20;

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(ErrorKind::io, "cannot read " + path.string());
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

void write_bytes(const fs::path& path, const std::string& bytes) { write_file_atomically(path, bytes.data(), bytes.size()); }

// Writes a file only its owner can read, without replacing one that is there (two processes racing to make
// the key pair both end up with the one that was linked first).
bool create_private_file(const fs::path& path, const std::string& bytes) {
  const fs::path temp = path.string() + ".tmp" + std::to_string(::getpid());
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) fail(ErrorKind::io, "cannot write " + temp.string());
  const bool written = ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!written) {
    ::unlink(temp.c_str());
    fail(ErrorKind::io, "cannot write " + temp.string());
  }
  const bool linked = ::link(temp.c_str(), path.c_str()) == 0;
  ::unlink(temp.c_str());
  return linked;
}

std::string lower_extension(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const bool plain = ext.size() > 1 && ext.size() <= 6 &&
                     std::all_of(ext.begin() + 1, ext.end(), [](unsigned char c) { return std::isalnum(c); });
  return plain ? ext : ".img";
}

Json read_json_or_fail(const fs::path& path) { return read_json_file(path); }

}  // namespace

fs::path user_config_dir() {
  if (const char* dir = std::getenv("KINEMA_CONFIG_DIR"); dir && *dir) return dir;
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) return fs::path(xdg) / "kinema";
  if (const char* home = std::getenv("HOME"); home && *home) return fs::path(home) / ".config" / "kinema";
  fail(ErrorKind::io, "no config folder: set KINEMA_CONFIG_DIR, XDG_CONFIG_HOME or HOME");
}

bool valid_cameo_name(const std::string& name) {
  return !name.empty() && name.size() <= 32 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

CameoStore::CameoStore(fs::path config_dir) : dir_(std::move(config_dir)) {}

KeyPair CameoStore::identity() const {
  const fs::path folder = dir_ / "identity";
  const fs::path file = folder / "ed25519.pem";
  std::error_code ec;
  if (!fs::exists(file, ec)) {
    fs::create_directories(folder, ec);
    if (ec) fail(ErrorKind::io, "cannot make " + folder.string() + ": " + ec.message());
    fs::permissions(folder, fs::perms::owner_all, fs::perm_options::replace, ec);
    if (create_private_file(file, KeyPair::generate().to_pem()))
      logger("safety")->info("made a new key pair in {}", file.string());
  }
  try {
    return KeyPair::from_pem(read_bytes(file));
  } catch (const Error& e) {
    fail(ErrorKind::format, file.string() + ": " + e.what());
  }
}

PublicKey CameoStore::public_key() const { return identity().public_key(); }

fs::path CameoStore::cameo_dir(const std::string& name) const { return dir_ / "cameos" / name; }

void CameoStore::store_cameo(const Cameo& cameo, const std::vector<std::string>& reference_bytes) {
  const fs::path folder = cameo_dir(cameo.name);
  std::error_code ec;
  fs::create_directories(folder / "grants", ec);
  if (ec) fail(ErrorKind::io, "cannot make " + folder.string() + ": " + ec.message());
  for (size_t i = 0; i < cameo.references.size(); ++i) write_bytes(folder / cameo.references[i], reference_bytes[i]);
  write_json_file(folder / "cameo.json", to_json(cameo));
}

void CameoStore::store_grant(const Cameo& cameo, const Grant& grant) {
  write_json_file(cameo_dir(cameo.name) / "grants" / (grant.id + ".json"), to_json(grant));
}

void CameoStore::store_revocation(const Revocation& revocation) {
  std::error_code ec;
  fs::create_directories(dir_ / "revocations", ec);
  if (ec) fail(ErrorKind::io, "cannot make " + (dir_ / "revocations").string() + ": " + ec.message());
  write_json_file(dir_ / "revocations" / (revocation.id + ".json"), to_json(revocation));
}

Cameo CameoStore::create(const std::string& name, const std::string& display_name, const std::vector<fs::path>& images) {
  if (!valid_cameo_name(name))
    fail(ErrorKind::invalid_input, "'" + name + "' is not a cameo name: use 1-32 of a-z, 0-9, _ and -");
  if (display_name.find_first_not_of(" \t") == std::string::npos)
    fail(ErrorKind::invalid_input, "a cameo needs a display name (the person it shows)");
  if (images.empty()) fail(ErrorKind::invalid_input, "a cameo needs at least one reference image");
  require_not_public_figure(display_name, "refused (cameo): the display name ");
  if (find(name)) fail(ErrorKind::invalid_input, "a cameo named @" + name + " exists already");
  std::vector<std::string> bytes;
  Cameo cameo;
  for (size_t i = 0; i < images.size(); ++i) {
    std::error_code ec;
    const auto size = fs::file_size(images[i], ec);
    if (ec) fail(ErrorKind::io, "cannot read " + images[i].string());
    if (size == 0 || size > kMaxReferenceBytes)
      fail(ErrorKind::invalid_input, images[i].string() + ": a reference image must be 1 byte to 32 MiB");
    bytes.push_back(read_bytes(images[i]));
    cameo.references.push_back("reference-" + std::to_string(i + 1) + lower_extension(images[i]));
  }
  const KeyPair me = identity();
  cameo.name = name;
  cameo.display_name = display_name;
  cameo.owner = me.public_key();
  cameo.hash = references_hash(bytes);
  cameo.created = format_time(std::chrono::system_clock::now());
  sign(cameo, me);
  if (const auto same = find_by_hash(cameo.hash))
    fail(ErrorKind::invalid_input, "these reference images are cameo @" + same->name + " already");
  store_cameo(cameo, bytes);
  return cameo;
}

std::vector<Cameo> CameoStore::list() const {
  std::vector<Cameo> cameos;
  std::error_code ec;
  if (!fs::is_directory(dir_ / "cameos", ec)) return cameos;
  for (const auto& entry : fs::directory_iterator(dir_ / "cameos", ec)) {
    const fs::path record = entry.path() / "cameo.json";
    if (!fs::is_regular_file(record, ec)) continue;
    Cameo cameo = cameo_from_json(read_json_or_fail(record), record.string());
    cameo.name = entry.path().filename().string();  // the folder is the handle
    cameos.push_back(std::move(cameo));
  }
  std::sort(cameos.begin(), cameos.end(), [](const Cameo& a, const Cameo& b) { return a.name < b.name; });
  return cameos;
}

std::optional<Cameo> CameoStore::find(const std::string& name) const {
  if (!valid_cameo_name(name)) return std::nullopt;
  const fs::path record = cameo_dir(name) / "cameo.json";
  std::error_code ec;
  if (!fs::is_regular_file(record, ec)) return std::nullopt;
  Cameo cameo = cameo_from_json(read_json_or_fail(record), record.string());
  cameo.name = name;
  return cameo;
}

std::optional<Cameo> CameoStore::find_by_hash(const std::string& hash) const {
  for (auto& cameo : list())
    if (cameo.hash == hash) return cameo;
  return std::nullopt;
}

Cameo CameoStore::get(const std::string& name) const {
  auto cameo = find(name);
  if (!cameo) fail(ErrorKind::invalid_input, "there is no cameo named @" + name + " (kinema cameo list shows yours)");
  return *cameo;
}

std::vector<fs::path> CameoStore::reference_paths(const Cameo& cameo) const {
  std::vector<fs::path> paths;
  for (const auto& file : cameo.references) paths.push_back(cameo_dir(cameo.name) / file);
  return paths;
}

std::string CameoStore::references_hash_on_disk(const Cameo& cameo) const {
  std::vector<std::string> bytes;
  for (const auto& path : reference_paths(cameo)) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) return {};
    bytes.push_back(read_bytes(path));
  }
  return references_hash(bytes);
}

std::vector<Grant> CameoStore::grants(const Cameo& cameo) const {
  std::vector<Grant> out;
  std::error_code ec;
  const fs::path folder = cameo_dir(cameo.name) / "grants";
  if (!fs::is_directory(folder, ec)) return out;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(folder, ec))
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    try {
      out.push_back(grant_from_json(read_json_file(file), file.string()));
    } catch (const Error& e) {
      // A grant file that no longer parses was altered: it stays as a grant that cannot verify.
      logger("safety")->warn("{}", e.what());
      Grant broken;
      broken.id = file.stem().string();
      broken.cameo_hash = cameo.hash;
      broken.owner = cameo.owner;
      out.push_back(std::move(broken));
    }
  }
  return out;
}

std::vector<Revocation> CameoStore::revocations() const {
  std::vector<Revocation> out;
  std::error_code ec;
  if (!fs::is_directory(dir_ / "revocations", ec)) return out;
  for (const auto& entry : fs::directory_iterator(dir_ / "revocations", ec)) {
    if (entry.path().extension() != ".json") continue;
    try {
      out.push_back(revocation_from_json(read_json_file(entry.path()), entry.path().string()));
    } catch (const Error& e) {
      logger("safety")->warn("ignoring {}", e.what());
    }
  }
  return out;
}

Grant CameoStore::grant(const std::string& name, const PublicKey& grantee, const std::vector<Use>& uses, TimePoint expires) {
  const Cameo cameo = get(name);
  const KeyPair me = identity();
  if (!(cameo.owner == me.public_key()))
    fail(ErrorKind::invalid_input, "@" + name + " is not your cameo: only its owner can grant its use");
  if (uses.empty()) fail(ErrorKind::invalid_input, "a grant needs at least one use (generate, export)");
  auto issued = std::chrono::system_clock::now();
  // A grant made after a revocation restores the use: keep it strictly later than any that would cover it.
  Grant grant;
  grant.id = random_id();
  grant.cameo_hash = cameo.hash;
  grant.owner = cameo.owner;
  grant.grantee = grantee;
  for (const auto& revocation : revocations()) {
    grant.issued = format_time(issued);
    if (revocation.grant_id.empty() && revocation.covers(grant))
      issued = std::max(issued, parse_time(revocation.revoked) + std::chrono::seconds(1));
  }
  if (expires <= issued) fail(ErrorKind::invalid_input, "a grant must expire in the future");
  grant.issued = format_time(issued);
  grant.expires = format_time(expires);
  for (Use use : uses) grant.uses.emplace_back(use_name(use));
  std::sort(grant.uses.begin(), grant.uses.end());
  grant.uses.erase(std::unique(grant.uses.begin(), grant.uses.end()), grant.uses.end());
  sign(grant, me);
  store_grant(cameo, grant);
  return grant;
}

Revocation CameoStore::revoke(const std::string& name, const std::optional<PublicKey>& grantee, const std::string& grant_id) {
  const Cameo cameo = get(name);
  const KeyPair me = identity();
  if (!(cameo.owner == me.public_key()))
    fail(ErrorKind::invalid_input, "@" + name + " is not your cameo: only its owner can revoke grants");
  if (!grant_id.empty()) {
    const auto all = grants(cameo);
    if (std::none_of(all.begin(), all.end(), [&](const Grant& g) { return g.id == grant_id; }))
      fail(ErrorKind::invalid_input, "@" + name + " has no grant " + grant_id);
  }
  Revocation revocation;
  revocation.id = random_id();
  revocation.cameo_hash = cameo.hash;
  revocation.grant_id = grant_id;
  revocation.grantee = grantee ? grantee->text() : "";
  revocation.owner = cameo.owner;
  revocation.revoked = format_time(std::chrono::system_clock::now());
  sign(revocation, me);
  store_revocation(revocation);
  return revocation;
}

void CameoStore::export_cameo(const std::string& name, const fs::path& file, const std::optional<PublicKey>& only_for) const {
  const Cameo cameo = get(name);
  Json references = Json::array();
  const auto paths = reference_paths(cameo);
  for (size_t i = 0; i < paths.size(); ++i)
    references.push_back({{"file", cameo.references[i]}, {"data", to_base64url(read_bytes(paths[i]))}});
  Json grants_json = Json::array();
  for (const auto& grant : grants(cameo))
    if (!only_for || grant.grantee == *only_for) grants_json.push_back(to_json(grant));
  Json revocations_json = Json::array();
  for (const auto& revocation : revocations())
    if (revocation.cameo_hash == cameo.hash && revocation.owner == cameo.owner) revocations_json.push_back(to_json(revocation));
  write_json_file(file, Json{{"format", "kinema-cameo"},
                             {"version", 1},
                             {"cameo", to_json(cameo)},
                             {"references", references},
                             {"grants", grants_json},
                             {"revocations", revocations_json}});
}

void CameoStore::export_revocations(const fs::path& file) const {
  const PublicKey me = public_key();
  Json list = Json::array();
  for (const auto& revocation : revocations())
    if (revocation.owner == me) list.push_back(to_json(revocation));
  write_json_file(file, Json{{"format", "kinema-revocations"}, {"version", 1}, {"revocations", list}});
}

ImportSummary CameoStore::import_file(const fs::path& file, const std::string& rename) {
  const Json json = read_json_file(file);
  const std::string where = file.string();
  const std::string format = json.is_object() ? json.value("format", "") : "";
  const auto list_of = [&](const char* key) -> const Json& {
    if (!json.contains(key) || !json.at(key).is_array()) fail(ErrorKind::format, where + ": '" + key + "' must be a list");
    return json.at(key);
  };
  const auto verified_revocations = [&](const std::optional<PublicKey>& owner) {
    std::vector<Revocation> out;
    for (const auto& item : list_of("revocations")) {
      Revocation r = revocation_from_json(item, where + ": revocation");
      if (!signature_valid(r) || (owner && !(r.owner == *owner)))
        fail(ErrorKind::format, where + ": revocation " + r.id + " is not signed by its owner; nothing was imported");
      out.push_back(std::move(r));
    }
    return out;
  };

  ImportSummary summary;
  if (format == "kinema-revocations") {
    summary.kind = "revocations";
    for (const auto& r : verified_revocations(std::nullopt)) {
      store_revocation(r);
      ++summary.revocations;
    }
    return summary;
  }
  if (format != "kinema-cameo") fail(ErrorKind::format, where + ": not a Kinema cameo or revocation list");

  summary.kind = "cameo";
  if (!json.contains("cameo")) fail(ErrorKind::format, where + ": 'cameo' is missing");
  Cameo cameo = cameo_from_json(json.at("cameo"), where + ": cameo");
  require_not_public_figure(cameo.display_name, "refused (cameo): " + where + ": the display name ");
  std::vector<std::string> bytes;
  const Json& references = list_of("references");
  if (references.size() != cameo.references.size())
    fail(ErrorKind::format, where + ": the file holds " + std::to_string(references.size()) + " images, the record lists " +
                                std::to_string(cameo.references.size()));
  for (size_t i = 0; i < references.size(); ++i) {
    if (!references[i].is_object() || references[i].value("file", "") != cameo.references[i])
      fail(ErrorKind::format, where + ": reference " + std::to_string(i + 1) + " does not match the record");
    bytes.push_back(from_base64url(references[i].value("data", "")));
  }
  if (references_hash(bytes) != cameo.hash)
    fail(ErrorKind::format, where + ": the reference images were changed after the owner signed them; nothing was imported");
  if (!signature_valid(cameo))
    fail(ErrorKind::format, where + ": the cameo is not signed by its owner's key; nothing was imported");

  std::vector<Grant> grants_in;
  for (const auto& item : list_of("grants")) {
    Grant g = grant_from_json(item, where + ": grant");
    if (g.cameo_hash != cameo.hash || !(g.owner == cameo.owner) || !signature_valid(g))
      fail(ErrorKind::format, where + ": grant " + g.id + " is not signed by the cameo's owner; nothing was imported");
    grants_in.push_back(std::move(g));
  }
  const auto revocations_in = verified_revocations(cameo.owner);

  // Where it goes: beside the same cameo if this user has it, else under its handle (or the new one).
  if (auto existing = find_by_hash(cameo.hash)) {
    cameo.name = existing->name;
  } else {
    cameo.name = rename.empty() ? cameo.name : rename;
    if (!valid_cameo_name(cameo.name))
      fail(ErrorKind::invalid_input, "'" + cameo.name + "' is not a cameo name: import it with --as NAME");
    if (find(cameo.name))
      fail(ErrorKind::invalid_input, "another cameo is already named @" + cameo.name + ": import it with --as NAME");
    store_cameo(cameo, bytes);
  }
  summary.cameo = cameo.name;
  const PublicKey me = public_key();
  for (const auto& g : grants_in) {
    store_grant(cameo, g);
    ++(g.grantee == me ? summary.grants_for_you : summary.grants_other);
  }
  for (const auto& r : revocations_in) {
    store_revocation(r);
    ++summary.revocations;
  }
  return summary;
}

CameoStatus CameoStore::status(const Cameo& cameo, Use use, TimePoint now) const {
  return check_cameo(cameo, references_hash_on_disk(cameo), grants(cameo), revocations(), public_key(), use, now);
}

}  // namespace kinema::safety
