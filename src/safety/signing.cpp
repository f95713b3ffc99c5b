// The user's local signing identity for C2PA manifests: a root CA and a leaf ES256 signing certificate made with
// OpenSSL on first use, kept in the user's config folder; and the checks a verifier makes on a certificate chain.
#include "safety/signing.h"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "core/error.h"
#include "core/log.h"

namespace kinema::safety {
namespace fs = std::filesystem;

namespace {

constexpr const char* kC2paClaimSigningEku = "1.3.6.1.4.1.62558.2.1";
constexpr const char* kEmailProtectionEku = "1.3.6.1.5.5.7.3.4";
constexpr long kRootYears = 20, kLeafYears = 10;
constexpr const char* kRootCert = "root-ca.pem";
constexpr const char* kRootKey = "root-ca-key.pem";
constexpr const char* kLeafCert = "signer.pem";
constexpr const char* kLeafKey = "signer-key.pem";

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using Ext = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;
using Store = std::unique_ptr<X509_STORE, Deleter<X509_STORE, X509_STORE_free>>;
using StoreCtx = std::unique_ptr<X509_STORE_CTX, Deleter<X509_STORE_CTX, X509_STORE_CTX_free>>;
using Sig = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG, ECDSA_SIG_free>>;
using Bn = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;

struct StackDeleter {
  void operator()(STACK_OF(X509) * s) const { sk_X509_pop_free(s, X509_free); }
};
using CertStack = std::unique_ptr<STACK_OF(X509), StackDeleter>;

// OpenSSL's queued errors as one line, emptying the queue.
std::string openssl_errors() {
  std::string text;
  while (const unsigned long code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    if (!text.empty()) text += "; ";
    text += buffer;
  }
  return text.empty() ? "unknown OpenSSL error" : text;
}

void check(int ok, const std::string& what) {
  if (ok != 1) fail(ErrorKind::internal, what + ": " + openssl_errors());
}

Key generate_p256_key() {
  Key key(EVP_EC_gen("P-256"));
  if (!key) fail(ErrorKind::internal, "cannot generate a P-256 key: " + openssl_errors());
  return key;
}

Bytes to_der(X509* cert) {
  const int length = i2d_X509(cert, nullptr);
  if (length <= 0) fail(ErrorKind::internal, "cannot encode a certificate: " + openssl_errors());
  Bytes der(static_cast<size_t>(length));
  unsigned char* out = der.data();
  i2d_X509(cert, &out);
  return der;
}

Cert from_der(const Bytes& der) {
  const unsigned char* in = der.data();
  Cert cert(d2i_X509(nullptr, &in, static_cast<long>(der.size())));
  if (!cert || in != der.data() + der.size()) {
    ERR_clear_error();
    return nullptr;
  }
  return cert;
}

std::string common_name(X509* cert) {
  char name[256] = {};
  if (X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, name, sizeof name) < 0) return "";
  return name;
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  Ext ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  if (!ext) fail(ErrorKind::internal, std::string("cannot make the certificate extension ") + value + ": " + openssl_errors());
  check(X509_add_ext(cert, ext.get(), -1), "cannot add a certificate extension");
}

struct CertRequest {
  std::string common_name;
  EVP_PKEY* subject_key;
  X509* issuer;        // nullptr: self-signed
  EVP_PKEY* issuer_key;
  long years;
  bool ca;
};

Cert make_certificate(const CertRequest& r) {
  Cert cert(X509_new());
  if (!cert) fail(ErrorKind::internal, "cannot allocate a certificate");
  check(X509_set_version(cert.get(), X509_VERSION_3), "cannot set the certificate version");
  unsigned char serial_bytes[16];
  check(RAND_bytes(serial_bytes, sizeof serial_bytes), "cannot draw a serial number");
  serial_bytes[0] &= 0x7f;  // positive
  Bn serial(BN_bin2bn(serial_bytes, sizeof serial_bytes, nullptr));
  if (!serial || !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())))
    fail(ErrorKind::internal, "cannot set the serial number: " + openssl_errors());
  // A little slack before now, so a verifier whose clock is slightly behind still accepts the certificate.
  if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) ||
      !X509_time_adj_ex(X509_getm_notAfter(cert.get()), static_cast<int>(r.years * 365 + r.years / 4), 0, nullptr))
    fail(ErrorKind::internal, "cannot set the validity period: " + openssl_errors());
  X509_NAME* name = X509_get_subject_name(cert.get());
  const auto* cn = reinterpret_cast<const unsigned char*>(r.common_name.c_str());
  check(X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("Kinema (local)"),
                                   -1, -1, 0),
        "cannot set the organisation");
  check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, cn, -1, -1, 0), "cannot set the common name");
  X509* issuer = r.issuer ? r.issuer : cert.get();
  check(X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer)), "cannot set the issuer");
  check(X509_set_pubkey(cert.get(), r.subject_key), "cannot set the public key");
  if (r.ca) {
    add_extension(cert.get(), issuer, NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
    add_extension(cert.get(), issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
    add_extension(cert.get(), issuer, NID_subject_key_identifier, "hash");
  } else {
    add_extension(cert.get(), issuer, NID_basic_constraints, "critical,CA:FALSE");
    add_extension(cert.get(), issuer, NID_key_usage, "critical,digitalSignature");
    add_extension(cert.get(), issuer, NID_ext_key_usage,
                  (std::string(kC2paClaimSigningEku) + ",emailProtection").c_str());
    add_extension(cert.get(), issuer, NID_subject_key_identifier, "hash");
    add_extension(cert.get(), issuer, NID_authority_key_identifier, "keyid:always");
  }
  if (X509_sign(cert.get(), r.issuer_key, EVP_sha256()) <= 0)
    fail(ErrorKind::internal, "cannot sign the certificate: " + openssl_errors());
  return cert;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(ErrorKind::io, "cannot read " + path.string() + " (the C2PA signing identity)");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_text(const fs::path& path, const std::string& text, mode_t mode) {
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) fail(ErrorKind::io, "cannot write " + path.string());
  }
  if (::chmod(path.c_str(), mode) != 0) fail(ErrorKind::io, "cannot set the permissions of " + path.string());
}

