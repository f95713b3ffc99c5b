// The content policy: parsed from JSON and the names list, compiled to word patterns and phrases, matched
// against every reading of a folded text.
#include "safety/content_policy.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "core/error.h"
#include "core/json.h"
#include "safety/text_normalize.h"

namespace kinema::safety {

// The shipped policy files, embedded at build time (see src/safety/CMakeLists.txt).
extern const char* const kBuiltinContentPolicy;
extern const char* const kBuiltinPublicFigures;

namespace {

constexpr std::string_view kUnder18 = "#under18";

// One word of a term: a word, a stem ("behead*") or a number below 18 ("#under18").
struct Pattern {
  std::string text;
  bool prefix = false;
  bool under18 = false;
  size_t fuzzy_min = 0;  // > 0: words at least this long also match at one edit (misspellings)

  std::tuple<std::string, bool, bool, size_t> key() const { return {text, prefix, under18, fuzzy_min}; }
};

using Slot = std::vector<int>;  // pattern ids; any of them matches the word at this place

enum class Owner { allow, category, group };

struct Phrase {
  std::vector<Slot> slots;
  Owner owner = Owner::category;
  int index = 0;       // the category or group
  int person = -1;     // real_people: index into people names
  std::string source;  // the term as written in the policy
  bool negative_only = false;  // counts only in a negative prompt ("clothes" there asks for nudity)
};

struct NearRule {
  std::vector<int> groups;
  int window = 0;  // words between the groups' first words; 0: anywhere in the text
  std::string source;
};

struct Category {
  ContentCategory info;
  std::vector<NearRule> near;
};

// What one place of a reading can be: one word, or a few short pieces joined ("nu de" -> "nude").
struct Unit {
  size_t span = 1;
  std::vector<int> ids;  // patterns it matches, sorted
};

struct Match {
  int phrase;
  size_t begin, end;  // words [begin, end) of the reading
};

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(text);
  while (std::getline(in, part, separator)) parts.push_back(part);
  return parts;
}

std::string trimmed(const std::string& s) {
  const size_t begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return {};
  return s.substr(begin, s.find_last_not_of(" \t\r\n") - begin + 1);
}

// The words of a name or a display name as the rules read them ("Beyoncé Knowles-Carter" ->
// "beyonce knowles carter").
std::string name_key(std::string_view name) {
  std::string key;
  const auto all = readings(fold_text(name), {});
  if (all.empty()) return key;
  for (const auto& word : all.front().words) key += (key.empty() ? "" : " ") + word.text;
  return key;
}

}  // namespace

struct ContentPolicy::Compiled {
  std::string version;
  std::vector<ContentCategory> infos;
  std::vector<Category> categories;
  int people_category = -1;
  std::vector<std::string> people;  // names as the list spells them
  std::vector<std::string> people_keys;
  std::vector<std::string> group_names;
  std::map<std::string, std::vector<std::string>> group_terms;
  std::map<std::string, int> group_index;

  LeetTable leet;
  std::unordered_map<std::string, std::string> misspellings;
  std::unordered_set<std::string> common;
  size_t fuzzy_min = 7;
  size_t name_fuzzy_min = 6;
  size_t group_fuzzy_min = 8;
  size_t alias_fuzzy_min = 8;

  std::vector<Pattern> patterns;
  std::map<std::tuple<std::string, bool, bool, size_t>, int> pattern_ids;
  std::unordered_map<std::string, std::vector<int>> exact;      // whole words
  std::unordered_map<std::string, std::vector<int>> stems;      // prefix patterns by stem
  std::unordered_map<std::string, std::vector<int>> collapsed;  // whole words of 4+ letters, repeats collapsed
  std::vector<int> fuzzy, under18;
  std::map<size_t, std::vector<int>> by_length;                 // whole words, for masked letters

  std::vector<Phrase> phrases;
  std::vector<int> allow_phrases;
  std::unordered_map<int, std::vector<int>> first;  // pattern id -> phrases (not allow) that start with it
  std::unordered_map<int, std::vector<int>> allow_first;
  std::vector<bool> single_word;  // per pattern: some phrase is just this one word
  std::vector<bool> in_rules;     // per pattern: some phrase other than an allowed one uses it

