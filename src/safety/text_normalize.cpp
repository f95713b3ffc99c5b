// Unicode folding with ICU (NFKC case folding, marks, confusable skeletons) and the word readings of a text.
#include "safety/text_normalize.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uspoof.h>

#include <algorithm>
#include <memory>
#include <unordered_map>

#include "core/error.h"

namespace kinema::safety {
namespace {

void check_icu(UErrorCode status, const char* what) {
  if (U_FAILURE(status)) fail(ErrorKind::internal, std::string("ICU ") + what + ": " + u_errorName(status));
}

struct SpoofCloser {
  void operator()(USpoofChecker* checker) const { uspoof_close(checker); }
};

// The ASCII text a non-ASCII character looks like ("а" -> "a"), or empty when its skeleton is not plain
// ASCII. One spoof checker and one cache per thread: ICU's checkers are not documented as thread-safe.
const std::string& ascii_look_alike(UChar32 c) {
  thread_local std::unique_ptr<USpoofChecker, SpoofCloser> checker;
  thread_local std::unordered_map<UChar32, std::string> cache;
  const auto cached = cache.find(c);
  if (cached != cache.end()) return cached->second;
  if (!checker) {
    UErrorCode status = U_ZERO_ERROR;
    checker.reset(uspoof_open(&status));
    check_icu(status, "uspoof_open");
  }
  UChar source[2];
  int32_t length = 0;
  U16_APPEND_UNSAFE(source, length, c);
  UChar skeleton[32];
  UErrorCode status = U_ZERO_ERROR;
  const int32_t n = uspoof_getSkeleton(checker.get(), 0, source, length, skeleton, 32, &status);
  std::string ascii;
  if (U_SUCCESS(status) && n > 0) {
    for (int32_t i = 0; i < n; ++i) {
      if (skeleton[i] < 0x21 || skeleton[i] > 0x7E) {
        ascii.clear();
        break;
      }
      ascii += static_cast<char>(std::tolower(skeleton[i]));
    }
  }
  return cache.emplace(c, std::move(ascii)).first->second;
}

bool is_ascii_letter(char c) { return c >= 'a' && c <= 'z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::string fold_text(std::string_view utf8) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc_casefold = icu::Normalizer2::getNFKCCasefoldInstance(status);
  check_icu(status, "NFKC_Casefold");
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  check_icu(status, "NFD");

  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
  check_icu(status, "NFKC");

  // Look-alikes are found before case folding too: Cyrillic "В" looks like "B", its lower case "в" like no letter.
  const auto source = icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  const icu::UnicodeString compatible = nfkc->normalize(source, status);
  check_icu(status, "NFKC normalizing");
  icu::UnicodeString text;
  for (int32_t i = 0; i < compatible.length();) {
    const UChar32 c = compatible.char32At(i);
    i += U16_LENGTH(c);
    const std::string& look_alike = c < 0x80 || !u_isupper(c) ? std::string() : ascii_look_alike(c);
    if (look_alike.empty())
      text.append(c);
    else
      text.append(icu::UnicodeString::fromUTF8(look_alike));
  }
  const icu::UnicodeString folded = nfkc_casefold->normalize(text, status);
  check_icu(status, "normalizing");
  const icu::UnicodeString decomposed = nfd->normalize(folded, status);
  check_icu(status, "decomposing");

  std::string out;
  out.reserve(utf8.size());
  for (int32_t i = 0; i < decomposed.length();) {
    const UChar32 c = decomposed.char32At(i);
    i += U16_LENGTH(c);
    const int8_t type = u_charType(c);
    // Accents (marks left by NFD) and invisible format characters NFKC_Casefold kept.
    if (type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK || type == U_FORMAT_CHAR) continue;
    if (c < 0x80) {
      out += static_cast<char>(std::tolower(static_cast<int>(c)));
      continue;
    }
    if (u_isUWhiteSpace(c)) {
      out += ' ';
      continue;
    }
    const std::string& look_alike = ascii_look_alike(c);
    if (!look_alike.empty()) {
      out += look_alike;
      continue;
    }
    icu::UnicodeString(c).toUTF8String(out);
  }
  return out;
}

namespace {

enum class CharClass { space, letter, digit, leet, mask, apostrophe, separator };

CharClass classify(char c, const LeetTable& leet) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x80) return CharClass::letter;  // any byte of a non-ASCII character: a letter of some script
  if (std::isspace(u)) return CharClass::space;
  if (is_ascii_letter(c)) return CharClass::letter;
  if (is_digit(c)) return CharClass::digit;
  if (c == '\'' || c == '`') return CharClass::apostrophe;
  if (c == '*' || c == '#') return CharClass::mask;
  if (leet.count(c)) return CharClass::leet;
  return CharClass::separator;
}

// Symbols that end or start a piece but stand for no letter there ("it shatters!", "+1").
bool edge_punctuation(char c) { return c == '!' || c == '+' || c == '*' || c == '#' || c == '|'; }

void trim_edges(std::string& piece) {
  size_t begin = 0, end = piece.size();
  while (begin < end && edge_punctuation(piece[begin])) ++begin;
  while (end > begin && edge_punctuation(piece[end - 1])) --end;
  piece = piece.substr(begin, end - begin);
}

// Pieces of each whitespace-separated token.
std::vector<std::vector<std::string>> tokens_of(std::string_view text, const LeetTable& leet) {
  std::vector<std::vector<std::string>> tokens;
  std::vector<std::string> pieces;
  std::string piece;
  const auto end_piece = [&] {
    trim_edges(piece);
    if (!piece.empty()) pieces.push_back(piece);
    piece.clear();
  };
  const auto end_token = [&] {
    end_piece();
    if (!pieces.empty()) tokens.push_back(std::move(pieces));
    pieces.clear();
  };
  for (char c : text) {
    switch (classify(c, leet)) {
      case CharClass::space: end_token(); break;
      case CharClass::separator: end_piece(); break;
      case CharClass::apostrophe: break;
      default: piece += c;
    }
  }
  end_token();
  return tokens;
}

size_t code_points(std::string_view s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

bool is_leet_symbol(char c, const LeetTable& leet) { return leet.count(c) != 0; }

// Whether a piece mixes letters with digits or leet symbols ("k1ll", "$ex"): then the text is written in
// leetspeak, and its bare numbers may be letters too ("70" for "to").
bool mixes_leet(const std::string& piece, const LeetTable& leet) {
  const bool letter = std::any_of(piece.begin(), piece.end(), [](char c) {
    return is_ascii_letter(c) || static_cast<unsigned char>(c) >= 0x80;
  });
  return letter && std::any_of(piece.begin(), piece.end(), [&](char c) { return is_leet_symbol(c, leet); });
}

Word make_word(std::string text, const LeetTable& leet, size_t pieces = 1, bool leet_numbers = false) {
  Word word;
  word.forms = leet_forms(text, leet);
  if (leet_numbers && word.forms.size() == 1 && std::all_of(text.begin(), text.end(), is_digit)) {
    const std::string letters = "a" + text;  // read as if a letter stood beside it, then drop that letter
    for (auto form : leet_forms(letters, leet))
      if (form != letters) word.forms.push_back(form.substr(1));
  }
  word.text = std::move(text);
  word.pieces = pieces;
  return word;
}

}  // namespace

std::vector<std::string> leet_forms(const std::string& word, const LeetTable& leet, size_t limit) {
  std::vector<std::string> forms{word};
  const bool has_letter = std::any_of(word.begin(), word.end(), [](char c) {
    return is_ascii_letter(c) || static_cast<unsigned char>(c) >= 0x80;
  });
  const bool only_digits = std::all_of(word.begin(), word.end(), is_digit);
  if (only_digits) return forms;  // a number: "8 bit", "4 balls"
  // Symbols alone ("$3x" has a letter; "@$$" has none) still read as letters when two or more stand together.
  if (!has_letter && word.size() < 2) return forms;
  size_t variants = 1;
  for (char c : word) {
    const auto it = leet.find(c);
    if (it != leet.end()) variants = std::max(variants, it->second.size());
  }
  for (size_t v = 0; v < variants && forms.size() < limit; ++v) {
    std::string form = word;
    bool changed = false;
    for (char& c : form) {
      const auto it = leet.find(c);
      if (it == leet.end() || it->second.empty()) continue;
      c = it->second[std::min(v, it->second.size() - 1)];
      changed = true;
    }
    if (changed && std::find(forms.begin(), forms.end(), form) == forms.end()) forms.push_back(std::move(form));
  }
  return forms;
}

std::vector<Reading> readings(std::string_view folded, const LeetTable& leet) {
  const auto tokens = tokens_of(folded, leet);
  std::vector<Reading> out;

  bool leet_text = false;
  for (const auto& token : tokens)
    for (const auto& piece : token) leet_text = leet_text || mixes_leet(piece, leet);

  Reading pieces{"pieces", {}};
  bool split_tokens = false;
  for (const auto& token : tokens) {
    split_tokens = split_tokens || token.size() > 1;
    for (const auto& piece : token) pieces.words.push_back(make_word(piece, leet, 1, leet_text));
  }

  if (split_tokens) {
    Reading joined{"tokens", {}};
    for (const auto& token : tokens) {
      std::string text;
      for (const auto& piece : token) text += piece;
      joined.words.push_back(make_word(std::move(text), leet, token.size(), leet_text));
    }
    out.push_back(std::move(joined));
  }

  Reading singles{"singles", {}};
  bool joined_any = false;
  for (size_t i = 0; i < pieces.words.size();) {
    size_t j = i;
    while (j < pieces.words.size() && code_points(pieces.words[j].text) == 1) ++j;
    if (j - i >= 2) {
      std::string text;
      for (size_t k = i; k < j; ++k) text += pieces.words[k].text;
      singles.words.push_back(make_word(std::move(text), leet, j - i));
      singles.words.back().spelled = true;
      joined_any = true;
      i = j;
    } else {
      singles.words.push_back(pieces.words[i]);
      ++i;
    }
  }
  out.insert(out.begin(), std::move(pieces));
  if (joined_any) out.push_back(std::move(singles));
  return out;
}

bool within_one_edit(std::string_view a, std::string_view b) {
  if (a.size() > b.size()) std::swap(a, b);
  if (b.size() - a.size() > 1) return false;
  size_t i = 0;
  while (i < a.size() && a[i] == b[i]) ++i;
  if (i == a.size()) return true;  // equal, or one letter added at the end
  if (a.size() == b.size()) {
    if (a.substr(i + 1) == b.substr(i + 1)) return true;  // one letter replaced
    return i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] && a.substr(i + 2) == b.substr(i + 2);  // swapped
  }
  return a.substr(i) == b.substr(i + 1);  // one letter inserted
}

std::string collapse_repeats(std::string_view word) {
  std::string out;
  for (char c : word)
    if (out.empty() || out.back() != c) out += c;
  return out;
}

bool has_repeats(std::string_view word) {
  return std::adjacent_find(word.begin(), word.end()) != word.end();
}

}  // namespace kinema::safety
