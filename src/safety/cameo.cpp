// Cameo records, Ed25519 signatures through OpenSSL, and the consent check.
#include "safety/cameo.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>
#include <utility>

#include "core/error.h"

namespace kinema::safety {
namespace {

std::string openssl_error() {
  const unsigned long code = ERR_get_error();
  if (code == 0) return "no detail";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  ERR_clear_error();
  return text;
}

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

constexpr std::string_view kKeyPrefix = "ed25519:";
constexpr size_t kKeyBytes = 32, kSignatureBytes = 64;
constexpr char kBase64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string hex(const unsigned char* data, size_t size) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < size; ++i) {
    out += digits[data[i] >> 4];
    out += digits[data[i] & 15];
  }
  return out;
}

bool is_hex_hash(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

std::string join(const std::vector<std::string>& parts, char separator) {
  std::string out;
  for (const auto& part : parts) out += (out.empty() ? "" : std::string(1, separator)) + part;
  return out;
}

// A field of a signed statement may hold no line break, or two different records could sign the same bytes.
void require_one_line(const std::string& value, const std::string& what) {
  if (std::any_of(value.begin(), value.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; }))
    fail(ErrorKind::invalid_input, what + " may not contain control characters or line breaks");
}

std::string field(const Json& json, const char* key, const std::string& where) {
  if (!json.is_object() || !json.contains(key) || !json.at(key).is_string())
    fail(ErrorKind::format, where + ": '" + key + "' is missing or not text");
  return json.at(key).get<std::string>();
}

PublicKey key_field(const Json& json, const char* key, const std::string& where) {
  try {
    return PublicKey::parse(field(json, key, where));
  } catch (const Error& e) {
    fail(ErrorKind::format, where + ": '" + key + "': " + e.what());
  }
}

}  // namespace

std::string format_time(TimePoint time) {
  const std::time_t t = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

TimePoint parse_time(std::string_view text) {
  std::tm utc{};
  char z = 0;
  int consumed = 0;
  const std::string s(text);
  if (s.size() != 20 || std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c%n", &utc.tm_year, &utc.tm_mon, &utc.tm_mday,
                                    &utc.tm_hour, &utc.tm_min, &utc.tm_sec, &z, &consumed) != 7 ||
      z != 'Z' || consumed != 20 || utc.tm_mon < 1 || utc.tm_mon > 12 || utc.tm_mday < 1 || utc.tm_mday > 31 ||
      utc.tm_hour > 23 || utc.tm_min > 59 || utc.tm_sec > 60)
    fail(ErrorKind::format, "'" + s + "' is not a UTC time like 2025-06-01T12:00:00Z");
  utc.tm_year -= 1900;
  utc.tm_mon -= 1;
  return std::chrono::system_clock::from_time_t(timegm(&utc));
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr) != 1)
    fail(ErrorKind::internal, "SHA-256: " + openssl_error());
  return hex(digest, size);
}

std::string to_base64url(std::string_view bytes) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kBase64Url[(buffer >> bits) & 63];
    }
  }
  if (bits > 0) out += kBase64Url[(buffer << (6 - bits)) & 63];
  return out;
}

std::string from_base64url(std::string_view text) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const char* at = std::find(kBase64Url, kBase64Url + 64, c);
    if (at == kBase64Url + 64) fail(ErrorKind::format, "not base64url text");
    buffer = (buffer << 6) | static_cast<uint32_t>(at - kBase64Url);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  if (bits >= 6 || (buffer & ((1u << bits) - 1)) != 0) fail(ErrorKind::format, "not base64url text");
  return out;
}

std::string random_id() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) fail(ErrorKind::internal, "random bytes: " + openssl_error());
  return hex(bytes, sizeof bytes);
}

std::string PublicKey::text() const { return std::string(kKeyPrefix) + to_base64url(bytes); }

std::string PublicKey::fingerprint() const {
  const std::string digest = sha256_hex(bytes);
  return digest.substr(0, 8) + " " + digest.substr(8, 8);
}

PublicKey PublicKey::parse(std::string_view text) {
  if (text.substr(0, kKeyPrefix.size()) != kKeyPrefix)
    fail(ErrorKind::invalid_input, "a public key looks like ed25519:<43 characters>, not '" + std::string(text) + "'");
  PublicKey key;
  try {
    key.bytes = from_base64url(text.substr(kKeyPrefix.size()));
  } catch (const Error&) {
    fail(ErrorKind::invalid_input, "'" + std::string(text) + "' is not a valid public key");
  }
  if (key.bytes.size() != kKeyBytes) fail(ErrorKind::invalid_input, "'" + std::string(text) + "' is not 32 bytes long");
  return key;
}