  // --- compiling ---------------------------------------------------------------------------------

  int pattern_id(Pattern p) {
    const auto key = p.key();
    const auto found = pattern_ids.find(key);
    if (found != pattern_ids.end()) return found->second;
    const int id = static_cast<int>(patterns.size());
    pattern_ids.emplace(key, id);
    if (p.under18) {
      under18.push_back(id);
    } else if (p.prefix) {
      stems[p.text].push_back(id);
    } else {
      exact[p.text].push_back(id);
      if (p.text.size() >= 4) collapsed[collapse_repeats(p.text)].push_back(id);
      by_length[p.text.size()].push_back(id);
    }
    if (p.fuzzy_min > 0 && p.text.size() >= p.fuzzy_min) fuzzy.push_back(id);
    patterns.push_back(std::move(p));
    single_word.push_back(false);
    in_rules.push_back(false);
    return id;
  }

  Pattern word_pattern(std::string word, size_t fuzzy_min_length) {
    Pattern p;
    if (word == kUnder18) {
      p.under18 = true;
      p.text = word;
      return p;
    }
    if (word.size() > 1 && word.back() == '*') {
      p.prefix = true;
      word.pop_back();
    }
    p.text = std::move(word);
    p.fuzzy_min = fuzzy_min_length;
    return p;
  }

  // A term ("gas the <protected>", "{my,his,her} own life", "behead*") as its phrases: the sequences of
  // slots its group references expand to.
  // The parts of a term: words, {choices} (which may hold spaces) and <group> references.
  static std::vector<std::string> term_parts(const std::string& term, const std::string& where) {
    std::vector<std::string> parts;
    for (size_t i = 0; i < term.size();) {
      if (term[i] == ' ') {
        ++i;
        continue;
      }
      size_t end = term[i] == '{' ? term.find('}', i) : term.find(' ', i);
      if (term[i] == '{' && end == std::string::npos) fail(ErrorKind::format, where + ": unclosed { in '" + term + "'");
      end = end == std::string::npos ? term.size() : end + (term[i] == '{');
      parts.push_back(term.substr(i, end - i));
      if (parts.back().find_first_of(term[i] == '{' ? "{" : "{}", 1) != std::string::npos)
        fail(ErrorKind::format, where + ": misplaced brace in '" + term + "'");
      i = end;
    }
    return parts;
  }

  // Every phrase of `heads` followed by every phrase of `tails`.
  static std::vector<std::vector<Slot>> concatenate(const std::vector<std::vector<Slot>>& heads,
                                                    const std::vector<std::vector<Slot>>& tails) {
    std::vector<std::vector<Slot>> out;
    for (const auto& tail : tails)
      for (const auto& head : heads) {
        auto joined = head;
        joined.insert(joined.end(), tail.begin(), tail.end());
        out.push_back(std::move(joined));
      }
    return out;
  }

  // A term ("gas the <protected>", "{my,his,her} own life", "the king of {england,the uk}", "behead*") as its
  // phrases: sequences of slots, after group references and choices of several words are expanded.
  std::vector<std::vector<Slot>> expand(const std::string& term, const std::string& where, size_t fuzzy_min_length,
                                        int depth = 0) {
    if (depth > 4) fail(ErrorKind::format, where + ": groups nest too deep at '" + term + "'");
    std::vector<std::vector<Slot>> out{{}};
    for (const auto& part : term_parts(fold_text(term), where)) {
      if (part.front() == '<' && part.back() == '>') {
        const std::string group = part.substr(1, part.size() - 2);
        const auto terms = group_terms.find(group);
        if (terms == group_terms.end()) fail(ErrorKind::format, where + ": unknown group <" + group + "> in '" + term + "'");
        std::vector<std::vector<Slot>> members;
        for (const auto& member : terms->second)
          for (auto& phrase : expand(member, where + " <" + group + ">", fuzzy_min_length, depth + 1))
            members.push_back(std::move(phrase));
        out = concatenate(out, members);
        continue;
      }
      const bool choice = part.front() == '{';
      const auto choices = choice ? split(part.substr(1, part.size() - 2), ',') : std::vector<std::string>{part};
      if (choice && std::any_of(choices.begin(), choices.end(), [](const std::string& c) { return c.find(' ') != std::string::npos; })) {
        std::vector<std::vector<Slot>> alternatives;  // choices of several words: one phrase each
        for (const auto& c : choices)
          if (!c.empty())
            for (auto& phrase : expand(c, where, fuzzy_min_length, depth + 1)) alternatives.push_back(std::move(phrase));
        out = concatenate(out, alternatives);
        continue;
      }
      Slot slot;
      for (const auto& c : choices)
        if (!c.empty()) slot.push_back(pattern_id(word_pattern(c, fuzzy_min_length)));
      if (slot.empty()) fail(ErrorKind::format, where + ": empty choice in '" + term + "'");
      for (auto& phrase : out) phrase.push_back(slot);
    }
    if (out.empty() || (out.size() == 1 && out.front().empty())) fail(ErrorKind::format, where + ": empty term");
    return out;
  }

