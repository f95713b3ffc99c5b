// JUMBF (ISO/IEC 19566-5) boxes as C2PA uses them: superboxes with a labelled description box, and content boxes.
#include "safety/c2pa_jumbf.h"

#include <algorithm>
#include <cstring>

#include "core/error.h"

namespace kinema::safety::jumbf {

namespace {

// Description box toggles (ISO/IEC 19566-5 A.3): bit 0 requestable, 1 label, 2 ID, 3 signature, 4 private box.
constexpr uint8_t kRequestable = 0x01, kHasLabel = 0x02, kHasId = 0x04, kHasSignature = 0x08, kHasPrivate = 0x10;

[[noreturn]] void bad(const std::string& why) { fail(ErrorKind::format, "C2PA manifest store (JUMBF): " + why); }

void append_u32(Bytes& out, uint32_t v) {
  const size_t at = out.size();
  out.resize(at + 4);
  for (int i = 0; i < 4; ++i) out[at + i] = static_cast<uint8_t>(v >> (8 * (3 - i)));
}

void append(Bytes& out, std::span<const uint8_t> data) {
  const size_t at = out.size();
  out.resize(at + data.size());
  std::copy(data.begin(), data.end(), out.begin() + static_cast<ptrdiff_t>(at));
}

void append(Bytes& out, const char* text, size_t length) {
  append(out, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text), length));
}

uint32_t read_u32(std::span<const uint8_t> d, size_t at) {
  if (at + 4 > d.size()) bad("a box header is cut off");
  return (uint32_t{d[at]} << 24) | (uint32_t{d[at + 1]} << 16) | (uint32_t{d[at + 2]} << 8) | d[at + 3];
}

struct RawBox {
  std::string type;
  std::span<const uint8_t> whole, payload;
};

std::vector<RawBox> split_boxes(std::span<const uint8_t> data) {
  std::vector<RawBox> boxes;
  size_t at = 0;
  while (at < data.size()) {
    uint64_t size = read_u32(data, at);
    size_t header = 8;
    if (at + 8 > data.size()) bad("a box header is cut off");
    std::string type(reinterpret_cast<const char*>(data.data() + at + 4), 4);
    if (size == 1) {
      if (at + 16 > data.size()) bad("a 64-bit box size is cut off");
      size = (uint64_t{read_u32(data, at + 8)} << 32) | read_u32(data, at + 12);
      header = 16;
    } else if (size == 0) {
      size = data.size() - at;
    }
    if (size < header || size > data.size() - at) bad("box '" + type + "' does not fit its container");
    boxes.push_back({type, data.subspan(at, size), data.subspan(at + header, size - header)});
    at += size;
  }
  return boxes;
}

}  // namespace

TypeUuid type_uuid(const char (&fourcc)[5]) {
  TypeUuid uuid = {0, 0, 0, 0, 0x00, 0x11, 0x00, 0x10, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71};
  std::memcpy(uuid.data(), fourcc, 4);
  return uuid;
}

Bytes content_box(const char (&type)[5], std::span<const uint8_t> payload) {
  Bytes box;
  box.reserve(8 + payload.size());
  append_u32(box, static_cast<uint32_t>(8 + payload.size()));
  append(box, type, 4);
  append(box, payload);
  return box;
}

Bytes superbox(const TypeUuid& type, const std::string& label, const std::vector<Bytes>& children) {
  for (const char c : label)
    if (static_cast<unsigned char>(c) < 0x20 || c == '/' || c == ';' || c == '?' || c == '#' || c == 0x7f)
      fail(ErrorKind::internal, "JUMBF label '" + label + "' has a character C2PA forbids");
  const uint8_t toggles = kRequestable | kHasLabel;
  const size_t description_size = 8 + type.size() + 1 + label.size() + 1;
  size_t size = 8 + description_size;
  for (const auto& c : children) size += c.size();
  Bytes box;
  box.reserve(size);
  append_u32(box, static_cast<uint32_t>(size));
  append(box, "jumb", 4);
  append_u32(box, static_cast<uint32_t>(description_size));
  append(box, "jumd", 4);
  append(box, type);
  append(box, std::span<const uint8_t>(&toggles, 1));
  append(box, label.c_str(), label.size() + 1);  // with its terminating zero
  for (const auto& c : children) append(box, c);
  return box;
}

const Node* Node::child(const std::string& wanted) const {
  const Node* found = nullptr;
  for (const auto& b : boxes) {
    if (b.label != wanted) continue;
    if (found) bad("two boxes are labelled '" + wanted + "'");  // an ambiguous URI is unresolved (8.4.1)
    found = &b;
  }
  return found;
}

const Node::Content* Node::content(const std::string& type) const {
  for (const auto& c : contents)
    if (c.type == type) return &c;
  return nullptr;
}

Node parse_superbox(std::span<const uint8_t> data) {
  const auto outer = split_boxes(data);
  if (outer.size() != 1 || outer[0].type != "jumb") bad("expected one 'jumb' superbox");
  Node node;
  node.body = outer[0].payload;
  const auto inner = split_boxes(node.body);
  if (inner.empty() || inner[0].type != "jumd") bad("a superbox does not start with its description box");
  const auto d = inner[0].payload;
  if (d.size() < 17) bad("a description box is too short");
  std::copy_n(d.begin(), 16, node.type.begin());
  const uint8_t toggles = d[16];
  size_t at = 17;
  if (toggles & kHasLabel) {
    while (at < d.size() && d[at] != 0) node.label.push_back(static_cast<char>(d[at++]));
    if (at >= d.size()) bad("a label is not terminated");
    ++at;
  }
  if (toggles & kHasId) at += 4;
  if (toggles & kHasSignature) at += 32;
  if (at > d.size()) bad("a description box is shorter than its toggles say");
  (void)kHasPrivate;  // a private box (the C2PA salt) may follow; it is part of the hashed body either way
  for (size_t i = 1; i < inner.size(); ++i) {
    if (inner[i].type == "jumb")
      node.boxes.push_back(parse_superbox(inner[i].whole));
    else
      node.contents.push_back({inner[i].type, inner[i].payload});
  }
  return node;
}

}  // namespace kinema::safety::jumbf