KeyPair::KeyPair(evp_pkey_st* key) : key_(key) {}
KeyPair::KeyPair(KeyPair&& other) noexcept : key_(std::exchange(other.key_, nullptr)) {}
KeyPair& KeyPair::operator=(KeyPair&& other) noexcept {
  std::swap(key_, other.key_);
  return *this;
}
KeyPair::~KeyPair() { EVP_PKEY_free(key_); }

KeyPair KeyPair::generate() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (!key) fail(ErrorKind::internal, "OpenSSL could not make an Ed25519 key: " + openssl_error());
  return KeyPair(key);
}

KeyPair KeyPair::from_pem(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  EVP_PKEY* key = bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr;
  if (!key) fail(ErrorKind::format, "not a PEM private key: " + openssl_error());
  if (EVP_PKEY_get_id(key) != EVP_PKEY_ED25519) {
    EVP_PKEY_free(key);
    fail(ErrorKind::format, "the private key is not an Ed25519 key");
  }
  return KeyPair(key);
}

std::string KeyPair::to_pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key_, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    fail(ErrorKind::internal, "writing the private key: " + openssl_error());
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

PublicKey KeyPair::public_key() const {
  PublicKey key;
  key.bytes.resize(kKeyBytes);
  size_t size = kKeyBytes;
  if (EVP_PKEY_get_raw_public_key(key_, reinterpret_cast<unsigned char*>(key.bytes.data()), &size) != 1 || size != kKeyBytes)
    fail(ErrorKind::internal, "reading the public key: " + openssl_error());
  return key;
}

std::string KeyPair::sign(std::string_view message) const {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  std::string signature(kSignatureBytes, '\0');
  size_t size = signature.size();
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1 ||
      size != kSignatureBytes)
    fail(ErrorKind::internal, "signing: " + openssl_error());
  return signature;
}

bool verify_signature(const PublicKey& key, std::string_view message, std::string_view signature) {
  if (key.bytes.size() != kKeyBytes || signature.size() != kSignatureBytes) return false;
  EVP_PKEY* raw = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                              reinterpret_cast<const unsigned char*>(key.bytes.data()), kKeyBytes);
  if (!raw) {
    ERR_clear_error();
    return false;
  }
  const std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey(raw, &EVP_PKEY_free);
  MdCtxPtr ctx(EVP_MD_CTX_new());
  const bool ok = ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) == 1 &&
                  EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                                   reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  ERR_clear_error();
  return ok;
}

std::string_view use_name(Use use) { return use == Use::generate ? "generate" : "export"; }

Use parse_use(std::string_view name) {
  if (name == "generate") return Use::generate;
  if (name == "export") return Use::export_clip;
  fail(ErrorKind::invalid_input, "unknown use '" + std::string(name) + "' (generate or export)");
}

std::string references_hash(const std::vector<std::string>& reference_bytes) {
  std::string list = "kinema-cameo-references-v1\n";
  for (const auto& bytes : reference_bytes) list += sha256_hex(bytes) + "\n";
  return sha256_hex(list);
}

std::string Cameo::statement() const {
  return "kinema-cameo-v1\ndisplay_name=" + display_name + "\nowner=" + owner.text() + "\nreferences=" + hash +
         "\ncreated=" + created + "\n";
}

std::string Grant::statement() const {
  return "kinema-grant-v1\nid=" + id + "\ncameo=" + cameo_hash + "\nowner=" + owner.text() + "\ngrantee=" +
         grantee.text() + "\nuses=" + join(uses, ',') + "\nissued=" + issued + "\nexpires=" + expires + "\n";
}

std::string joined_uses(const Grant& grant) {
  std::string out;
  for (const auto& use : grant.uses) out += (out.empty() ? "" : ", ") + use;
  return out;
}

bool Grant::allows(Use use) const { return std::find(uses.begin(), uses.end(), use_name(use)) != uses.end(); }

std::string Revocation::statement() const {
  return "kinema-revocation-v1\nid=" + id + "\ncameo=" + cameo_hash + "\nowner=" + owner.text() + "\ngrant=" +
         grant_id + "\ngrantee=" + grantee + "\nrevoked=" + revoked + "\n";
}

