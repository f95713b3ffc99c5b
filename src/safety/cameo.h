// Cameos: a likeness used only with its owner's consent. Ed25519 keys (OpenSSL), the signed records (the
// cameo, a grant, a revocation) and the check made at every generation and every export.
//
//   owner:   cameo = references (images) + display name + owner key, signed by the owner
//            grant = cameo hash + grantee key + uses + expiry, signed by the owner
//            revocation = cameo hash (+ one grant or one grantee), signed by the owner
//   grantee: check_cameo(cameo, hash of the references on disk, grants, revocations, my key, use, now)
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY

namespace kinema::safety {

using TimePoint = std::chrono::system_clock::time_point;

// "2025-06-01T12:00:00Z" (UTC, whole seconds); parse_time throws kinema::Error (format) on anything else.
std::string format_time(TimePoint time);
TimePoint parse_time(std::string_view text);

std::string sha256_hex(std::string_view bytes);
std::string to_base64url(std::string_view bytes);          // no padding
std::string from_base64url(std::string_view text);         // throws kinema::Error (format)
std::string random_id();                                    // 128 random bits, hex

// An Ed25519 public key. As text: "ed25519:" + base64url of its 32 bytes.
struct PublicKey {
  std::string bytes;

  std::string text() const;
  std::string fingerprint() const;  // "3f2a9c01 77d0e4b2": the start of SHA-256 of the key, for people to compare
  static PublicKey parse(std::string_view text);  // throws kinema::Error (invalid_input)
  bool operator==(const PublicKey&) const = default;
};

class KeyPair {
 public:
  static KeyPair generate();
  static KeyPair from_pem(const std::string& pem);  // PKCS#8 PEM; throws kinema::Error (format)
  KeyPair(KeyPair&&) noexcept;
  KeyPair& operator=(KeyPair&&) noexcept;
  ~KeyPair();

  std::string to_pem() const;
  PublicKey public_key() const;
  std::string sign(std::string_view message) const;  // 64-byte Ed25519 signature

 private:
  explicit KeyPair(evp_pkey_st* key);
  evp_pkey_st* key_ = nullptr;
};

bool verify_signature(const PublicKey& key, std::string_view message, std::string_view signature);

enum class Use { generate, export_clip };
std::string_view use_name(Use use);  // "generate", "export"
Use parse_use(std::string_view name);  // throws kinema::Error (invalid_input)

// The identity of a cameo: SHA-256 over the SHA-256 of each reference image, in order.
std::string references_hash(const std::vector<std::string>& reference_bytes);

struct Cameo {
  std::string name;          // the local handle a prompt uses (@name); not signed, so an importer may rename it
  std::string display_name;  // the person, as the owner names them
  PublicKey owner;
  std::string hash;          // references_hash() of the references
  std::string created;       // format_time()
  std::string signature;     // base64url: the owner's signature of statement()
  std::vector<std::string> references;  // file names of the reference images, in order

  std::string statement() const;  // the signed bytes
};

struct Grant {
  std::string id;
  std::string cameo_hash;
  PublicKey owner;
  PublicKey grantee;
  std::vector<std::string> uses;  // "generate", "export"
  std::string issued, expires;    // format_time()
  std::string signature;

  std::string statement() const;
  bool allows(Use use) const;
};

std::string joined_uses(const Grant& grant);  // "export, generate"

struct Revocation {
  std::string id;
  std::string cameo_hash;
  std::string grant_id;  // empty: every grant of the cameo (to `grantee` if set) issued before `revoked`
  std::string grantee;   // PublicKey::text(), or empty
  PublicKey owner;
  std::string revoked;   // format_time()
  std::string signature;

  std::string statement() const;
  bool covers(const Grant& grant) const;  // the same cameo and owner, the grant named or in scope, issued before
};

// Signing (the owner's key must be the record's owner).
void sign(Cameo& cameo, const KeyPair& owner);
void sign(Grant& grant, const KeyPair& owner);
void sign(Revocation& revocation, const KeyPair& owner);
bool signature_valid(const Cameo& cameo);
bool signature_valid(const Grant& grant);
bool signature_valid(const Revocation& revocation);

// JSON as files hold them; from_json throws kinema::Error (format) naming `where` and the key.
Json to_json(const Cameo& cameo);
Json to_json(const Grant& grant);
Json to_json(const Revocation& revocation);
Cameo cameo_from_json(const Json& json, const std::string& where);
Grant grant_from_json(const Json& json, const std::string& where);
Revocation revocation_from_json(const Json& json, const std::string& where);

enum class CameoVerdict {
  own,              // the user's own cameo
  granted,          // a valid grant for the user's key and this use
  no_grant,
  expired,
  not_yet_valid,
  revoked,
  tampered,         // references changed, or a record whose signature does not verify
  other_key,        // the grant is for someone else's key
  use_not_granted,  // e.g. granted for generation, not for export
};

struct CameoStatus {
  CameoVerdict verdict = CameoVerdict::no_grant;
  std::string reason;          // one line for the user; empty when allowed
  std::optional<Grant> grant;  // the grant that allows it, or the one the reason is about

  bool allowed() const { return verdict == CameoVerdict::own || verdict == CameoVerdict::granted; }
};

// Whether `me` may use the cameo for `use` at `now`. `references_hash_on_disk` is the hash of the reference
// images as they are now (a changed image is tampering). Only revocations signed by the cameo's owner count.
CameoStatus check_cameo(const Cameo& cameo, const std::string& references_hash_on_disk, const std::vector<Grant>& grants,
                        const std::vector<Revocation>& revocations, const PublicKey& me, Use use, TimePoint now);

}  // namespace kinema::safety
