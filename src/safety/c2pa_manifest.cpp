// C2PA manifests for MP4 files (C2PA 2.2): writing a signed manifest store into a file, and checking one.
#include "safety/c2pa_manifest.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <optional>

#include <openssl/rand.h>

#include "core/error.h"
#include "safety/bmff.h"
#include "safety/c2pa_cbor.h"
#include "safety/c2pa_hash.h"
#include "safety/c2pa_jumbf.h"
#include "safety/cose.h"

namespace kinema::safety::c2pa {

namespace {

using cbor::Value;

constexpr const char* kStoreLabel = "c2pa";
constexpr const char* kAssertionStoreLabel = "c2pa.assertions";
constexpr const char* kClaimLabel = "c2pa.claim.v2";
constexpr const char* kSignatureLabel = "c2pa.signature";
constexpr const char* kActionsLabel = "c2pa.actions.v2";
constexpr const char* kBmffHashLabel = "c2pa.hash.bmff.v3";
constexpr const char* kGenerationLabel = "com.kinema.generation";
constexpr const char* kHashAlg = "sha256";

Value text(const std::string& s) { return Value::text(s); }

std::string random_uuid_v4() {
  uint8_t b[16];
  if (RAND_bytes(b, sizeof b) != 1) fail(ErrorKind::internal, "OpenSSL cannot draw random bytes for a manifest id");
  b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);  // RFC 9562 variant
  char s[37];
  std::snprintf(s, sizeof s, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2],
                b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return s;
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char s[32];
  std::strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return s;
}

std::string hex32(uint32_t v) {
  char s[9];
  std::snprintf(s, sizeof s, "%08x", v);
  return s;
}

Value actions_assertion(const ProvenanceFacts& facts) {
  Value agent = Value::map({{text("name"), text("Kinema model " + facts.model_name)},
                            {text("version"), text(facts.model_version)}});
  std::string description = "Generated from a text prompt by Kinema, a local text-to-video model";
  description += facts.visible_mark ? "; a visible \"Kinema \xC2\xB7 AI\" mark is drawn on the picture"
                                    : "; no visible mark (turned off by the user, or the picture is too small for it)";
  Value created = Value::map({{text("action"), text("c2pa.created")},
                              {text("digitalSourceType"), text(kTrainedAlgorithmicMedia)},
                              {text("softwareAgent"), agent},
                              {text("description"), text(description)}});
  return Value::map({{text("actions"), Value::array({created})}});
}

Value exclusions_value(const std::vector<bmff::Exclusion>& exclusions) {
  cbor::Array list;
  for (const auto& ex : exclusions) {
    cbor::Map m{{text("xpath"), text(ex.xpath)}};
    if (!ex.data.empty()) {
      cbor::Array data;
      for (const auto& [offset, bytes] : ex.data)
        data.push_back(Value::map({{text("offset"), Value::integer(static_cast<int64_t>(offset))},
                                   {text("value"), Value::bytes(bytes)}}));
      m.emplace_back(text("data"), Value::array(std::move(data)));
    }
    list.push_back(Value::map(std::move(m)));
  }
  return Value::array(std::move(list));
}

Value bmff_hash_assertion(const Bytes& hash) {
  return Value::map({{text("exclusions"), exclusions_value(bmff::mandatory_exclusions())},
                     {text("alg"), text(kHashAlg)},
                     {text("hash"), Value::bytes(hash)}});
}

Value generation_assertion(const ProvenanceFacts& facts, const std::string& created) {
  cbor::Array cameos;
  for (const auto& hash : facts.cameos) cameos.push_back(text(hash));
  return Value::map({{text("cameos"), Value::array(std::move(cameos))},
                     {text("model"), Value::map({{text("name"), text(facts.model_name)},
                                                  {text("version"), text(facts.model_version)}})},
                     {text("seed"), Value::integer(static_cast<int64_t>(facts.seed & 0x7fffffffffffffffull))},
                     {text("generationId"), text(hex32(facts.generation_id))},
                     {text("visibleMark"), Value::boolean(facts.visible_mark)},
                     {text("invisibleWatermark"), facts.watermark
                                                      ? Value::map({{text("scheme"), text("kinema-luma-ss-1")},
                                                                    {text("generationId"), text(hex32(facts.generation_id))}})
                                                      : Value::map({{text("scheme"), text("none")},
                                                                    {text("reason"), text("an intermediate, watermarked on export")}})},
                     {text("frontEnd"), text(facts.front_end)},
                     {text("settings"), text(facts.settings)},
                     {text("created"), text(created)}});
}

Bytes cbor_assertion_box(const std::string& label, const Value& value) {
  return jumbf::superbox(jumbf::type_uuid("cbor"), label, {jumbf::content_box("cbor", cbor::encode(value))});
}

// The hash of a JUMBF superbox for a hashed URI: its body, without the superbox's own header (C2PA 8.4.2.3).
Bytes box_hash(const Bytes& superbox) {
  return sha256(std::span<const uint8_t>(superbox).subspan(8));
}

struct Manifest {
  std::string label;  // urn:c2pa:...
  std::string instance_id;
  std::string created;
};

// The whole manifest store for `facts` with the given hard-binding hash.
Bytes manifest_store(const Manifest& m, const ProvenanceFacts& facts, const Bytes& file_hash,
                     const SigningIdentity& signer) {
  const std::vector<std::pair<std::string, Bytes>> assertions = {
      {kActionsLabel, cbor_assertion_box(kActionsLabel, actions_assertion(facts))},
      {kBmffHashLabel, cbor_assertion_box(kBmffHashLabel, bmff_hash_assertion(file_hash))},
      {kGenerationLabel, cbor_assertion_box(kGenerationLabel, generation_assertion(facts, m.created))},
  };
  cbor::Array created;
  std::vector<Bytes> assertion_boxes;
  for (const auto& [label, box] : assertions) {
    created.push_back(Value::map({{text("url"), text(std::string("self#jumbf=") + kAssertionStoreLabel + "/" + label)},
                                  {text("hash"), Value::bytes(box_hash(box))}}));
    assertion_boxes.push_back(box);
  }
  cbor::Map claim{{text("instanceID"), text(m.instance_id)},
                  {text("claim_generator_info"),
                   Value::map({{text("name"), text("Kinema")}, {text("version"), text(KINEMA_VERSION)}})},
                  {text("signature"), text(std::string("self#jumbf=") + kSignatureLabel)},
                  {text("created_assertions"), Value::array(std::move(created))},
                  {text("alg"), text(kHashAlg)}};
  if (!facts.title.empty()) claim.emplace_back(text("dc:title"), text(facts.title));
  const Bytes claim_bytes = cbor::encode(Value::map(std::move(claim)));
  // C2PA 10.3.2.4: the signed payload is the claim's CBOR, detached.
  const Bytes signature = cose::sign1_detached(claim_bytes, signer);

  const Bytes manifest = jumbf::superbox(
      jumbf::type_uuid("c2ma"), m.label,
      {jumbf::superbox(jumbf::type_uuid("c2as"), kAssertionStoreLabel, assertion_boxes),
       jumbf::superbox(jumbf::type_uuid("c2cl"), kClaimLabel, {jumbf::content_box("cbor", claim_bytes)}),
       jumbf::superbox(jumbf::type_uuid("c2cs"), kSignatureLabel, {jumbf::content_box("cbor", signature)})});
  return jumbf::superbox(jumbf::type_uuid("c2pa"), kStoreLabel, {manifest});
}

// --- checking ---

std::vector<bmff::Exclusion> read_exclusions(const Value& list) {
  std::vector<bmff::Exclusion> out;
  for (const auto& item : list.as_array()) {
    bmff::Exclusion ex;
    const Value* xpath = item.find("xpath");
    if (!xpath) fail(ErrorKind::format, "an exclusion has no xpath");
    ex.xpath = xpath->as_text();
    if (const Value* v = item.find("length"); v && !v->is_null()) ex.length = static_cast<uint64_t>(v->as_integer());
    if (const Value* v = item.find("version"); v && !v->is_null()) ex.version = v->as_integer();
    if (const Value* v = item.find("flags"); v && !v->is_null()) {
      const Bytes& f = v->as_bytes();
      if (f.size() != 3) fail(ErrorKind::format, "exclusion flags are not 3 bytes");
      ex.flags = std::array<uint8_t, 3>{f[0], f[1], f[2]};
    }
    if (const Value* v = item.find("exact"); v && !v->is_null()) ex.exact = v->as_bool();
    if (const Value* v = item.find("data"); v && !v->is_null())
      for (const auto& d : v->as_array())
        ex.data.emplace_back(static_cast<uint64_t>(d.find("offset")->as_integer()), d.find("value")->as_bytes());
    if (const Value* v = item.find("subset"); v && !v->is_null())
      for (const auto& s : v->as_array())
        ex.subset.emplace_back(static_cast<uint64_t>(s.find("offset")->as_integer()),
                               static_cast<uint64_t>(s.find("length")->as_integer()));
    out.push_back(std::move(ex));
  }
  return out;
}

// The assertion a hashed URI points at, in the active manifest; nullptr when it is not there.
const jumbf::Node* resolve(const jumbf::Node& manifest, const std::string& url) {
  const std::string prefix = "self#jumbf=";
  if (url.rfind(prefix, 0) != 0) return nullptr;
  std::string path = url.substr(prefix.size());
  const std::string absolute = std::string("/") + kStoreLabel + "/" + manifest.label + "/";
  if (path.rfind(absolute, 0) == 0) path = path.substr(absolute.size());
  if (path.empty() || path[0] == '/') return nullptr;  // a box in another manifest
  const std::string store = std::string(kAssertionStoreLabel) + "/";
  if (path.rfind(store, 0) != 0) return nullptr;
  const jumbf::Node* assertions = manifest.child(kAssertionStoreLabel);
  return assertions ? assertions->child(path.substr(store.size())) : nullptr;
}

Json summary_of(const jumbf::Node& manifest, const Value& claim) {
  Json out = Json::object();
  out["label"] = manifest.label;
  if (const Value* info = claim.find("claim_generator_info"); info && info->is_map()) {
    std::string generator = info->find("name") && info->find("name")->is_text() ? info->find("name")->as_text() : "";
    if (const Value* v = info->find("version"); v && v->is_text()) generator += " " + v->as_text();
    out["claim_generator"] = generator;
  }
  if (const Value* t = claim.find("dc:title"); t && t->is_text()) out["title"] = t->as_text();
  const jumbf::Node* assertions = manifest.child(kAssertionStoreLabel);
  if (!assertions) return out;
  for (const auto& node : assertions->boxes) {
    const auto* content = node.content("cbor");
    if (!content) continue;
    if (node.label.rfind("c2pa.actions", 0) == 0) {
      const Value actions = cbor::decode(content->payload, node.label);
      Json list = Json::array();
      for (const auto& a : actions.find("actions")->as_array()) {
        Json action = Json::object();
        if (const Value* v = a.find("action"); v && v->is_text()) action["action"] = v->as_text();
        if (const Value* v = a.find("digitalSourceType"); v && v->is_text()) action["digitalSourceType"] = v->as_text();
        if (const Value* v = a.find("description"); v && v->is_text()) action["description"] = v->as_text();
        if (const Value* v = a.find("softwareAgent")) {
          if (v->is_text()) action["softwareAgent"] = v->as_text();
          if (v->is_map() && v->find("name") && v->find("name")->is_text()) {
            std::string agent = v->find("name")->as_text();
            if (const Value* ver = v->find("version"); ver && ver->is_text()) agent += " " + ver->as_text();
            action["softwareAgent"] = agent;
          }
        }
        list.push_back(action);
      }
      out["actions"] = list;
    } else if (node.label == kGenerationLabel) {
      const Value g = cbor::decode(content->payload, node.label);
      Json gen = Json::object();
      if (const Value* m = g.find("model"); m && m->is_map()) {
        if (const Value* v = m->find("name"); v && v->is_text()) gen["model"] = v->as_text();
        if (const Value* v = m->find("version"); v && v->is_text()) gen["model_version"] = v->as_text();
      }
      if (const Value* v = g.find("seed"); v && v->is_integer()) gen["seed"] = v->as_integer();
      if (const Value* v = g.find("generationId"); v && v->is_text()) gen["generation_id"] = v->as_text();
      if (const Value* v = g.find("visibleMark"); v && v->is_bool()) gen["visible_mark"] = v->as_bool();
      if (const Value* w = g.find("invisibleWatermark"); w && w->is_map())
        if (const Value* v = w->find("scheme"); v && v->is_text()) gen["watermark"] = v->as_text() != "none";
      if (const Value* v = g.find("frontEnd"); v && v->is_text()) gen["front_end"] = v->as_text();
      if (const Value* v = g.find("created"); v && v->is_text()) gen["created"] = v->as_text();
      Json cameos = Json::array();
      if (const Value* v = g.find("cameos"); v && v->is_array())
        for (const Value& item : v->as_array())
          if (item.is_text()) cameos.push_back(item.as_text());
      gen["cameos"] = cameos;
      out["kinema"] = gen;
    }
  }
  return out;
}

}  // namespace

