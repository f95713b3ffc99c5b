// A small CBOR (RFC 8949) value for C2PA claims, assertions and COSE: deterministic encoding, strict decoding.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace kinema::safety::cbor {

using Bytes = std::vector<uint8_t>;

class Value;
using Array = std::vector<Value>;
using Map = std::vector<std::pair<Value, Value>>;  // kept in insertion order; encode() sorts the keys

enum class Simple : uint8_t { false_value = 20, true_value = 21, null = 22, undefined = 23 };

struct Tagged {
  uint64_t tag = 0;
  std::shared_ptr<const Value> value;
};

class Value {
 public:
  Value() : data_(Simple::null) {}
  static Value integer(int64_t v) { return Value(v); }
  static Value text(std::string v) { return Value(std::move(v)); }
  static Value bytes(Bytes v) { return Value(std::move(v)); }
  static Value array(Array v) { return Value(std::move(v)); }
  static Value map(Map v) { return Value(std::move(v)); }
  static Value boolean(bool v) { return Value(v ? Simple::true_value : Simple::false_value); }
  static Value null() { return Value(Simple::null); }
  static Value tagged(uint64_t tag, Value v) { return Value(Tagged{tag, std::make_shared<const Value>(std::move(v))}); }
  static Value floating(double v) { return Value(v); }

  bool is_integer() const { return std::holds_alternative<int64_t>(data_); }
  bool is_text() const { return std::holds_alternative<std::string>(data_); }
  bool is_bytes() const { return std::holds_alternative<Bytes>(data_); }
  bool is_array() const { return std::holds_alternative<Array>(data_); }
  bool is_map() const { return std::holds_alternative<Map>(data_); }
  bool is_tagged() const { return std::holds_alternative<Tagged>(data_); }
  bool is_float() const { return std::holds_alternative<double>(data_); }
  bool is_simple(Simple s) const { return std::holds_alternative<Simple>(data_) && std::get<Simple>(data_) == s; }
  bool is_null() const { return is_simple(Simple::null); }
  bool is_bool() const { return is_simple(Simple::true_value) || is_simple(Simple::false_value); }

  // Typed access; each throws kinema::Error (format) naming what was expected when the type differs.
  int64_t as_integer() const;
  const std::string& as_text() const;
  const Bytes& as_bytes() const;
  const Array& as_array() const;
  const Map& as_map() const;
  const Tagged& as_tagged() const;
  bool as_bool() const;
  double as_float() const;

  // In a map: the value under a text key, or under an integer key; nullptr when absent or not a map.
  const Value* find(const std::string& key) const;
  const Value* find(int64_t key) const;

  friend bool operator==(const Value& a, const Value& b);

 private:
  using Data = std::variant<int64_t, std::string, Bytes, Array, Map, Tagged, Simple, double>;
  template <typename T>
  explicit Value(T v) : data_(std::move(v)) {}
  Data data_;
  friend Bytes encode(const Value&);
  friend void encode_into(const Value&, Bytes&);
};

// Encodes with RFC 8949 4.2.1 core deterministic rules: shortest heads, definite lengths, map keys sorted by
// their encoded bytes. Floats are written as 64-bit.
Bytes encode(const Value& value);

// Decodes exactly one item spanning all of `data`. Throws kinema::Error (format) on malformed, truncated,
// indefinite-length or too deeply nested input, naming `what`.
Value decode(std::span<const uint8_t> data, const std::string& what = "CBOR");

}  // namespace kinema::safety::cbor
