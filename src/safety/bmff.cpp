// ISO BMFF (ISO/IEC 14496-12) as C2PA needs it: box layout, the C2PA 'uuid' box, inserting it after 'ftyp' with
// the chunk offsets moved, and the c2pa.hash.bmff.v3 hash (C2PA 2.2, 18.6 and A.5).
#include "safety/bmff.h"

#include <algorithm>
#include <cstring>

#include "core/error.h"
#include "safety/c2pa_hash.h"

namespace kinema::safety::bmff {

const Uuid kC2paUuid = {0xD8, 0xFE, 0xC3, 0xD6, 0x1B, 0x0E, 0x48, 0x3C,
                        0x92, 0x97, 0x58, 0x28, 0x87, 0x7E, 0xC4, 0x81};

namespace {

constexpr const char* kManifestPurpose = "manifest";

[[noreturn]] void bad(const std::string& why) { fail(ErrorKind::format, "MP4 box structure: " + why); }

uint64_t read_be(std::span<const uint8_t> data, uint64_t at, int bytes) {
  if (at + bytes > data.size()) bad("a field runs past the end of the file");
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | data[at + i];
  return v;
}

void write_be(uint8_t* out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) {
    out[i] = static_cast<uint8_t>(v);
    v >>= 8;
  }
}

const Box* first_of(const std::vector<Box>& boxes, const std::string& type) {
  for (const auto& b : boxes)
    if (b.type == type) return &b;
  return nullptr;
}

std::vector<Box> children(std::span<const uint8_t> file, const Box& parent, uint64_t skip = 0) {
  return read_boxes(file, parent.offset + parent.header + skip, parent.end());
}

// Moves every chunk offset in moov/trak/mdia/minf/stbl/{stco,co64} by `delta` (bytes are in `file`, in place).
void move_chunk_offsets(Bytes& file, const Box& moov, uint64_t delta) {
  for (const auto& trak : children(file, moov)) {
    if (trak.type != "trak") continue;
    for (const auto& mdia : children(file, trak)) {
      if (mdia.type != "mdia") continue;
      for (const auto& minf : children(file, mdia)) {
        if (minf.type != "minf") continue;
        for (const auto& stbl : children(file, minf)) {
          if (stbl.type != "stbl") continue;
          for (const auto& table : children(file, stbl)) {
            if (table.type != "stco" && table.type != "co64") continue;
            const int width = table.type == "stco" ? 4 : 8;
            const uint64_t count_at = table.offset + table.header + 4;  // after FullBox version and flags
            const uint64_t count = read_be(file, count_at, 4);
            if (count_at + 4 + count * width > table.end()) bad(table.type + " holds more entries than fit");
            for (uint64_t i = 0; i < count; ++i) {
              const uint64_t at = count_at + 4 + i * width;
              const uint64_t moved = read_be(file, at, width) + delta;
              if (width == 4 && moved > 0xffffffffu) bad("a chunk offset would pass 4 GiB; stco cannot hold it");
              write_be(file.data() + at, moved, width);
            }
          }
        }
      }
    }
  }
}

struct XpathNode {
  std::string type;
  uint64_t index = 0;  // 1-based among siblings of the same type; 0: any
};

std::vector<XpathNode> parse_xpath(const std::string& xpath) {
  if (xpath.empty() || xpath[0] != '/') bad("exclusion xpath '" + xpath + "' is not a full path");
  std::vector<XpathNode> nodes;
  size_t pos = 1;
  while (pos <= xpath.size()) {
    const size_t slash = std::min(xpath.find('/', pos), xpath.size());
    const std::string part = xpath.substr(pos, slash - pos);
    XpathNode node;
    const size_t bracket = part.find('[');
    node.type = part.substr(0, bracket);
    if (node.type.size() != 4) bad("exclusion xpath '" + xpath + "' names a box type that is not four characters");
    if (bracket != std::string::npos) {
      if (part.back() != ']') bad("exclusion xpath '" + xpath + "' has an unclosed index");
      const std::string digits = part.substr(bracket + 1, part.size() - bracket - 2);
      if (digits.empty() || digits[0] == '0' || !std::all_of(digits.begin(), digits.end(), ::isdigit))
        bad("exclusion xpath '" + xpath + "' has a bad index");
      node.index = std::stoull(digits);
    }
    nodes.push_back(node);
    pos = slash + 1;
  }
  return nodes;
}

bool matches_conditions(std::span<const uint8_t> file, const Box& box, const Exclusion& ex) {
  if (ex.length && *ex.length != box.size) return false;
  const uint64_t payload = box.offset + box.header;
  if (ex.version) {
    if (payload + 4 > box.end() || file[payload] != *ex.version) return false;
  }
  if (ex.flags) {
    if (payload + 4 > box.end()) return false;
    for (int i = 0; i < 3; ++i) {
      const uint8_t have = file[payload + 1 + i];
      const uint8_t want = (*ex.flags)[i];
      if (ex.exact ? have != want : (have & want) != want) return false;
    }
  }
  for (const auto& [offset, value] : ex.data) {
    if (box.offset + offset + value.size() > box.end()) return false;
    if (!std::equal(value.begin(), value.end(), file.begin() + static_cast<ptrdiff_t>(box.offset + offset)))
      return false;
  }
  return true;
}

void collect_matches(std::span<const uint8_t> file, const std::vector<Box>& siblings,
                     const std::vector<XpathNode>& nodes, size_t level, std::vector<Box>& out) {
  uint64_t seen = 0;
  for (const auto& box : siblings) {
    if (box.type != nodes[level].type) continue;
    ++seen;
    if (nodes[level].index != 0 && seen != nodes[level].index) continue;
    if (level + 1 == nodes.size())
      out.push_back(box);
    else
      collect_matches(file, children(file, box), nodes, level + 1, out);
  }
}

struct Range {
  uint64_t begin, end;
};

}  // namespace

