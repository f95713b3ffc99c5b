// Taking the disguises off prompt text before the content rules read it: Unicode folding (NFKC, case,
// accents, zero-width characters, look-alike letters of other scripts) and words with their leetspeak
// readings, split and joined the ways letters get spaced or punctuated apart.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace kinema::safety {

// The text with compatibility forms, case, accents and invisible characters folded away: NFKC with case
// folding (which also drops zero-width and other default-ignorable characters), combining marks removed,
// and every other non-ASCII character replaced by its ICU confusable skeleton where that skeleton is
// plain ASCII (Cyrillic "а" -> "a", "ℓ" -> "l"; capitals are looked up before case folding, so Cyrillic "В"
// reads "b"). Text in scripts without a Latin look-alike stays as it is.
std::string fold_text(std::string_view utf8);

// Leetspeak: ASCII digits and symbols that stand for letters, each with the letters it may stand for
// ('1' -> "il": read as i, and again as l).
using LeetTable = std::map<char, std::string>;

// A word of a reading: `text` as written (folded, separators removed) and the words it may stand for.
struct Word {
  std::string text;                // e.g. "k1ll", "5ex", "n*de", "12"
  std::vector<std::string> forms;  // text itself first, then its leetspeak readings ("kill", "klll")
  size_t pieces = 1;               // pieces of the text this word joins (1 unless joined)
  bool spelled = false;            // joined from letters spaced apart ("n a k e d w o m a n")
};

// One way of reading a text as a sequence of words.
struct Reading {
  std::string name;  // "pieces", "tokens", "singles"
  std::vector<Word> words;
};

// The readings the rules are matched against, for text already folded by fold_text():
//   pieces:  words split at whitespace and punctuation ("self-harm" -> self, harm);
//   tokens:  punctuation inside a whitespace-separated token removed ("k.i.l.l" -> kill, "n-u-d-e" -> nude),
//            only when it differs from `pieces`;
//   singles: runs of two or more one-character pieces joined ("s e x", "n . u . d . e"), only when present.
// Apostrophes are dropped ("don't" -> dont). A '*' or '#' between letters stays in the word as a masked
// letter. Leet symbols at the edge of a word are punctuation unless a letter is next to them ("$ex").
// Numbers stay numbers ("8 bit", "4 balls"); words that mix digits or symbols with letters get their leet
// readings, and in a text that has such words, numbers get them too as further forms ("70 d13": "to die").
std::vector<Reading> readings(std::string_view folded, const LeetTable& leet);

// The leetspeak readings of one word (the word itself first), at most `limit` of them.
std::vector<std::string> leet_forms(const std::string& word, const LeetTable& leet, size_t limit = 4);

// Whether a and b differ by at most one edit: one letter inserted, deleted, replaced, or two neighbours
// swapped (Damerau-Levenshtein distance <= 1).
bool within_one_edit(std::string_view a, std::string_view b);

// The word with runs of a repeated letter reduced to one ("nuuude" -> "nude", "kill" -> "kil").
std::string collapse_repeats(std::string_view word);
bool has_repeats(std::string_view word);

}  // namespace kinema::safety
