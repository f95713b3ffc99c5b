// Reading the prompt file of `kinema eval`.
#include "eval/prompt_list.h"

#include <fstream>
#include <sstream>

#include "core/error.h"

namespace kinema::eval {
namespace {

std::string trimmed(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return "";
  const size_t b = s.find_last_not_of(" \t\r\n");
  return s.substr(a, b - a + 1);
}

}  // namespace

std::vector<ListedPrompt> parse_prompt_list(const std::string& text, const std::string& where) {
  std::vector<ListedPrompt> out;
  std::istringstream in(text);
  std::string raw;
  int line = 0;
  while (std::getline(in, raw)) {
    ++line;
    const std::string s = trimmed(raw);
    if (s.empty() || s[0] == '#') continue;
    int previous = -1;
    for (size_t at = 0; at <= s.size();) {
      const size_t bar = std::min(s.find("||", at), s.size());
      ListedPrompt p;
      p.text = trimmed(s.substr(at, bar - at));
      p.line = line;
      p.continues = previous;
      if (p.text.empty()) fail(ErrorKind::format, where + ":" + std::to_string(line) + ": an empty shot");
      previous = static_cast<int>(out.size());
      out.push_back(std::move(p));
      at = bar + 2;
    }
  }
  return out;
}

std::vector<ListedPrompt> read_prompt_list(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(ErrorKind::io, "cannot open " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return parse_prompt_list(text.str(), path.string());
}

}  // namespace kinema::eval