Bio memory_bio(const std::string& text) {
  Bio bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
  if (!bio) fail(ErrorKind::internal, "cannot allocate an OpenSSL buffer");
  return bio;
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(length));
}

Cert load_cert(const fs::path& path) {
  const std::string text = read_text(path);
  Bio bio = memory_bio(text);
  Cert cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) fail(ErrorKind::format, path.string() + " is not a PEM certificate: " + openssl_errors());
  return cert;
}

Key load_key(const fs::path& path) {
  const std::string text = read_text(path);
  Bio bio = memory_bio(text);
  Key key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) fail(ErrorKind::format, path.string() + " is not a PEM private key: " + openssl_errors());
  return key;
}

void save_cert(const fs::path& path, X509* cert) {
  Bio bio(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_X509(bio.get(), cert), "cannot encode a certificate as PEM");
  write_text(path, bio_text(bio.get()), 0644);
}

void save_key(const fs::path& path, EVP_PKEY* key) {
  Bio bio(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr), "cannot encode a key as PEM");
  write_text(path, bio_text(bio.get()), 0600);
}

std::string leaf_name() {
  const char* user = std::getenv("USER");
  return std::string("Kinema signer") + (user && *user ? std::string(" for ") + user : std::string());
}

// Issues a new leaf from the root and writes it into `dir` (each file replaced atomically by rename).
void issue_leaf(const fs::path& dir, X509* root, EVP_PKEY* root_key) {
  Key key = generate_p256_key();
  Cert leaf = make_certificate({leaf_name(), key.get(), root, root_key, kLeafYears, false});
  const std::string suffix = ".new-" + std::to_string(::getpid());
  save_key(dir / (std::string(kLeafKey) + suffix), key.get());
  save_cert(dir / (std::string(kLeafCert) + suffix), leaf.get());
  fs::rename(dir / (std::string(kLeafKey) + suffix), dir / kLeafKey);
  fs::rename(dir / (std::string(kLeafCert) + suffix), dir / kLeafCert);
}

