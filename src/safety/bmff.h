// ISO BMFF (ISO/IEC 14496-12) as C2PA needs it: box layout, the C2PA 'uuid' box, inserting it after 'ftyp' with
// the chunk offsets moved, and the c2pa.hash.bmff.v3 hash (C2PA 2.2, 18.6 and A.5).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace kinema::safety::bmff {

using Bytes = std::vector<uint8_t>;
using Uuid = std::array<uint8_t, 16>;

// The extended type of the box that carries C2PA data in BMFF files: D8FEC3D6-1B0E-483C-9297-5828877EC481.
extern const Uuid kC2paUuid;

struct Box {
  std::string type;      // the four-character code
  uint64_t offset = 0;   // from the start of the file
  uint64_t size = 0;     // the whole box, header included
  uint32_t header = 8;   // bytes before the payload: 8, 16 with a 64-bit size, +16 for a 'uuid' extended type
  Uuid user_type{};      // for 'uuid' boxes
  uint64_t end() const { return offset + size; }
};

// The boxes that tile [begin, end) of `file`. Throws kinema::Error (format) when a box runs past `end`.
std::vector<Box> read_boxes(std::span<const uint8_t> file, uint64_t begin, uint64_t end);
std::vector<Box> top_level_boxes(std::span<const uint8_t> file);

// A C2PA ContentProvenanceBox (A.5.1): FullBox 'uuid' with box_purpose "manifest", a zero Merkle offset,
// the manifest store, then `padding` zero bytes.
Bytes c2pa_box(std::span<const uint8_t> manifest_store, size_t padding = 0);

struct C2paBox {
  Box box;
  std::string purpose;                   // "manifest", "original", "update" or "merkle"
  std::span<const uint8_t> data;         // after the purpose and the 8-byte offset: the store plus any padding
};

// The first top-level C2PA box whose purpose is "manifest"; nullopt when the file has none.
std::optional<C2paBox> find_manifest_box(std::span<const uint8_t> file);

// The file with `box` inserted right after the top-level 'ftyp' box and every stco/co64 chunk offset moved by
// its size. Throws kinema::Error (format) for files it cannot safely rewrite (fragmented, no ftyp or moov).
Bytes insert_after_ftyp(std::span<const uint8_t> file, std::span<const uint8_t> box);

// One entry of a c2pa.hash.bmff.v3 exclusion list (18.6.3, exclusions-map).
struct Exclusion {
  std::string xpath;                                     // "/uuid", "/moov[1]/pssh"
  std::optional<uint64_t> length;                        // the box's whole size must equal this
  std::vector<std::pair<uint64_t, Bytes>> data;          // bytes that must sit at these offsets in the box
  std::vector<std::pair<uint64_t, uint64_t>> subset;     // (offset, length) excluded parts; length 0: to the end
  std::optional<int64_t> version;                        // FullBox version
  std::optional<std::array<uint8_t, 3>> flags;           // FullBox flags
  bool exact = true;                                     // flags must match exactly (else: at least these bits)
};

// The exclusions A.5.6 makes mandatory: the C2PA 'uuid' box, 'ftyp' and 'mfra'.
std::vector<Exclusion> mandatory_exclusions();

// SHA-256 over the file as 18.6.2 defines it: every top-level box not excluded whole contributes its 8-byte
// big-endian file offset, then its bytes minus excluded ranges. Throws kinema::Error (format) for a bad xpath.
Bytes hash_v3(std::span<const uint8_t> file, const std::vector<Exclusion>& exclusions);

}  // namespace kinema::safety::bmff
