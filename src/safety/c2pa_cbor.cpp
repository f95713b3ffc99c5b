// A small CBOR (RFC 8949) value for C2PA claims, assertions and COSE: deterministic encoding, strict decoding.
#include "safety/c2pa_cbor.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "core/error.h"

namespace kinema::safety::cbor {

namespace {

[[noreturn]] void type_error(const char* expected) {
  fail(ErrorKind::format, std::string("CBOR: expected ") + expected);
}

// RFC 8949 3.1: the head is the major type in the top three bits and the argument in the shortest form.
void write_head(Bytes& out, uint8_t major, uint64_t argument) {
  const uint8_t m = static_cast<uint8_t>(major << 5);
  if (argument < 24) {
    out.push_back(static_cast<uint8_t>(m | argument));
    return;
  }
  int length = 8;
  uint8_t info = 27;
  if (argument <= 0xff) {
    length = 1;
    info = 24;
  } else if (argument <= 0xffff) {
    length = 2;
    info = 25;
  } else if (argument <= 0xffffffffu) {
    length = 4;
    info = 26;
  }
  out.push_back(static_cast<uint8_t>(m | info));
  for (int i = length - 1; i >= 0; --i) out.push_back(static_cast<uint8_t>(argument >> (8 * i)));
}

class Reader {
 public:
  Reader(std::span<const uint8_t> data, const std::string& what) : data_(data), what_(what) {}

  Value item(int depth) {
    if (depth > kMaxDepth) bad("nesting deeper than " + std::to_string(kMaxDepth));
    const uint8_t initial = byte();
    const uint8_t major = initial >> 5;
    const uint8_t info = initial & 0x1f;
    if (major == 7) return simple_or_float(info);
    const uint64_t arg = argument(info);
    switch (major) {
      case 0:
        if (arg > static_cast<uint64_t>(INT64_MAX)) bad("integer too large");
        return Value::integer(static_cast<int64_t>(arg));
      case 1:
        if (arg > static_cast<uint64_t>(INT64_MAX)) bad("negative integer too large");
        return Value::integer(-1 - static_cast<int64_t>(arg));
      case 2: {
        const auto span = take(arg);
        return Value::bytes(Bytes(span.begin(), span.end()));
      }
      case 3: {
        const auto span = take(arg);
        return Value::text(std::string(span.begin(), span.end()));
      }
      case 4: {
        if (arg > remaining()) bad("array longer than the data");
        Array items;
        items.reserve(arg);
        for (uint64_t i = 0; i < arg; ++i) items.push_back(item(depth + 1));
        return Value::array(std::move(items));
      }
      case 5: {
        if (arg > remaining() / 2) bad("map longer than the data");
        Map entries;
        entries.reserve(arg);
        for (uint64_t i = 0; i < arg; ++i) {
          Value key = item(depth + 1);
          Value value = item(depth + 1);
          entries.emplace_back(std::move(key), std::move(value));
        }
        return Value::map(std::move(entries));
      }
      default:  // 6: tag
        return Value::tagged(arg, item(depth + 1));
    }
  }

  bool done() const { return pos_ == data_.size(); }

 private:
  static constexpr int kMaxDepth = 64;

  [[noreturn]] void bad(const std::string& why) const {
    fail(ErrorKind::format, what_ + ": malformed CBOR at byte " + std::to_string(pos_) + ": " + why);
  }
  size_t remaining() const { return data_.size() - pos_; }
  uint8_t byte() {
    if (pos_ >= data_.size()) bad("data ends inside an item");
    return data_[pos_++];
  }
  std::span<const uint8_t> take(uint64_t n) {
    if (n > remaining()) bad("string longer than the data");
    const auto span = data_.subspan(pos_, static_cast<size_t>(n));
    pos_ += static_cast<size_t>(n);
    return span;
  }
  uint64_t big_endian(int n) {
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v = (v << 8) | byte();
    return v;
  }
  uint64_t argument(uint8_t info) {
    if (info < 24) return info;
    switch (info) {
      case 24: return big_endian(1);
      case 25: return big_endian(2);
      case 26: return big_endian(4);
      case 27: return big_endian(8);
      case 31: bad("indefinite lengths are not allowed");
      default: bad("reserved additional information " + std::to_string(info));
    }
  }
  Value simple_or_float(uint8_t info) {
    if (info >= 20 && info <= 23) return simple(info);
    if (info == 25) return Value::floating(half_to_double(static_cast<uint16_t>(big_endian(2))));
    if (info == 26) return Value::floating(static_cast<double>(std::bit_cast<float>(static_cast<uint32_t>(big_endian(4)))));
    if (info == 27) return Value::floating(std::bit_cast<double>(big_endian(8)));
    bad("unsupported simple value " + std::to_string(info));
  }
  static Value simple(uint8_t info) {
    switch (info) {
      case 20: return Value::boolean(false);
      case 21: return Value::boolean(true);
      default: return Value::null();  // null and undefined read alike
    }
  }
  // IEEE 754 half precision (RFC 8949 appendix D).
  static double half_to_double(uint16_t half) {
    const int exponent = (half >> 10) & 0x1f;
    const int mantissa = half & 0x3ff;
    double value;
    if (exponent == 0)
      value = std::ldexp(mantissa, -24);
    else if (exponent != 31)
      value = std::ldexp(mantissa + 1024, exponent - 25);
    else
      value = mantissa == 0 ? INFINITY : NAN;
    return (half & 0x8000) ? -value : value;
  }

