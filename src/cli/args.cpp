// Command-line flags for `kinema` subcommands.
#include "cli/args.h"

#include <cerrno>
#include <cstdlib>

#include "core/error.h"

namespace kinema::cli {

Args::Args(const std::vector<std::string>& argv, const std::set<std::string>& flags, const std::set<std::string>& switches) {
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (arg.rfind("--", 0) != 0) fail(ErrorKind::invalid_input, "unexpected argument '" + arg + "'");
    std::string name = arg.substr(2), value;
    const auto eq = name.find('=');
    const bool inline_value = eq != std::string::npos;
    if (inline_value) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (switches.count(name)) {
      if (inline_value) fail(ErrorKind::invalid_input, "--" + name + " takes no value");
      values_[name] = "1";
      continue;
    }
    if (!flags.count(name)) fail(ErrorKind::invalid_input, "unknown option --" + name);
    if (!inline_value) {
      if (i + 1 >= argv.size()) fail(ErrorKind::invalid_input, "--" + name + " needs a value");
      value = argv[++i];
    }
    values_[name] = value;
  }
}

std::string Args::string(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

std::string Args::required(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) fail(ErrorKind::invalid_input, "--" + name + " is required");
  return it->second;
}

double Args::number(const std::string& name, double fallback) const {
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(it->second.c_str(), &end);
  if (it->second.empty() || *end != '\0' || errno != 0)
    fail(ErrorKind::invalid_input, "--" + name + " expects a number, not '" + it->second + "'");
  return v;
}

long long Args::integer(const std::string& name, long long fallback) const {
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(it->second.c_str(), &end, 10);
  if (it->second.empty() || *end != '\0' || errno != 0)
    fail(ErrorKind::invalid_input, "--" + name + " expects an integer, not '" + it->second + "'");
  return v;
}

unsigned long long Args::unsigned_integer(const std::string& name, unsigned long long fallback) const {
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(it->second.c_str(), &end, 10);
  if (it->second.empty() || it->second[0] == '-' || *end != '\0' || errno != 0)
    fail(ErrorKind::invalid_input, "--" + name + " expects a non-negative integer, not '" + it->second + "'");
  return v;
}

}  // namespace kinema::cli
