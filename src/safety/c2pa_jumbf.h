// JUMBF (ISO/IEC 19566-5) boxes as C2PA uses them: superboxes with a labelled description box, and content boxes.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace kinema::safety::jumbf {

using Bytes = std::vector<uint8_t>;
using TypeUuid = std::array<uint8_t, 16>;

// A C2PA JUMBF type: the four characters followed by 0011-0010-8000-00AA00389B71 (C2PA 2.2, 11.1.4).
TypeUuid type_uuid(const char (&fourcc)[5]);

// A content box: 4-byte length, 4-character type ('cbor', 'json', ...), payload.
Bytes content_box(const char (&type)[5], std::span<const uint8_t> payload);

// A superbox ('jumb') holding a description box ('jumd': type, toggles "requestable + label", the label) and
// then `children` (content boxes or superboxes, already serialised), in order.
Bytes superbox(const TypeUuid& type, const std::string& label, const std::vector<Bytes>& children);

// A superbox read back. Children are either superboxes or content boxes, in file order.
struct Node {
  TypeUuid type{};
  std::string label;
  std::span<const uint8_t> body;  // everything after the superbox header: the description box and the children;
                                  // hashed URIs hash exactly this (C2PA 8.4.2.3)
  std::vector<Node> boxes;        // child superboxes
  struct Content {
    std::string type;
    std::span<const uint8_t> payload;
  };
  std::vector<Content> contents;  // child content boxes

  const Node* child(const std::string& label) const;  // the one child superbox with this label
  const Content* content(const std::string& type) const;
};

// Parses one superbox spanning all of `data`. Throws kinema::Error (format) naming what is wrong.
Node parse_superbox(std::span<const uint8_t> data);

}  // namespace kinema::safety::jumbf