Bytes sign_mp4(std::span<const uint8_t> file, const ProvenanceFacts& facts, const SigningIdentity& signer) {
  if (bmff::find_manifest_box(file)) fail(ErrorKind::invalid_input, "the file already has a C2PA manifest");
  const std::string uuid = random_uuid_v4();
  const Manifest m{"urn:c2pa:" + uuid, "xmp:iid:" + uuid, utc_now()};
  // Two passes (C2PA 18.6.2, "two-pass approach"): the store's size does not depend on the hash or the signature
  // values (fixed-length fields), so a placeholder store sizes the box, the hash is taken over the file with the
  // box in place (offsets moved), and the real store then fills the same bytes.
  const Bytes placeholder_store = manifest_store(m, facts, Bytes(32, 0), signer);
  const Bytes placeholder_box = bmff::c2pa_box(placeholder_store);
  Bytes out = bmff::insert_after_ftyp(file, placeholder_box);
  const Bytes hash = bmff::hash_v3(out, bmff::mandatory_exclusions());
  const Bytes store = manifest_store(m, facts, hash, signer);
  if (store.size() > placeholder_store.size())
    fail(ErrorKind::internal, "the signed C2PA manifest grew past the space reserved for it");
  const Bytes box = bmff::c2pa_box(store, placeholder_store.size() - store.size());
  const uint64_t at = bmff::top_level_boxes(out)[0].end();  // right after 'ftyp'
  std::copy(box.begin(), box.end(), out.begin() + static_cast<ptrdiff_t>(at));
  return out;
}

