// C2PA manifests for MP4 files (C2PA 2.2): writing a signed manifest store into a file, and checking one.
//
// Kinema writes one standard manifest (c2ma) holding three assertions: c2pa.actions.v2 (c2pa.created with
// digitalSourceType trainedAlgorithmicMedia and the model as softwareAgent), c2pa.hash.bmff.v3 (the hard
// binding) and com.kinema.generation (seed, generation id, visible-mark setting); a c2pa.claim.v2; and a
// COSE_Sign1 ES256 claim signature with the signer's certificate in x5chain.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/json.h"
#include "safety/provenance_facts.h"
#include "safety/signing.h"

namespace kinema::safety::c2pa {

constexpr const char* kTrainedAlgorithmicMedia = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia";

// The MP4 `file` with a signed manifest store in a C2PA 'uuid' box right after 'ftyp' (chunk offsets moved).
// `facts.generation_id` must already be set. Throws kinema::Error (format) for a file it cannot rewrite.
Bytes sign_mp4(std::span<const uint8_t> file, const ProvenanceFacts& facts, const SigningIdentity& signer);

// What a verifier concludes about a file's C2PA manifest.
struct ManifestCheck {
  bool present = false;   // the file has a C2PA manifest store
  bool valid = false;     // well formed, signature verifies, every assertion and the hard binding match
  bool tampered = false;  // a hash or the signature does not match: the file or the manifest changed after signing
  bool trusted = false;   // valid, and the signer chains to the trusted root given
  std::vector<std::string> problems;  // each failure, in C2PA status-code words where one applies
  Json claim = Json::object();        // what the active manifest says (generator, actions, model, signer, ...)
  bool kinema_generated() const;      // valid, and its c2pa.created action says trainedAlgorithmicMedia from Kinema
};

// Checks the active manifest of an MP4 file. `trusted_root` (DER) may be empty. Never throws for malformed
// manifests: they come back with valid = false and a problem.
ManifestCheck check_mp4(std::span<const uint8_t> file, const Bytes& trusted_root);

}  // namespace kinema::safety::c2pa