  void add_term(const std::string& term, Owner owner, int index, const std::string& where, int person = -1,
                size_t fuzzy_min_length = 0, bool negative_only = false) {
    if (fuzzy_min_length == 0) fuzzy_min_length = fuzzy_min;
    for (auto& slots : expand(term, where, fuzzy_min_length)) {
      const int id = static_cast<int>(phrases.size());
      if (slots.size() == 1)
        for (int p : slots.front()) single_word[p] = true;
      if (owner != Owner::allow)
        for (const auto& slot : slots)
          for (int p : slot) in_rules[p] = true;
      for (int p : slots.front()) (owner == Owner::allow ? allow_first : first)[p].push_back(id);
      if (owner == Owner::allow) allow_phrases.push_back(id);
      phrases.push_back({std::move(slots), owner, index, person, term, negative_only});
    }
  }

  void parse_policy(const std::string& text, const std::string& where) {
    Json json;
    try {
      json = Json::parse(text);
    } catch (const Json::exception& e) {
      fail(ErrorKind::format, where + ": not valid JSON: " + e.what());
    }
    const auto need = [&](const Json& object, const char* key, Json::value_t type) -> const Json& {
      if (!object.is_object() || !object.contains(key)) fail(ErrorKind::format, where + ": missing '" + key + "'");
      const Json& value = object.at(key);
      if (value.type() != type) fail(ErrorKind::format, where + ": '" + key + "' has the wrong type");
      return value;
    };
    const auto strings = [&](const Json& array, const std::string& key) {
      std::vector<std::string> out;
      for (const auto& item : array) {
        if (!item.is_string()) fail(ErrorKind::format, where + ": " + key + " holds a non-string");
        out.push_back(item.get<std::string>());
      }
      return out;
    };
    if (need(json, "format", Json::value_t::string) != "kinema-content-policy")
      fail(ErrorKind::format, where + ": 'format' is not kinema-content-policy");
    version = need(json, "version", Json::value_t::string).get<std::string>();
    if (json.contains("matching")) {
      const Json& m = json.at("matching");
      fuzzy_min = m.value("fuzzy_min_length", fuzzy_min);
      name_fuzzy_min = m.value("name_fuzzy_min_length", name_fuzzy_min);
      group_fuzzy_min = m.value("group_fuzzy_min_length", group_fuzzy_min);
      alias_fuzzy_min = m.value("alias_fuzzy_min_length", alias_fuzzy_min);
      if (std::min({fuzzy_min, name_fuzzy_min, group_fuzzy_min, alias_fuzzy_min}) < 4) fail(ErrorKind::format, where + ": matching: fuzzy lengths below 4");
    }
    for (const auto& [symbol, letters] : need(json, "leet", Json::value_t::object).items()) {
      if (symbol.size() != 1 || !letters.is_string())
        fail(ErrorKind::format, where + ": leet: '" + symbol + "' must be one ASCII character mapped to letters");
      leet[symbol[0]] = letters.get<std::string>();
    }
    for (const auto& [wrong, right] : need(json, "misspellings", Json::value_t::object).items()) {
      if (!right.is_string()) fail(ErrorKind::format, where + ": misspellings: '" + wrong + "' must map to a word");
      misspellings[fold_text(wrong)] = fold_text(right.get<std::string>());
    }
    for (const auto& word : strings(need(json, "common_words", Json::value_t::array), "common_words"))
      common.insert(fold_text(word));

    for (const auto& [name, terms] : need(json, "groups", Json::value_t::object).items()) {
      if (!terms.is_array()) fail(ErrorKind::format, where + ": groups: '" + name + "' must be a list");
      group_terms[name] = strings(terms, "groups." + name);
    }
    for (const auto& [name, terms] : group_terms) {
      group_index[name] = static_cast<int>(group_names.size());
      group_names.push_back(name);
    }
    for (const auto& [name, terms] : group_terms)
      for (const auto& term : terms)
        add_term(term, Owner::group, group_index[name], where + ": groups." + name, -1, group_fuzzy_min);

    for (const auto& term : strings(need(json, "allow", Json::value_t::array), "allow"))
      add_term(term, Owner::allow, 0, where + ": allow");

    for (const auto& item : need(json, "categories", Json::value_t::array)) {
      Category category;
      category.info.id = need(item, "id", Json::value_t::string).get<std::string>();
      category.info.title = need(item, "title", Json::value_t::string).get<std::string>();
      const std::string at = where + ": category " + category.info.id;
      const int index = static_cast<int>(categories.size());
      if (item.value("people", false)) {
        if (people_category >= 0) fail(ErrorKind::format, at + ": a second people category");
        people_category = index;
      }
      if (item.contains("terms"))
        for (const auto& term : strings(item.at("terms"), category.info.id + ".terms"))
          add_term(term, Owner::category, index, at);
      if (item.contains("near")) {
        for (const auto& rule : item.at("near")) {
          NearRule near;
          for (const auto& group : strings(need(rule, "groups", Json::value_t::array), category.info.id + ".near")) {
            const auto found = group_index.find(group);
            if (found == group_index.end()) fail(ErrorKind::format, at + ": near: unknown group '" + group + "'");
            near.groups.push_back(found->second);
            near.source += (near.source.empty() ? "near: " : " + ") + group;
          }
          if (near.groups.size() < 2) fail(ErrorKind::format, at + ": near: needs two groups or more");
          near.window = rule.value("window", 0);
          category.near.push_back(std::move(near));
        }
      }
      infos.push_back(category.info);
      categories.push_back(std::move(category));
    }
    if (categories.empty()) fail(ErrorKind::format, where + ": no categories");

    // Words that ask for something only when they are in a negative prompt: "clothes" there asks for nudity.
    if (json.contains("negative_groups"))
      for (const auto& [group, terms] : json.at("negative_groups").items()) {
        const auto found = group_index.find(group);
        if (found == group_index.end()) fail(ErrorKind::format, where + ": negative_groups: unknown group '" + group + "'");
        for (const auto& term : strings(terms, "negative_groups." + group))
          add_term(term, Owner::group, found->second, where + ": negative_groups." + group, -1, group_fuzzy_min, true);
      }
    if (json.contains("negative_terms"))
      for (const auto& [id, terms] : json.at("negative_terms").items()) {
        const auto found = std::find_if(infos.begin(), infos.end(), [&](const ContentCategory& c) { return c.id == id; });
        if (found == infos.end()) fail(ErrorKind::format, where + ": negative_terms: unknown category '" + id + "'");
        for (const auto& term : strings(terms, "negative_terms." + id))
          add_term(term, Owner::category, static_cast<int>(found - infos.begin()), where + ": negative_terms." + id, -1, 0,
                   true);
      }
  }