bool Revocation::covers(const Grant& grant) const {
  if (grant.cameo_hash != cameo_hash || !(grant.owner == owner)) return false;
  if (!grant_id.empty()) return grant.id == grant_id;
  if (!grantee.empty() && grant.grantee.text() != grantee) return false;
  return parse_time(grant.issued) <= parse_time(revoked);  // a grant made after it restores the use
}

void sign(Cameo& cameo, const KeyPair& owner) {
  require_one_line(cameo.display_name, "a cameo's display name");
  if (!(owner.public_key() == cameo.owner)) fail(ErrorKind::invalid_input, "only the cameo's owner can sign it");
  cameo.signature = to_base64url(owner.sign(cameo.statement()));
}

void sign(Grant& grant, const KeyPair& owner) {
  if (!(owner.public_key() == grant.owner)) fail(ErrorKind::invalid_input, "only the cameo's owner can grant its use");
  for (const auto& use : grant.uses) parse_use(use);
  std::sort(grant.uses.begin(), grant.uses.end());
  grant.signature = to_base64url(owner.sign(grant.statement()));
}

void sign(Revocation& revocation, const KeyPair& owner) {
  if (!(owner.public_key() == revocation.owner)) fail(ErrorKind::invalid_input, "only the cameo's owner can revoke");
  revocation.signature = to_base64url(owner.sign(revocation.statement()));
}

namespace {

bool valid(const PublicKey& key, const std::string& statement, const std::string& signature) {
  try {
    return verify_signature(key, statement, from_base64url(signature));
  } catch (const Error&) {
    return false;
  }
}

}  // namespace

bool signature_valid(const Cameo& c) { return valid(c.owner, c.statement(), c.signature); }
bool signature_valid(const Grant& g) { return valid(g.owner, g.statement(), g.signature); }
bool signature_valid(const Revocation& r) { return valid(r.owner, r.statement(), r.signature); }

Json to_json(const Cameo& c) {
  return Json{{"format", "kinema-cameo-record"}, {"version", 1},        {"name", c.name},
              {"display_name", c.display_name},  {"owner", c.owner.text()}, {"references_hash", c.hash},
              {"created", c.created},            {"references", c.references}, {"signature", c.signature}};
}

Json to_json(const Grant& g) {
  return Json{{"format", "kinema-grant"},   {"version", 1},           {"id", g.id},
              {"cameo", g.cameo_hash},      {"owner", g.owner.text()}, {"grantee", g.grantee.text()},
              {"uses", g.uses},             {"issued", g.issued},      {"expires", g.expires},
              {"signature", g.signature}};
}

Json to_json(const Revocation& r) {
  return Json{{"format", "kinema-revocation"}, {"version", 1}, {"id", r.id}, {"cameo", r.cameo_hash},
              {"owner", r.owner.text()},       {"grant", r.grant_id}, {"grantee", r.grantee}, {"revoked", r.revoked},
              {"signature", r.signature}};
}

Cameo cameo_from_json(const Json& json, const std::string& where) {
  Cameo c;
  c.name = field(json, "name", where);
  c.display_name = field(json, "display_name", where);
  c.owner = key_field(json, "owner", where);
  c.hash = field(json, "references_hash", where);
  c.created = field(json, "created", where);
  c.signature = field(json, "signature", where);
  if (!is_hex_hash(c.hash)) fail(ErrorKind::format, where + ": 'references_hash' is not a SHA-256 in hex");
  if (!json.contains("references") || !json.at("references").is_array() || json.at("references").empty())
    fail(ErrorKind::format, where + ": 'references' must list the reference images");
  for (const auto& file : json.at("references")) {
    if (!file.is_string()) fail(ErrorKind::format, where + ": 'references' holds a non-string");
    const std::string name = file.get<std::string>();
    if (name.empty() || name.find('/') != std::string::npos || name.find('\\') != std::string::npos || name[0] == '.')
      fail(ErrorKind::format, where + ": reference '" + name + "' is not a plain file name");
    c.references.push_back(name);
  }
  return c;
}

