// JSON files and config objects read with errors that name the file and the key.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kinema {

using Json = nlohmann::json;

// Parses a JSON file; errors name the file and the parser's message.
Json read_json_file(const std::filesystem::path& path);

// Writes JSON (indented) atomically.
void write_json_file(const std::filesystem::path& path, const Json& json);

// Reads typed values from one JSON object; every error names where ("model.json: dit.width").
class ConfigReader {
 public:
  ConfigReader(const Json& object, std::string where);

  bool has(const std::string& key) const;
  ConfigReader child(const std::string& key) const;

  int64_t integer(const std::string& key, int64_t min, int64_t max) const;
  int64_t integer_or(const std::string& key, int64_t fallback, int64_t min, int64_t max) const;
  double number(const std::string& key, double min, double max) const;
  double number_or(const std::string& key, double fallback, double min, double max) const;
  bool boolean(const std::string& key) const;
  bool boolean_or(const std::string& key, bool fallback) const;
  std::string string(const std::string& key) const;
  std::string string_or(const std::string& key, const std::string& fallback) const;
  std::vector<int64_t> integers(const std::string& key, size_t count, int64_t min, int64_t max) const;

  [[noreturn]] void error(const std::string& key, const std::string& message) const;
  const std::string& where() const { return where_; }

 private:
  const Json& at(const std::string& key) const;

  const Json& object_;
  std::string where_;
};

}  // namespace kinema
