// The user's cameos on disk: their key pair, the cameos they made or imported with their grants, the
// revocations they issued or imported, and the one-file form a cameo travels in between two users.
//
//   <config>/identity/ed25519.pem         the user's private key (owner-only), made on first use
//   <config>/cameos/<name>/cameo.json     the signed cameo record; its reference images beside it
//   <config>/cameos/<name>/grants/*.json  grants for it (those the owner issued, or received)
//   <config>/revocations/*.json           signed revocations
//   <config>/people.txt                   the user's additions to the content rules' names list
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "safety/cameo.h"

namespace kinema::safety {

// Kinema's config folder: $KINEMA_CONFIG_DIR, else $XDG_CONFIG_HOME/kinema, else $HOME/.config/kinema.
// Throws kinema::Error (io) when none of these is set.
std::filesystem::path user_config_dir();

// What importing a file did.
struct ImportSummary {
  std::string kind;            // "cameo" or "revocations"
  std::string cameo;           // the handle it was stored under
  int grants_for_you = 0;      // grants in the file for this user's key
  int grants_other = 0;        // grants for other keys (kept: the owner's own store keeps what it issued)
  int revocations = 0;
};

class CameoStore {
 public:
  explicit CameoStore(std::filesystem::path config_dir);
  static CameoStore user() { return CameoStore(user_config_dir()); }
  const std::filesystem::path& dir() const { return dir_; }

  // The user's key pair, made (and written owner-only) on first use.
  KeyPair identity() const;
  PublicKey public_key() const;

  // A new cameo of the user's own: the images are copied in and hashed; the record is signed.
  // Names are 1-32 of a-z, 0-9, '_' and '-' (what follows '@' in a prompt).
  Cameo create(const std::string& name, const std::string& display_name,
               const std::vector<std::filesystem::path>& images);

  std::vector<Cameo> list() const;  // sorted by name
  std::optional<Cameo> find(const std::string& name) const;
  std::optional<Cameo> find_by_hash(const std::string& hash) const;
  Cameo get(const std::string& name) const;  // throws kinema::Error (invalid_input) naming the handle
  std::vector<std::filesystem::path> reference_paths(const Cameo& cameo) const;
  std::string references_hash_on_disk(const Cameo& cameo) const;  // empty when a reference is missing
  std::vector<Grant> grants(const Cameo& cameo) const;
  std::vector<Revocation> revocations() const;

  // Owner only: grants `grantee` the uses until `expires`; the grant is kept with the cameo.
  Grant grant(const std::string& name, const PublicKey& grantee, const std::vector<Use>& uses, TimePoint expires);
  // Owner only: revokes one grant (by id), every grant to one key, or (neither given) every grant of the cameo.
  Revocation revoke(const std::string& name, const std::optional<PublicKey>& grantee, const std::string& grant_id);

  // The cameo as one file (JSON): its record, its reference images, its grants (only those for `only_for` if
  // given) and its owner's revocations.
  void export_cameo(const std::string& name, const std::filesystem::path& file,
                    const std::optional<PublicKey>& only_for = std::nullopt) const;
  // The revocations this user issued, as one list file for the grantees to import.
  void export_revocations(const std::filesystem::path& file) const;
  // A cameo file or a revocation list. Every signature is checked before anything is written; a cameo whose
  // handle is taken by another cameo needs `rename`.
  ImportSummary import_file(const std::filesystem::path& file, const std::string& rename = {});

  // Whether this user may use the cameo now (signature, tampering, grant, expiry, revocation).
  CameoStatus status(const Cameo& cameo, Use use, TimePoint now = std::chrono::system_clock::now()) const;

 private:
  std::filesystem::path cameo_dir(const std::string& name) const;
  void store_cameo(const Cameo& cameo, const std::vector<std::string>& reference_bytes);
  void store_grant(const Cameo& cameo, const Grant& grant);
  void store_revocation(const Revocation& revocation);

  std::filesystem::path dir_;
};

// Whether `name` is a valid handle.
bool valid_cameo_name(const std::string& name);

}  // namespace kinema::safety
