// Command-line flags for `kinema` subcommands: --name value or --name=value, checked against a known list.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace kinema::cli {

class Args {
 public:
  // Parses argv after the subcommand; unknown flags or a missing value throw kinema::Error (invalid_input).
  // Flags in `switches` take no value.
  Args(const std::vector<std::string>& argv, const std::set<std::string>& flags, const std::set<std::string>& switches = {});

  bool has(const std::string& name) const { return values_.count(name) != 0; }
  std::string string(const std::string& name, const std::string& fallback = "") const;
  std::string required(const std::string& name) const;
  double number(const std::string& name, double fallback) const;
  long long integer(const std::string& name, long long fallback) const;
  unsigned long long unsigned_integer(const std::string& name, unsigned long long fallback) const;

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace kinema::cli