// Makes the whole identity in a private temporary folder, then renames it into place: two processes starting
// at once both succeed and use whichever folder landed first.
void create_identity(const fs::path& dir) {
  static std::atomic<unsigned> counter{0};
  std::error_code ec;
  fs::create_directories(dir.parent_path(), ec);
  const fs::path temp = dir.parent_path() / ("." + dir.filename().string() + ".new-" + std::to_string(::getpid()) +
                                             "-" + std::to_string(counter++));
  fs::remove_all(temp, ec);
  if (!fs::create_directory(temp, ec) || ::chmod(temp.c_str(), 0700) != 0)
    fail(ErrorKind::io, "cannot create the signing identity folder " + temp.string() + ": " + ec.message());
  try {
    Key root_key = generate_p256_key();
    Cert root = make_certificate({"Kinema local root CA", root_key.get(), nullptr, root_key.get(), kRootYears, true});
    save_key(temp / kRootKey, root_key.get());
    save_cert(temp / kRootCert, root.get());
    issue_leaf(temp, root.get(), root_key.get());
  } catch (...) {
    fs::remove_all(temp, ec);
    throw;
  }
  fs::rename(temp, dir, ec);
  if (ec) {
    fs::remove_all(temp, ec);
    if (!fs::exists(dir / kLeafCert)) fail(ErrorKind::io, "cannot create the signing identity in " + dir.string());
  } else {
    logger("safety")->info("made a local C2PA signing identity (root CA and signer) in {}", dir.string());
  }
}

bool expired(X509* cert) { return X509_cmp_current_time(X509_get0_notAfter(cert)) <= 0; }

bool has_eku(X509* cert, const char* oid) {
  auto* ekus = static_cast<EXTENDED_KEY_USAGE*>(X509_get_ext_d2i(cert, NID_ext_key_usage, nullptr, nullptr));
  if (!ekus) return false;
  bool found = false;
  for (int i = 0; i < sk_ASN1_OBJECT_num(ekus); ++i) {
    char text[128];
    OBJ_obj2txt(text, sizeof text, sk_ASN1_OBJECT_value(ekus, i), 1);
    if (std::string(text) == oid) found = true;
  }
  sk_ASN1_OBJECT_pop_free(ekus, ASN1_OBJECT_free);
  return found;
}

}  // namespace

struct SigningIdentity::Impl {
  Key key;
  Cert leaf;
  std::vector<Bytes> chain;
  Bytes root;
};

SigningIdentity::SigningIdentity(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SigningIdentity::SigningIdentity(SigningIdentity&&) noexcept = default;
SigningIdentity& SigningIdentity::operator=(SigningIdentity&&) noexcept = default;
SigningIdentity::~SigningIdentity() = default;

fs::path default_signing_dir() {
  if (const char* dir = std::getenv("KINEMA_SIGNING_DIR"); dir && *dir) return dir;
  if (const char* config = std::getenv("XDG_CONFIG_HOME"); config && *config)
    return fs::path(config) / "kinema" / "signing";
  if (const char* home = std::getenv("HOME"); home && *home) return fs::path(home) / ".config" / "kinema" / "signing";
  fail(ErrorKind::io, "no folder for the C2PA signing identity: set KINEMA_SIGNING_DIR, XDG_CONFIG_HOME or HOME");
}

SigningIdentity SigningIdentity::open(const fs::path& dir) {
  if (!fs::exists(dir / kLeafCert)) create_identity(dir);
  Cert root = load_cert(dir / kRootCert);
  Cert leaf = load_cert(dir / kLeafCert);
  if (expired(leaf.get())) {
    Key root_key = load_key(dir / kRootKey);
    issue_leaf(dir, root.get(), root_key.get());
    leaf = load_cert(dir / kLeafCert);
    logger("safety")->info("the C2PA signing certificate had expired; issued a new one in {}", dir.string());
  }
  auto impl = std::make_unique<Impl>();
  impl->key = load_key(dir / kLeafKey);
  if (X509_check_private_key(leaf.get(), impl->key.get()) != 1)
    fail(ErrorKind::format, (dir / kLeafKey).string() + " does not belong to " + (dir / kLeafCert).string());
  impl->chain = {to_der(leaf.get())};
  impl->root = to_der(root.get());
  impl->leaf = std::move(leaf);
  return SigningIdentity(std::move(impl));
}

Bytes load_root_certificate(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir / kRootCert, ec)) return {};
  Cert root = load_cert(dir / kRootCert);
  return to_der(root.get());
}

const std::vector<Bytes>& SigningIdentity::chain() const { return impl_->chain; }
const Bytes& SigningIdentity::root_certificate() const { return impl_->root; }
std::string SigningIdentity::signer_name() const { return common_name(impl_->leaf.get()); }