bool ManifestCheck::kinema_generated() const {
  if (!valid || !claim.contains("actions")) return false;
  const std::string generator = claim.value("claim_generator", "");
  if (generator.rfind("Kinema", 0) != 0) return false;
  for (const auto& a : claim["actions"])
    if (a.value("action", "") == "c2pa.created" && a.value("digitalSourceType", "") == kTrainedAlgorithmicMedia)
      return true;
  return false;
}

ManifestCheck check_mp4(std::span<const uint8_t> file, const Bytes& trusted_root) {
  ManifestCheck check;
  std::optional<bmff::C2paBox> box;
  try {
    box = bmff::find_manifest_box(file);
  } catch (const Error& e) {
    check.problems.push_back(std::string("the file's boxes cannot be read: ") + e.what());
    return check;
  }
  if (!box) return check;
  check.present = true;
  try {
    // The store may be followed by padding (A.5.3): parse the first box only.
    const auto data = box->data;
    if (data.size() < 8) fail(ErrorKind::format, "the manifest store is empty");
    const uint32_t store_size = (uint32_t{data[0]} << 24) | (uint32_t{data[1]} << 16) | (uint32_t{data[2]} << 8) | data[3];
    if (store_size < 8 || store_size > data.size()) fail(ErrorKind::format, "the manifest store's size is wrong");
    const jumbf::Node store = jumbf::parse_superbox(data.subspan(0, store_size));
    if (store.type != jumbf::type_uuid("c2pa")) fail(ErrorKind::format, "the store is not a C2PA manifest store");
    if (store.boxes.empty()) fail(ErrorKind::format, "the manifest store holds no manifest");
    const jumbf::Node& manifest = store.boxes.back();  // the active manifest is the last one (C2PA 15.5)
    const jumbf::Node* claim_box = manifest.child(kClaimLabel);
    if (!claim_box) claim_box = manifest.child("c2pa.claim");
    const jumbf::Node* signature_box = manifest.child(kSignatureLabel);
    if (!claim_box || !claim_box->content("cbor")) fail(ErrorKind::format, "claim.missing: the manifest has no claim");
    if (!signature_box || !signature_box->content("cbor"))
      fail(ErrorKind::format, "claimSignature.missing: the manifest has no claim signature");
    const auto claim_bytes = claim_box->content("cbor")->payload;
    const Value claim = cbor::decode(claim_bytes, "claim");
    check.claim = summary_of(manifest, claim);

    const cose::Sign1Check sig = cose::verify_sign1_detached(signature_box->content("cbor")->payload, claim_bytes);
    bool ok = sig.well_formed && sig.signature_valid;
    if (!sig.well_formed) check.problems.push_back("claimSignature.malformed: " + sig.problem);
    if (sig.well_formed && !sig.signature_valid) {
      check.problems.push_back("claimSignature.mismatch: " + sig.problem);
      check.tampered = true;
    }
    const ChainCheck chain = check_chain(sig.x5chain, trusted_root);
    check.claim["signer"] = chain.signer;
    if (!chain.profile_ok) {
      ok = false;
      check.problems.push_back("signingCredential.invalid: " + chain.problem);
    }

    const std::string claim_alg = claim.find("alg") && claim.find("alg")->is_text() ? claim.find("alg")->as_text() : "";
    bool hard_binding = false;
    for (const char* list : {"created_assertions", "gathered_assertions", "assertions"}) {
      const Value* uris = claim.find(list);
      if (!uris) continue;
      for (const auto& uri : uris->as_array()) {
        const std::string url = uri.find("url") ? uri.find("url")->as_text() : "";
        const std::string alg = uri.find("alg") ? uri.find("alg")->as_text() : claim_alg;
        const jumbf::Node* assertion = resolve(manifest, url);
        if (!assertion) {
          ok = false;
          check.problems.push_back("assertion.missing: " + url);
          continue;
        }
        if (alg != kHashAlg) {
          ok = false;
          check.problems.push_back("algorithm.unsupported: " + alg + " for " + url);
          continue;
        }
        if (!uri.find("hash") || sha256(assertion->body) != uri.find("hash")->as_bytes()) {
          ok = false;
          check.tampered = true;
          check.problems.push_back("assertion.hashedURI.mismatch: " + assertion->label);
          continue;
        }
        if (assertion->label.rfind("c2pa.hash.bmff.v3", 0) == 0 || assertion->label.rfind("c2pa.hash.bmff.v2", 0) == 0) {
          hard_binding = true;
          const Value binding = cbor::decode(assertion->content("cbor")->payload, assertion->label);
          const std::string balg = binding.find("alg") ? binding.find("alg")->as_text() : claim_alg;
          if (binding.find("merkle")) {
            ok = false;
            check.problems.push_back("assertion.bmffHash.malformed: Merkle trees are not supported here");
          } else if (balg != kHashAlg || !binding.find("hash")) {
            ok = false;
            check.problems.push_back("assertion.bmffHash.malformed: no SHA-256 hash");
          } else if (bmff::hash_v3(file, read_exclusions(*binding.find("exclusions"))) != binding.find("hash")->as_bytes()) {
            ok = false;
            check.tampered = true;
            check.problems.push_back("assertion.bmffHash.mismatch: the file's content differs from what was signed");
          }
        }
      }
    }
    if (!hard_binding) {
      ok = false;
      check.problems.push_back("claim.hardBindings.missing: no c2pa.hash.bmff.v3 assertion");
    }
    check.valid = ok;
    check.trusted = ok && chain.trusted;
    if (ok && !chain.trusted) check.problems.push_back("signingCredential.untrusted: " + chain.problem);
  } catch (const std::exception& e) {
    check.valid = false;
    check.problems.push_back(std::string("manifest.malformed: ") + e.what());
  }
  return check;
}

}  // namespace kinema::safety::c2pa