Grant grant_from_json(const Json& json, const std::string& where) {
  Grant g;
  g.id = field(json, "id", where);
  g.cameo_hash = field(json, "cameo", where);
  g.owner = key_field(json, "owner", where);
  g.grantee = key_field(json, "grantee", where);
  g.issued = field(json, "issued", where);
  g.expires = field(json, "expires", where);
  g.signature = field(json, "signature", where);
  if (!json.contains("uses") || !json.at("uses").is_array()) fail(ErrorKind::format, where + ": 'uses' must be a list");
  for (const auto& use : json.at("uses")) {
    if (!use.is_string()) fail(ErrorKind::format, where + ": 'uses' holds a non-string");
    g.uses.push_back(use.get<std::string>());
  }
  try {
    parse_time(g.issued);
    parse_time(g.expires);
  } catch (const Error& e) {
    fail(ErrorKind::format, where + ": " + e.what());
  }
  return g;
}

Revocation revocation_from_json(const Json& json, const std::string& where) {
  Revocation r;
  r.id = field(json, "id", where);
  r.cameo_hash = field(json, "cameo", where);
  r.owner = key_field(json, "owner", where);
  r.grant_id = field(json, "grant", where);
  r.grantee = field(json, "grantee", where);
  r.revoked = field(json, "revoked", where);
  r.signature = field(json, "signature", where);
  try {
    parse_time(r.revoked);
  } catch (const Error& e) {
    fail(ErrorKind::format, where + ": " + e.what());
  }
  return r;
}

namespace {

// How much each reason says, when no grant allows the use: the most specific wins.
int rank(CameoVerdict v) {
  switch (v) {
    case CameoVerdict::revoked: return 7;
    case CameoVerdict::expired: return 6;
    case CameoVerdict::use_not_granted: return 5;
    case CameoVerdict::not_yet_valid: return 4;
    case CameoVerdict::tampered: return 3;
    case CameoVerdict::other_key: return 2;
    default: return 0;
  }
}

}  // namespace

CameoStatus check_cameo(const Cameo& cameo, const std::string& references_hash_on_disk, const std::vector<Grant>& grants,
                        const std::vector<Revocation>& revocations, const PublicKey& me, Use use, TimePoint now) {
  const std::string who = "@" + cameo.name + " (" + cameo.display_name + ")";
  if (references_hash_on_disk != cameo.hash)
    return {CameoVerdict::tampered, who + ": its reference images were changed after its owner signed them", {}};
  if (!signature_valid(cameo))
    return {CameoVerdict::tampered, who + ": the cameo's record does not carry its owner's signature (altered?)", {}};
  if (cameo.owner == me) return {CameoVerdict::own, "", {}};

  CameoStatus best{CameoVerdict::no_grant,
                   who + ": you have no grant from its owner (key " + cameo.owner.fingerprint() + ") to use this cameo",
                   {}};
  const auto note = [&](CameoVerdict verdict, std::string reason, const Grant& grant) {
    if (rank(verdict) > rank(best.verdict)) best = {verdict, who + ": " + std::move(reason), grant};
  };
  for (const auto& grant : grants) {
    if (grant.cameo_hash != cameo.hash || !(grant.owner == cameo.owner) || !signature_valid(grant)) {
      note(CameoVerdict::tampered, "a grant's signature does not verify (altered, or not signed by the cameo's owner)", grant);
      continue;
    }
    if (!(grant.grantee == me)) {
      note(CameoVerdict::other_key, "the grant is for another key (" + grant.grantee.fingerprint() + "), not yours (" +
                                        me.fingerprint() + ")",
           grant);
      continue;
    }
    const auto revocation = std::find_if(revocations.begin(), revocations.end(), [&](const Revocation& r) {
      return r.owner == cameo.owner && signature_valid(r) && r.covers(grant);
    });
    if (revocation != revocations.end()) {
      note(CameoVerdict::revoked, "its owner revoked your grant on " + revocation->revoked, grant);
      continue;
    }
    if (now >= parse_time(grant.expires)) {
      note(CameoVerdict::expired, "your grant expired on " + grant.expires, grant);
      continue;
    }
    if (now + std::chrono::minutes(5) < parse_time(grant.issued)) {
      note(CameoVerdict::not_yet_valid, "your grant is dated " + grant.issued + ", in the future", grant);
      continue;
    }
    if (!grant.allows(use)) {
      note(CameoVerdict::use_not_granted,
           "your grant allows " + join(grant.uses, ',') + ", not " + std::string(use_name(use)), grant);
      continue;
    }
    return {CameoVerdict::granted, "", grant};
  }
  return best;
}

}  // namespace kinema::safety