Bytes SigningIdentity::sign(std::span<const uint8_t> data) const {
  MdCtx ctx(EVP_MD_CTX_new());
  size_t length = 0;
  check(EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, impl_->key.get()), "cannot start signing");
  check(EVP_DigestSign(ctx.get(), nullptr, &length, data.data(), data.size()), "cannot size the signature");
  Bytes der(length);
  check(EVP_DigestSign(ctx.get(), der.data(), &length, data.data(), data.size()), "cannot sign");
  const unsigned char* in = der.data();
  Sig sig(d2i_ECDSA_SIG(nullptr, &in, static_cast<long>(length)));
  if (!sig) fail(ErrorKind::internal, "OpenSSL returned an unreadable ECDSA signature");
  Bytes raw(64);
  // COSE (RFC 9053 2.1) writes ECDSA as r then s, each left-padded to the curve's 32 bytes.
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), raw.data(), 32) != 32 ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), raw.data() + 32, 32) != 32)
    fail(ErrorKind::internal, "an ECDSA signature component does not fit 32 bytes");
  return raw;
}

bool verify_es256(const Bytes& certificate, std::span<const uint8_t> data, std::span<const uint8_t> signature) {
  if (signature.size() != 64) return false;
  Cert cert = from_der(certificate);
  if (!cert) return false;
  EVP_PKEY* key = X509_get0_pubkey(cert.get());
  if (!key || EVP_PKEY_get_base_id(key) != EVP_PKEY_EC) return false;
  Sig sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(signature.data(), 32, nullptr);
  BIGNUM* s = BN_bin2bn(signature.data() + 32, 32, nullptr);
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return false;
  }
  unsigned char* der = nullptr;
  const int der_length = i2d_ECDSA_SIG(sig.get(), &der);
  if (der_length <= 0) return false;
  MdCtx ctx(EVP_MD_CTX_new());
  const bool ok = EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
                  EVP_DigestVerify(ctx.get(), der, static_cast<size_t>(der_length), data.data(), data.size()) == 1;
  OPENSSL_free(der);
  ERR_clear_error();
  return ok;
}

ChainCheck check_chain(const std::vector<Bytes>& chain, const Bytes& root) {
  ChainCheck result;
  if (chain.empty()) {
    result.problem = "the signature carries no certificate";
    return result;
  }
  Cert leaf = from_der(chain[0]);
  if (!leaf) {
    result.problem = "the signing certificate cannot be read";
    return result;
  }
  result.signer = common_name(leaf.get());
  const uint32_t flags = X509_get_extension_flags(leaf.get());
  if (X509_get_version(leaf.get()) != X509_VERSION_3)
    result.problem = "the signing certificate is not X.509 version 3";
  else if (flags & EXFLAG_CA)
    result.problem = "the signing certificate is a CA certificate";
  else if (!(flags & EXFLAG_KUSAGE) || !(X509_get_key_usage(leaf.get()) & KU_DIGITAL_SIGNATURE))
    result.problem = "the signing certificate lacks the digitalSignature key usage";
  else if (!(flags & EXFLAG_XKUSAGE) || (!has_eku(leaf.get(), kC2paClaimSigningEku) && !has_eku(leaf.get(), kEmailProtectionEku)))
    result.problem = "the signing certificate has no extended key usage C2PA accepts for claims";
  else if (has_eku(leaf.get(), "2.5.29.37.0"))
    result.problem = "the signing certificate allows any extended key usage";
  else if (flags & EXFLAG_SS)
    result.problem = "the signing certificate is self-signed";
  if (!result.problem.empty()) return result;
  result.profile_ok = true;
  if (root.empty()) {
    result.problem = "no trusted root was given";
    return result;
  }

  Cert anchor = from_der(root);
  Store store(X509_STORE_new());
  CertStack intermediates(sk_X509_new_null());
  StoreCtx ctx(X509_STORE_CTX_new());
  if (!anchor || !store || !intermediates || !ctx || X509_STORE_add_cert(store.get(), anchor.get()) != 1)
    fail(ErrorKind::internal, "cannot set up certificate verification: " + openssl_errors());
  for (size_t i = 1; i < chain.size(); ++i) {
    Cert c = from_der(chain[i]);
    if (!c) {
      result.problem = "certificate " + std::to_string(i) + " of the chain cannot be read";
      return result;
    }
    sk_X509_push(intermediates.get(), c.release());
  }
  check(X509_STORE_CTX_init(ctx.get(), store.get(), leaf.get(), intermediates.get()), "cannot start verification");
  if (X509_verify_cert(ctx.get()) == 1) {
    result.trusted = true;
  } else {
    result.problem = std::string("the certificate chain does not lead to the trusted root: ") +
                     X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));
  }
  ERR_clear_error();
  return result;
}

}  // namespace kinema::safety
