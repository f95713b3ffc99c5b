// The prompt files of `kinema eval` (assets/eval/prompts.txt, assets/eval/two_shot.txt): one clip per line;
// "first shot || second shot" on one line makes shots of one continued world simulation, each shot after the
// first judged for continuity across its cut. Blank lines and lines starting with '#' are skipped.
//
//   # a single shot, then a pair
//   a red ball drops onto a metal floor and bounces
//   a glass falls and shatters on a wooden floor || the glass lies in pieces on the wooden floor
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace kinema::eval {

struct ListedPrompt {
  std::string text;
  int line = 0;          // 1-based, for messages
  int continues = -1;    // index (in the list) of the shot this one continues; -1 a fresh scene
};

// Reads the list, shots in order; errors (ErrorKind::format) name the file and line of an empty shot.
std::vector<ListedPrompt> parse_prompt_list(const std::string& text, const std::string& where = "prompts");
std::vector<ListedPrompt> read_prompt_list(const std::filesystem::path& path);

}  // namespace kinema::eval
