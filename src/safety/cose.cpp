// COSE_Sign1 (RFC 9052 4.2) as C2PA signs claims: ES256, detached payload, x5chain (label 33) in the protected
// header (C2PA 2.2, 13.2 and 14.5).
#include "safety/cose.h"

#include "core/error.h"
#include "safety/c2pa_cbor.h"

namespace kinema::safety::cose {

namespace {

constexpr uint64_t kSign1Tag = 18;

// RFC 9052 4.4: Sig_structure = ["Signature1", body_protected, external_aad, payload]; C2PA leaves aad empty.
Bytes to_be_signed(const Bytes& body_protected, std::span<const uint8_t> payload) {
  return cbor::encode(cbor::Value::array({cbor::Value::text("Signature1"), cbor::Value::bytes(body_protected),
                                          cbor::Value::bytes({}),
                                          cbor::Value::bytes(Bytes(payload.begin(), payload.end()))}));
}

// x5chain is one bstr for a single certificate, else an array of bstr (RFC 9360 2).
std::vector<Bytes> read_x5chain(const cbor::Value& value) {
  if (value.is_bytes()) return {value.as_bytes()};
  std::vector<Bytes> chain;
  for (const auto& c : value.as_array()) chain.push_back(c.as_bytes());
  return chain;
}

}  // namespace

Bytes sign1_detached(std::span<const uint8_t> payload, const SigningIdentity& signer) {
  const auto& chain = signer.chain();
  cbor::Value x5chain;
  if (chain.size() == 1) {
    x5chain = cbor::Value::bytes(chain[0]);
  } else {
    cbor::Array certs;
    for (const auto& c : chain) certs.push_back(cbor::Value::bytes(c));
    x5chain = cbor::Value::array(std::move(certs));
  }
  const Bytes body_protected = cbor::encode(cbor::Value::map({{cbor::Value::integer(kHeaderAlg), cbor::Value::integer(kAlgEs256)},
                                                              {cbor::Value::integer(kHeaderX5chain), x5chain}}));
  const Bytes signature = signer.sign(to_be_signed(body_protected, payload));
  return cbor::encode(cbor::Value::tagged(
      kSign1Tag, cbor::Value::array({cbor::Value::bytes(body_protected), cbor::Value::map({}), cbor::Value::null(),
                                     cbor::Value::bytes(signature)})));
}

Sign1Check verify_sign1_detached(std::span<const uint8_t> cose, std::span<const uint8_t> payload) {
  Sign1Check check;
  try {
    cbor::Value top = cbor::decode(cose, "COSE_Sign1");
    if (top.is_tagged()) {
      if (top.as_tagged().tag != kSign1Tag) {
        check.problem = "the claim signature is a COSE structure other than COSE_Sign1";
        return check;
      }
      top = *top.as_tagged().value;
    }
    const auto& parts = top.as_array();
    if (parts.size() != 4) {
      check.problem = "COSE_Sign1 does not have four parts";
      return check;
    }
    const Bytes& body_protected = parts[0].as_bytes();
    const cbor::Value protected_map = body_protected.empty() ? cbor::Value::map({}) : cbor::decode(body_protected, "COSE protected header");
    const cbor::Value& unprotected = parts[1];
    if (!parts[2].is_null()) {
      check.problem = "the claim signature is not detached";
      return check;
    }
    const Bytes& signature = parts[3].as_bytes();
    const cbor::Value* alg = protected_map.find(kHeaderAlg);
    if (!alg || !alg->is_integer()) {
      check.problem = "the protected header names no algorithm";
      return check;
    }
    check.alg = alg->as_integer();
    // C2PA 14.2: exactly one credential among the protected and unprotected headers.
    const cbor::Value* chains[] = {protected_map.find(kHeaderX5chain), protected_map.find("x5chain"),
                                   unprotected.find(kHeaderX5chain), unprotected.find("x5chain")};
    const cbor::Value* chain = nullptr;
    int found = 0;
    for (const auto* c : chains)
      if (c) {
        ++found;
        if (!chain) chain = c;
      }
    if (found != 1) {
      check.problem = found == 0 ? "the signature carries no certificate chain" : "the signature carries two certificate chains";
      return check;
    }
    check.x5chain = read_x5chain(*chain);
    if (check.x5chain.empty()) {
      check.problem = "the certificate chain is empty";
      return check;
    }
    check.well_formed = true;
    if (check.alg != kAlgEs256) {
      check.problem = "unsupported signature algorithm " + std::to_string(check.alg) + " (Kinema verifies ES256)";
      return check;
    }
    check.signature_valid = verify_es256(check.x5chain[0], to_be_signed(body_protected, payload), signature);
    if (!check.signature_valid) check.problem = "the claim signature does not match the claim";
  } catch (const Error& e) {
    check.well_formed = false;
    check.problem = e.what();
  }
  return check;
}

}  // namespace kinema::safety::cose