std::vector<Box> read_boxes(std::span<const uint8_t> file, uint64_t begin, uint64_t end) {
  std::vector<Box> boxes;
  uint64_t at = begin;
  while (at < end) {
    if (end - at < 8) bad("a box header is cut off at byte " + std::to_string(at));
    Box box;
    box.offset = at;
    box.size = read_be(file, at, 4);
    box.type.assign(reinterpret_cast<const char*>(file.data() + at + 4), 4);
    if (box.size == 1) {
      box.size = read_be(file, at + 8, 8);
      box.header = 16;
    } else if (box.size == 0) {
      box.size = end - at;  // extends to the end of its container
    }
    if (box.type == "uuid") {
      if (at + box.header + 16 > end) bad("a 'uuid' box is cut off at byte " + std::to_string(at));
      std::copy_n(file.begin() + static_cast<ptrdiff_t>(at + box.header), 16, box.user_type.begin());
      box.header += 16;
    }
    if (box.size < box.header || box.size > end - at)
      bad("box '" + box.type + "' at byte " + std::to_string(at) + " has size " + std::to_string(box.size) +
          ", which does not fit its container");
    boxes.push_back(box);
    at += box.size;
  }
  return boxes;
}

std::vector<Box> top_level_boxes(std::span<const uint8_t> file) { return read_boxes(file, 0, file.size()); }

Bytes c2pa_box(std::span<const uint8_t> manifest_store, size_t padding) {
  const size_t purpose = std::strlen(kManifestPurpose) + 1;  // with its terminating zero
  const uint64_t size = 8 + 16 + 4 + purpose + 8 + manifest_store.size() + padding;
  if (size > 0xffffffffu) fail(ErrorKind::invalid_input, "a C2PA manifest store of 4 GiB does not fit one box");
  Bytes box(size, 0);  // FullBox version and flags, the Merkle offset and the padding stay zero
  write_be(box.data(), size, 4);
  std::memcpy(box.data() + 4, "uuid", 4);
  std::copy(kC2paUuid.begin(), kC2paUuid.end(), box.begin() + 8);
  std::memcpy(box.data() + 28, kManifestPurpose, purpose);
  std::copy(manifest_store.begin(), manifest_store.end(), box.begin() + static_cast<ptrdiff_t>(28 + purpose + 8));
  return box;
}

