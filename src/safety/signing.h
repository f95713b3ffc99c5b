// The user's local signing identity for C2PA manifests: a root CA and a leaf ES256 signing certificate made with
// OpenSSL on first use, kept in the user's config folder; and the checks a verifier makes on a certificate chain.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace kinema::safety {

using Bytes = std::vector<uint8_t>;

// Where the identity lives: $KINEMA_SIGNING_DIR, else $XDG_CONFIG_HOME/kinema/signing, else
// $HOME/.config/kinema/signing. Throws kinema::Error (io) when none of these is set.
std::filesystem::path default_signing_dir();

class SigningIdentity {
 public:
  // Loads the identity kept in `dir`. On first use (no such folder) it makes one: a self-signed local root CA
  // (P-256, 20 years) and a leaf signing certificate it issues (P-256, 10 years, digitalSignature, EKUs C2PA
  // claim signing 1.3.6.1.4.1.62558.2.1 and emailProtection), written as PEM files with private keys readable
  // by the owner only. A leaf that has expired is re-issued by the root. Safe against two processes making
  // the folder at once. Throws kinema::Error (io) when the folder cannot be read or written.
  static SigningIdentity open(const std::filesystem::path& dir);

  SigningIdentity(SigningIdentity&&) noexcept;
  SigningIdentity& operator=(SigningIdentity&&) noexcept;
  ~SigningIdentity();

  // The certificate chain for COSE's x5chain, leaf first, DER; the root is left out (C2PA 14.5).
  const std::vector<Bytes>& chain() const;
  const Bytes& root_certificate() const;  // DER
  std::string signer_name() const;        // the leaf's subject common name
  // An ES256 signature (ECDSA P-256 over SHA-256) of `data`, as COSE writes it: r and s, 32 bytes each.
  Bytes sign(std::span<const uint8_t> data) const;

 private:
  struct Impl;
  explicit SigningIdentity(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The root certificate (DER) of the identity kept in `dir`, for verifying; empty when there is none yet.
Bytes load_root_certificate(const std::filesystem::path& dir);

// What a verifier concludes about a certificate chain (leaf first, DER).
struct ChainCheck {
  bool profile_ok = false;  // the leaf fits C2PA's certificate profile for claim signing (14.5.1)
  bool trusted = false;     // ... and chains to `root` and is valid now
  std::string problem;      // why not, when either is false
  std::string signer;       // the leaf's subject common name
};

// Checks the leaf's profile (X.509 v3, end entity, digitalSignature, an EKU C2PA accepts for claims, not
// anyExtendedKeyUsage) and, when `root` is not empty, the path from the leaf to that root at the current time.
ChainCheck check_chain(const std::vector<Bytes>& chain, const Bytes& root);

// True when `signature` (r and s, 32 bytes each) is a valid ES256 signature of `data` by the certificate's key.
bool verify_es256(const Bytes& certificate, std::span<const uint8_t> data, std::span<const uint8_t> signature);

}  // namespace kinema::safety
