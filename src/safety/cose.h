// COSE_Sign1 (RFC 9052 4.2) as C2PA signs claims: ES256, detached payload, x5chain (label 33) in the protected
// header (C2PA 2.2, 13.2 and 14.5).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "safety/signing.h"

namespace kinema::safety::cose {

constexpr int64_t kAlgEs256 = -7;       // IANA COSE Algorithms
constexpr int64_t kHeaderAlg = 1;       // IANA COSE Header Parameters
constexpr int64_t kHeaderX5chain = 33;  // RFC 9360

// A COSE_Sign1_Tagged structure signing `payload`, which is left out of it (detached: payload nil).
Bytes sign1_detached(std::span<const uint8_t> payload, const SigningIdentity& signer);

struct Sign1Check {
  bool well_formed = false;      // a COSE_Sign1 with an algorithm and one certificate chain
  bool signature_valid = false;  // the signature verifies over `payload` with the leaf certificate's key
  int64_t alg = 0;
  std::vector<Bytes> x5chain;    // leaf first, DER
  std::string problem;           // why not, when either flag is false
};

// Reads a COSE_Sign1_Tagged (or untagged) structure and verifies it over the detached `payload`.
// Never throws for malformed input; says what is wrong in `problem`.
Sign1Check verify_sign1_detached(std::span<const uint8_t> cose, std::span<const uint8_t> payload);

}  // namespace kinema::safety::cose