  // "Barack Obama | obama; barack h obama | politics" per line; '#' starts a comment.
  void parse_people(const std::string& text, const std::string& where) {
    if (people_category < 0) fail(ErrorKind::format, where + ": the policy has no people category for the names list");
    std::istringstream in(text);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
      ++number;
      const size_t hash = line.find('#');
      if (hash != std::string::npos) line.resize(hash);
      if (trimmed(line).empty()) continue;
      const auto fields = split(line, '|');
      const std::string name = trimmed(fields[0]);
      if (name.empty()) fail(ErrorKind::format, where + " line " + std::to_string(number) + ": no name");
      const int person = static_cast<int>(people.size());
      people.push_back(name);
      people_keys.push_back(name_key(name));
      std::vector<std::string> names{name};
      if (fields.size() > 1)
        for (const auto& alias : split(fields[1], ';'))
          if (!trimmed(alias).empty()) names.push_back(trimmed(alias));
      for (const auto& spelling : names) {
        // The words of a name, each matched on its own (misspelt at one edit when long enough).
        const std::string key = name_key(spelling);
        if (key.empty()) continue;
        const bool several = key.find(' ') != std::string::npos;
        add_term(key, Owner::category, people_category, where + " line " + std::to_string(number), person,
                 several ? name_fuzzy_min : alias_fuzzy_min);
        // Also written as one word: a hashtag, or a name spelt out letter by letter ("E L O N  M U S K"), which
        // the readings join into one word.
        std::string joined = key;
        joined.erase(std::remove(joined.begin(), joined.end(), ' '), joined.end());
        if (several && joined.size() >= 8)
          add_term(joined, Owner::category, people_category, where + " line " + std::to_string(number), person,
                   alias_fuzzy_min);
      }
    }
  }

  // --- matching ----------------------------------------------------------------------------------

  bool is_common(const std::string& word) const { return common.count(word) != 0; }

  bool masked_equal(std::string_view form, std::string_view word) const {
    if (form.size() != word.size()) return false;
    size_t masked = 0;
    for (size_t i = 0; i < form.size(); ++i) {
      if (form[i] == '*' || form[i] == '#') {
        ++masked;
        continue;
      }
      if (form[i] != word[i]) return false;
    }
    return masked > 0 && masked * 2 <= form.size() && form.size() - masked >= 2;
  }

  void match_form(const std::string& form, bool loose, std::vector<int>& ids) const {
    const auto add = [&](const std::vector<int>& found) { ids.insert(ids.end(), found.begin(), found.end()); };
    if (const auto it = exact.find(form); it != exact.end()) add(it->second);
    for (size_t n = 1; n <= form.size(); ++n)
      if (const auto it = stems.find(form.substr(0, n)); it != stems.end()) add(it->second);
    if (all_digits(form) && form.size() <= 2 && std::stoi(form) > 0 && std::stoi(form) < 18) add(under18);
    if (!loose) return;
    if (form.find_first_of("*#") != std::string::npos)
      if (const auto it = by_length.find(form.size()); it != by_length.end())
        for (int id : it->second)
          if (masked_equal(form, patterns[id].text)) ids.push_back(id);
    if (is_common(form)) return;
    if (has_repeats(form))
      if (const auto it = collapsed.find(collapse_repeats(form)); it != collapsed.end()) add(it->second);
    if (form.size() < 5) return;
    for (int id : fuzzy) {
      const Pattern& p = patterns[id];
      if (form.size() + 1 < p.fuzzy_min) continue;
      if (!p.prefix) {
        if (form.size() + 1 >= p.text.size() && form.size() <= p.text.size() + 1 && within_one_edit(form, p.text))
          ids.push_back(id);
        continue;
      }
      for (size_t n = p.text.size() - 1; n <= p.text.size() + 1 && n <= form.size(); ++n)
        if (within_one_edit(std::string_view(form).substr(0, n), p.text)) {
          ids.push_back(id);
          break;
        }
    }
  }

  // A known misspelling, also inflected ("raype'd" -> "rayped" -> "raped"); empty if none.
  std::string corrected(const std::string& form) const {
    if (const auto it = misspellings.find(form); it != misspellings.end()) return it->second;
    for (const std::string_view suffix : {"s", "es", "d", "ed", "ing", "ings", "er", "ers"}) {
      if (form.size() <= suffix.size() + 2 || form.compare(form.size() - suffix.size(), suffix.size(), suffix) != 0)
        continue;
      const auto it = misspellings.find(form.substr(0, form.size() - suffix.size()));
      if (it == misspellings.end()) continue;
      std::string right = it->second;
      if (suffix.front() == 'e' && right.back() == 'e') right.pop_back();  // "rape" + "ed"
      return right + std::string(suffix);
    }
    return {};
  }

  std::vector<int> match_word(const Word& word, bool loose) const {
    std::vector<int> ids;
    for (const auto& form : word.forms) {
      match_form(form, loose, ids);
      if (const std::string right = corrected(form); !right.empty()) match_form(right, false, ids);
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return ids;
  }

  // Letters spaced apart run words together ("n a k e d w o m a n", "a s t a g e d video"): the words of
  // the rules inside the run (also with repeated letters collapsed and misspellings corrected).
  void add_spelled_terms(const Word& word, std::vector<int>& ids) const {
    std::vector<std::string> forms = word.forms;
    for (const auto& form : word.forms)
      if (has_repeats(form)) forms.push_back(collapse_repeats(form));
    for (const auto& form : forms)
      for (size_t begin = 0; begin < form.size(); ++begin)
        for (size_t length = 3; begin + length <= form.size(); ++length) {
          const std::string part = form.substr(begin, length);
          std::vector<int> found;
          match_form(part, false, found);
          if (const std::string right = corrected(part); !right.empty()) match_form(right, false, found);
          for (int id : found)
            if (in_rules[id]) ids.push_back(id);
        }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  }

  // Each place of a reading: the word there, and short pieces joined with the words after it when the
  // joined word is a term of its own ("nu de", "sui cide", "por n").
  std::vector<std::vector<Unit>> units_of(const Reading& reading) const {
    const auto& words = reading.words;
    std::vector<std::vector<Unit>> units(words.size());
    for (size_t i = 0; i < words.size(); ++i) {
      units[i].push_back({1, match_word(words[i], true)});
      if (words[i].spelled) add_spelled_terms(words[i], units[i].front().ids);
      std::string joined = words[i].text;
      bool odd_short = !is_common(words[i].text) && words[i].text.size() <= 3 && !all_digits(words[i].text);
      for (size_t k = i + 1; k < words.size() && k < i + 3; ++k) {
        joined += words[k].text;
        odd_short = odd_short || (!is_common(words[k].text) && words[k].text.size() <= 3 && !all_digits(words[k].text));
        if (!odd_short || joined.size() < 4) continue;
        Word compound;
        compound.text = joined;
        compound.forms = leet_forms(joined, leet);
        std::vector<int> ids = match_word(compound, false);
        std::erase_if(ids, [&](int id) { return !in_rules[id]; });
        if (!ids.empty()) units[i].push_back({k - i + 1, std::move(ids)});
      }
    }
    return units;
  }

  static bool shares(const std::vector<int>& sorted_ids, const Slot& slot) {
    return std::any_of(slot.begin(), slot.end(),
                       [&](int id) { return std::binary_search(sorted_ids.begin(), sorted_ids.end(), id); });
  }

  // Where the phrase ends if it starts at `at` (0 if it does not match there).
  size_t phrase_end(const std::vector<std::vector<Unit>>& units, const Phrase& phrase, size_t slot, size_t at) const {
    if (slot == phrase.slots.size()) return at;
    if (at >= units.size()) return 0;
    for (const auto& unit : units[at]) {
      if (!shares(unit.ids, phrase.slots[slot])) continue;
      if (const size_t end = phrase_end(units, phrase, slot + 1, at + unit.span)) return end;
    }
    return 0;
  }

  std::vector<Match> find(const std::vector<std::vector<Unit>>& units,
                          const std::unordered_map<int, std::vector<int>>& index) const {
    std::vector<Match> found;
    std::set<std::pair<int, size_t>> tried;
    for (size_t at = 0; at < units.size(); ++at)
      for (const auto& unit : units[at])
        for (int id : unit.ids) {
          const auto it = index.find(id);
          if (it == index.end()) continue;
          for (int phrase : it->second) {
            if (!tried.insert({phrase, at}).second) continue;
            if (const size_t end = phrase_end(units, phrases[phrase], 0, at)) found.push_back({phrase, at, end});
          }
        }
    return found;
  }

  static std::string words_text(const Reading& reading, size_t begin, size_t end) {
    std::string text;
    for (size_t i = begin; i < end && i < reading.words.size(); ++i) {
      const Word& w = reading.words[i];
      text += (text.empty() ? "" : " ") + (w.forms.size() > 1 ? w.forms[1] : w.forms[0]);
    }
    return text;
  }

  bool near_rule_holds(const NearRule& rule, const std::vector<std::vector<size_t>>& at) const {
    for (int g : rule.groups)
      if (at[g].empty()) return false;
    if (rule.window <= 0) return true;
    for (size_t anchor : at[rule.groups.front()]) {
      const bool all_near = std::all_of(rule.groups.begin() + 1, rule.groups.end(), [&](int g) {
        return std::any_of(at[g].begin(), at[g].end(), [&](size_t p) {
          return (p > anchor ? p - anchor : anchor - p) <= static_cast<size_t>(rule.window);
        });
      });
      if (all_near) return true;
    }
    return false;
  }

  struct Found {
    int category = -1;  // the most severe category, -1 if none
    ContentMatch match;
    std::vector<bool> groups;  // the groups that occur
  };

  // The most severe category one reading falls in, and the groups that occur in it.
  // `negative`: the reading is of a negative prompt (its negative-only words count); `plain`: the other
  // terms count too.
  Found check_reading(const Reading& reading, const std::vector<std::string>& granted, bool negative, bool plain) const {
    auto units = units_of(reading);
    // Harmless idioms ("the naked eye", "a bath bomb") are taken out before anything else is read.
    for (const auto& m : find(units, allow_first))
      for (size_t i = m.begin; i < m.end; ++i) units[i].clear();
    for (size_t i = 0; i < units.size(); ++i)
      std::erase_if(units[i], [&](const Unit& u) {
        for (size_t k = i; k < i + u.span && k < units.size(); ++k)
          if (k != i && units[k].empty()) return true;
        return false;
      });

    auto matches = find(units, first);
    std::erase_if(matches, [&](const Match& m) { return phrases[m.phrase].negative_only ? !negative : !plain; });
    std::vector<std::vector<size_t>> group_at(group_names.size());
    for (const auto& m : matches)
      if (phrases[m.phrase].owner == Owner::group) group_at[phrases[m.phrase].index].push_back(m.begin);

    Found best;
    for (const auto& at : group_at) best.groups.push_back(!at.empty());
    const auto consider = [&](int category, ContentMatch match) {
      if (best.category >= 0 && best.category <= category) return;
      match.refused = true;
      match.category = categories[category].info;
      match.reading = reading.name;
      best.category = category;
      best.match = std::move(match);
    };
    for (const auto& m : matches) {
      const Phrase& phrase = phrases[m.phrase];
      if (phrase.owner != Owner::category) continue;
      ContentMatch match;
      match.matched = words_text(reading, m.begin, m.end);
      match.rule = phrase.source;
      if (phrase.person >= 0) {
        const std::string& key = people_keys[phrase.person];
        if (std::find(granted.begin(), granted.end(), key) != granted.end()) continue;
        match.person = people[phrase.person];
      }
      consider(phrase.index, std::move(match));
    }
    for (size_t c = 0; c < categories.size(); ++c)
      for (const auto& rule : categories[c].near)
        if (near_rule_holds(rule, group_at)) {
          ContentMatch match;
          match.rule = rule.source;
          for (int g : rule.groups) {
            const auto& m = *std::find_if(matches.begin(), matches.end(), [&](const Match& x) {
              return phrases[x.phrase].owner == Owner::group && phrases[x.phrase].index == g;
            });
            match.matched += (match.matched.empty() ? "" : " ... ") + words_text(reading, m.begin, m.end);
          }
          consider(static_cast<int>(c), std::move(match));
        }
    return best;
  }
};

