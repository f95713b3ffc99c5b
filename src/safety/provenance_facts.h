// What Kinema records about a clip it made: the facts every provenance mark carries.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kinema::safety {

struct ProvenanceFacts {
  std::string model_name;      // the generator's model, from model.json ("kinema-tiny")
  std::string model_version;   // its version ("0.1")
  uint64_t seed = 0;           // the generation's seed
  uint32_t generation_id = 0;  // identifies the generation; the invisible watermark carries it. 0: drawn at random
  bool visible_mark = true;    // the moving "Kinema · AI" mark is drawn (turning it off is recorded, not hidden)
  // The invisible watermark is embedded. Off only for intermediates that are marked again when exported (a
  // studio take: its frames are assembled with others and watermarked once, with one id, by the export).
  bool watermark = true;
  std::string front_end;       // what made the file: "kinema generate", "Kinema Studio export", ...
  std::string title;           // the asset's title (dc:title); may be empty
  std::string settings;        // how it was made, for people ("30 steps, unipc, guidance 5"); may be empty
  // The cameos (their identity hashes) the clip shows. Signed into the manifest, so that an export made from
  // this file later can check their grants from what the file itself says, not from editable project data.
  std::vector<std::string> cameos;
};

}  // namespace kinema::safety