std::optional<C2paBox> find_manifest_box(std::span<const uint8_t> file) {
  for (const auto& box : top_level_boxes(file)) {
    if (box.type != "uuid" || box.user_type != kC2paUuid) continue;
    uint64_t at = box.offset + box.header + 4;  // FullBox version and flags
    const uint64_t end = box.end();
    std::string purpose;
    while (at < end && file[at] != 0) purpose.push_back(static_cast<char>(file[at++]));
    if (at >= end) bad("the C2PA box's purpose string is not terminated");
    ++at;
    if (purpose != "manifest" && purpose != "original") continue;
    if (at + 8 > end) bad("the C2PA box is too short for its Merkle offset");
    at += 8;
    return C2paBox{box, purpose, file.subspan(at, end - at)};
  }
  return std::nullopt;
}

Bytes insert_after_ftyp(std::span<const uint8_t> file, std::span<const uint8_t> box) {
  const auto boxes = top_level_boxes(file);
  if (boxes.empty() || boxes[0].type != "ftyp") bad("the file does not start with an 'ftyp' box");
  for (const auto& b : boxes)
    if (b.type == "moof" || b.type == "sidx") bad("fragmented MP4 files are not supported");
  const Box* moov = first_of(boxes, "moov");
  if (!moov) bad("the file has no 'moov' box");
  const uint64_t at = boxes[0].end();
  Bytes out;
  out.reserve(file.size() + box.size());
  out.insert(out.end(), file.begin(), file.begin() + static_cast<ptrdiff_t>(at));
  out.insert(out.end(), box.begin(), box.end());
  out.insert(out.end(), file.begin() + static_cast<ptrdiff_t>(at), file.end());
  Box moved_moov = *moov;
  moved_moov.offset += box.size();
  // Every chunk lives in an 'mdat' after 'ftyp', so every chunk offset moves.
  move_chunk_offsets(out, moved_moov, box.size());
  return out;
}

std::vector<Exclusion> mandatory_exclusions() {
  Exclusion c2pa;
  c2pa.xpath = "/uuid";
  c2pa.data.emplace_back(8, Bytes(kC2paUuid.begin(), kC2paUuid.end()));
  Exclusion ftyp;
  ftyp.xpath = "/ftyp";
  Exclusion mfra;
  mfra.xpath = "/mfra";
  return {c2pa, ftyp, mfra};
}

Bytes hash_v3(std::span<const uint8_t> file, const std::vector<Exclusion>& exclusions) {
  const auto roots = top_level_boxes(file);
  std::vector<Range> excluded;
  for (const auto& ex : exclusions) {
    const auto nodes = parse_xpath(ex.xpath);
    std::vector<Box> matched;
    collect_matches(file, roots, nodes, 0, matched);
    for (const auto& box : matched) {
      if (!matches_conditions(file, box, ex)) continue;
      if (ex.subset.empty()) {
        excluded.push_back({box.offset, box.end()});
        continue;
      }
      for (const auto& [offset, length] : ex.subset) {
        const uint64_t begin = std::min(box.offset + offset, box.end());
        const uint64_t end = length == 0 ? box.end() : std::min(begin + length, box.end());
        if (begin < end) excluded.push_back({begin, end});
      }
    }
  }
  std::sort(excluded.begin(), excluded.end(), [](const Range& a, const Range& b) { return a.begin < b.begin; });

  Sha256 hash;
  for (const auto& root : roots) {
    const bool whole = std::any_of(excluded.begin(), excluded.end(),
                                   [&](const Range& r) { return r.begin <= root.offset && r.end >= root.end(); });
    if (whole) continue;
    uint8_t offset[8];
    write_be(offset, root.offset, 8);
    hash.update(offset);
    uint64_t at = root.offset;
    for (const auto& r : excluded) {
      if (r.end <= at || r.begin >= root.end()) continue;
      if (r.begin > at) hash.update(file.subspan(at, r.begin - at));
      at = std::max(at, std::min(r.end, root.end()));
    }
    if (at < root.end()) hash.update(file.subspan(at, root.end() - at));
  }
  return hash.finish();
}

}  // namespace kinema::safety::bmff