ContentPolicy::ContentPolicy(const PolicySources& sources) : compiled_(std::make_unique<Compiled>()) {
  compiled_->parse_policy(sources.policy_json, sources.where);
  compiled_->parse_people(sources.people_text, sources.where + " (names)");
}

ContentPolicy::~ContentPolicy() = default;
ContentPolicy::ContentPolicy(ContentPolicy&&) noexcept = default;
ContentPolicy& ContentPolicy::operator=(ContentPolicy&&) noexcept = default;

const PolicySources& ContentPolicy::builtin_sources() {
  static const PolicySources sources{kBuiltinContentPolicy, kBuiltinPublicFigures,
                                     "assets/policy/content-policy.json (built in)"};
  return sources;
}

namespace {

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(ErrorKind::io, "cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

void append_people(PolicySources& sources, const std::string& text) {
  if (!sources.people_text.empty() && sources.people_text.back() != '\n') sources.people_text += '\n';
  sources.people_text += text;
}

std::shared_ptr<const ContentPolicy> ContentPolicy::active(const std::filesystem::path& config_dir) {
  static std::mutex mutex;
  static std::shared_ptr<const ContentPolicy> builtin;
  struct Cached {
    std::filesystem::file_time_type time;
    uintmax_t size = 0;
    std::shared_ptr<const ContentPolicy> policy;
  };
  static std::map<std::filesystem::path, Cached> with_user_names;

  const std::lock_guard lock(mutex);
  if (!builtin) builtin = std::make_shared<const ContentPolicy>(builtin_sources());
  const auto file = config_dir / "people.txt";
  std::error_code ec;
  if (config_dir.empty() || !std::filesystem::is_regular_file(file, ec)) return builtin;
  const auto time = std::filesystem::last_write_time(file, ec);
  const auto size = std::filesystem::file_size(file, ec);
  auto& cached = with_user_names[file];
  if (!cached.policy || cached.time != time || cached.size != size) {
    PolicySources sources = builtin_sources();
    append_people(sources, read_text(file));
    sources.where += " with " + file.string();
    cached = {time, size, std::make_shared<const ContentPolicy>(sources)};
  }
  return cached.policy;
}

ContentPolicy ContentPolicy::load(const std::filesystem::path& policy_json, const std::filesystem::path& people_text) {
  return ContentPolicy(PolicySources{read_text(policy_json), read_text(people_text), policy_json.string()});
}

const std::string& ContentPolicy::version() const { return compiled_->version; }
const std::vector<ContentCategory>& ContentPolicy::categories() const { return compiled_->infos; }
size_t ContentPolicy::people_count() const { return compiled_->people.size(); }

ContentMatch ContentPolicy::check(std::string_view prompt, std::string_view negative, const CheckContext& context) const {
  const Compiled& c = *compiled_;
  std::vector<std::string> granted;
  for (const auto& name : context.granted_names) granted.push_back(name_key(name));

  // Each text on its own, every reading; the most severe category wins (the prompt's on a tie).
  Compiled::Found best;
  std::vector<bool> groups(c.group_names.size(), false);
  const auto read = [&](std::string_view text, bool is_negative) {
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return;
    for (const auto& reading : readings(fold_text(text), c.leet)) {
      Compiled::Found found =
          c.check_reading(reading, granted, is_negative, !is_negative || context.negative_steers_towards);
      for (size_t g = 0; g < groups.size(); ++g) groups[g] = groups[g] || found.groups[g];
      if (found.category >= 0 && (best.category < 0 || found.category < best.category)) {
        found.match.field = is_negative ? "negative prompt" : "prompt";
        best = std::move(found);
      }
    }
  };
  read(prompt, false);
  read(negative, true);

  // Rules that hold anywhere in a request hold across its two halves ("a little girl" ... negative: "clothes").
  for (size_t k = 0; k < c.categories.size() && (best.category < 0 || static_cast<int>(k) < best.category); ++k)
    for (const auto& rule : c.categories[k].near) {
      if (rule.window > 0 || !std::all_of(rule.groups.begin(), rule.groups.end(), [&](int g) { return groups[g]; }))
        continue;
      best.category = static_cast<int>(k);
      best.match = ContentMatch{true, c.categories[k].info, "", "", rule.source, "", "prompt with its negative prompt"};
      for (int g : rule.groups) best.match.matched += (best.match.matched.empty() ? "" : " + ") + c.group_names[g];
      break;
    }
  return best.match;
}

}  // namespace kinema::safety
