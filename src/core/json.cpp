// JSON files and config objects read with errors that name the file and the key.
#include "core/json.h"

#include <fstream>
#include <sstream>

#include "core/atomic_file.h"
#include "core/error.h"

namespace kinema {

Json read_json_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(ErrorKind::io, "cannot read " + path.string() + ": no such file or not readable");
  std::stringstream buffer;
  buffer << in.rdbuf();
  try {
    return Json::parse(buffer.str());
  } catch (const Json::exception& e) {
    fail(ErrorKind::format, path.string() + ": not valid JSON: " + e.what());
  }
}

void write_json_file(const std::filesystem::path& path, const Json& json) {
  const std::string text = json.dump(2) + "\n";
  write_file_atomically(path, text.data(), text.size());
}

ConfigReader::ConfigReader(const Json& object, std::string where) : object_(object), where_(std::move(where)) {
  if (!object_.is_object()) fail(ErrorKind::format, where_ + ": expected a JSON object");
}

bool ConfigReader::has(const std::string& key) const { return object_.contains(key); }

void ConfigReader::error(const std::string& key, const std::string& message) const {
  fail(ErrorKind::format, where_ + "." + key + ": " + message);
}

const Json& ConfigReader::at(const std::string& key) const {
  auto it = object_.find(key);
  if (it == object_.end()) error(key, "missing");
  return *it;
}

ConfigReader ConfigReader::child(const std::string& key) const {
  const Json& value = at(key);
  if (!value.is_object()) error(key, "expected an object");
  return ConfigReader(value, where_ + "." + key);
}

int64_t ConfigReader::integer(const std::string& key, int64_t min, int64_t max) const {
  const Json& value = at(key);
  if (!value.is_number_integer()) error(key, "expected an integer");
  const int64_t v = value.get<int64_t>();
  if (v < min || v > max)
    error(key, std::to_string(v) + " is out of range [" + std::to_string(min) + ", " + std::to_string(max) + "]");
  return v;
}

int64_t ConfigReader::integer_or(const std::string& key, int64_t fallback, int64_t min, int64_t max) const {
  return has(key) ? integer(key, min, max) : fallback;
}

double ConfigReader::number(const std::string& key, double min, double max) const {
  const Json& value = at(key);
  if (!value.is_number()) error(key, "expected a number");
  const double v = value.get<double>();
  if (!(v >= min && v <= max))
    error(key, std::to_string(v) + " is out of range [" + std::to_string(min) + ", " + std::to_string(max) + "]");
  return v;
}

double ConfigReader::number_or(const std::string& key, double fallback, double min, double max) const {
  return has(key) ? number(key, min, max) : fallback;
}

bool ConfigReader::boolean(const std::string& key) const {
  const Json& value = at(key);
  if (!value.is_boolean()) error(key, "expected true or false");
  return value.get<bool>();
}

bool ConfigReader::boolean_or(const std::string& key, bool fallback) const {
  return has(key) ? boolean(key) : fallback;
}

std::string ConfigReader::string(const std::string& key) const {
  const Json& value = at(key);
  if (!value.is_string()) error(key, "expected a string");
  return value.get<std::string>();
}

std::string ConfigReader::string_or(const std::string& key, const std::string& fallback) const {
  return has(key) ? string(key) : fallback;
}

std::vector<int64_t> ConfigReader::integers(const std::string& key, size_t count, int64_t min, int64_t max) const {
  const Json& value = at(key);
  if (!value.is_array() || (count != 0 && value.size() != count))
    error(key, count ? "expected a list of " + std::to_string(count) + " integers" : "expected a list of integers");
  std::vector<int64_t> out;
  for (const Json& item : value) {
    if (!item.is_number_integer()) error(key, "expected a list of integers");
    const int64_t v = item.get<int64_t>();
    if (v < min || v > max) error(key, "value " + std::to_string(v) + " is out of range");
    out.push_back(v);
  }
  return out;
}

}  // namespace kinema