  std::span<const uint8_t> data_;
  const std::string& what_;
  size_t pos_ = 0;
};

}  // namespace

int64_t Value::as_integer() const {
  if (!is_integer()) type_error("an integer");
  return std::get<int64_t>(data_);
}
const std::string& Value::as_text() const {
  if (!is_text()) type_error("a text string");
  return std::get<std::string>(data_);
}
const Bytes& Value::as_bytes() const {
  if (!is_bytes()) type_error("a byte string");
  return std::get<Bytes>(data_);
}
const Array& Value::as_array() const {
  if (!is_array()) type_error("an array");
  return std::get<Array>(data_);
}
const Map& Value::as_map() const {
  if (!is_map()) type_error("a map");
  return std::get<Map>(data_);
}
const Tagged& Value::as_tagged() const {
  if (!is_tagged()) type_error("a tagged item");
  return std::get<Tagged>(data_);
}
bool Value::as_bool() const {
  if (!is_bool()) type_error("a boolean");
  return is_simple(Simple::true_value);
}
double Value::as_float() const {
  if (is_integer()) return static_cast<double>(std::get<int64_t>(data_));
  if (!is_float()) type_error("a number");
  return std::get<double>(data_);
}

const Value* Value::find(const std::string& key) const {
  if (!is_map()) return nullptr;
  for (const auto& [k, v] : std::get<Map>(data_))
    if (k.is_text() && k.as_text() == key) return &v;
  return nullptr;
}

const Value* Value::find(int64_t key) const {
  if (!is_map()) return nullptr;
  for (const auto& [k, v] : std::get<Map>(data_))
    if (k.is_integer() && k.as_integer() == key) return &v;
  return nullptr;
}

bool operator==(const Value& a, const Value& b) { return encode(a) == encode(b); }

void encode_into(const Value& value, Bytes& out) {
  const auto& d = value.data_;
  if (const auto* i = std::get_if<int64_t>(&d)) {
    if (*i >= 0)
      write_head(out, 0, static_cast<uint64_t>(*i));
    else
      write_head(out, 1, static_cast<uint64_t>(-1 - *i));
  } else if (const auto* s = std::get_if<std::string>(&d)) {
    write_head(out, 3, s->size());
    out.insert(out.end(), s->begin(), s->end());
  } else if (const auto* b = std::get_if<Bytes>(&d)) {
    write_head(out, 2, b->size());
    out.insert(out.end(), b->begin(), b->end());
  } else if (const auto* a = std::get_if<Array>(&d)) {
    write_head(out, 4, a->size());
    for (const auto& item : *a) encode_into(item, out);
  } else if (const auto* m = std::get_if<Map>(&d)) {
    std::vector<std::pair<Bytes, const Value*>> entries;
    entries.reserve(m->size());
    for (const auto& [k, v] : *m) entries.emplace_back(encode(k), &v);
    // RFC 8949 4.2.1: keys sorted in bytewise lexicographic order of their deterministic encodings.
    std::sort(entries.begin(), entries.end(), [](const auto& x, const auto& y) {
      const size_t n = std::min(x.first.size(), y.first.size());
      const int order = n == 0 ? 0 : std::memcmp(x.first.data(), y.first.data(), n);
      return order != 0 ? order < 0 : x.first.size() < y.first.size();
    });
    for (size_t i = 1; i < entries.size(); ++i)
      if (entries[i].first == entries[i - 1].first) fail(ErrorKind::internal, "CBOR: duplicate map key");
    write_head(out, 5, entries.size());
    for (const auto& [key, v] : entries) {
      out.insert(out.end(), key.begin(), key.end());
      encode_into(*v, out);
    }
  } else if (const auto* t = std::get_if<Tagged>(&d)) {
    write_head(out, 6, t->tag);
    encode_into(*t->value, out);
  } else if (const auto* f = std::get_if<double>(&d)) {
    out.push_back(0xfb);
    const uint64_t bits = std::bit_cast<uint64_t>(*f);
    for (int i = 7; i >= 0; --i) out.push_back(static_cast<uint8_t>(bits >> (8 * i)));
  } else {
    out.push_back(static_cast<uint8_t>(0xe0 | static_cast<uint8_t>(std::get<Simple>(d))));
  }
}

Bytes encode(const Value& value) {
  Bytes out;
  encode_into(value, out);
  return out;
}

Value decode(std::span<const uint8_t> data, const std::string& what) {
  Reader reader(data, what);
  Value value = reader.item(0);
  if (!reader.done()) fail(ErrorKind::format, what + ": trailing bytes after the CBOR item");
  return value;
}

}  // namespace kinema::safety::cbor
