// The content rules: a versioned policy (assets/policy/content-policy.json and the public-figures list,
// built into the engine) matched against prompts after their disguises are taken off (text_normalize.h).
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kinema::safety {

struct ContentCategory {
  std::string id;     // "sexual_minors", "real_people", ...
  std::string title;  // "sexual content involving minors"
};

// What the rules found in one text.
struct ContentMatch {
  bool refused = false;
  ContentCategory category;
  std::string matched;  // the words that matched, as read after normalisation ("naked", "barack obama")
  std::string person;   // real_people: the person's name as the list spells it
  std::string rule;     // the rule that matched: a term, a name or "near: minor + sexual"
  std::string reading;  // how the text was read when it matched ("pieces", "tokens", "singles")
  std::string field;    // "prompt", "negative prompt", or "prompt with its negative prompt"
};

struct CheckContext {
  // Display names of cameos the request uses with a valid grant: naming that person is not a refusal.
  std::vector<std::string> granted_names;
  // Whether the negative prompt can steer towards what it says: classifier-free guidance below 1 (or not
  // known) mixes in, or at 0 makes, what the negative prompt describes. Above 1 the model is pushed away
  // from it, so only the negative-only words ("clothes") are read there.
  bool negative_steers_towards = true;
};

struct PolicySources {
  std::string policy_json;    // content-policy.json
  std::string people_text;    // public-figures.txt: "Name | alias; alias | field" per line
  std::string where = "content policy";  // for error messages
};

class ContentPolicy {
 public:
  // Parses and compiles a policy; throws kinema::Error (format) naming the key or line that is wrong.
  explicit ContentPolicy(const PolicySources& sources);
  ~ContentPolicy();
  ContentPolicy(ContentPolicy&&) noexcept;
  ContentPolicy& operator=(ContentPolicy&&) noexcept;

  // The policy shipped with Kinema: assets/policy/*, compiled into the engine so it cannot go missing.
  static const PolicySources& builtin_sources();
  // The shipped policy with the user's own additions: people.txt in `config_dir` (same format as the
  // shipped list; it can only add names). Cached while the file is unchanged. Thread-safe.
  static std::shared_ptr<const ContentPolicy> active(const std::filesystem::path& config_dir);
  // Reads a policy and a names list from files (tests, tools).
  static ContentPolicy load(const std::filesystem::path& policy_json, const std::filesystem::path& people_text);

  const std::string& version() const;
  const std::vector<ContentCategory>& categories() const;
  size_t people_count() const;  // names on the list, the user's included

  // The most severe category (the policy's order) a request falls in; refused is false if none. The negative
  // prompt is read by the same rules (it steers the model too: at guidance below 1 it is what the model
  // makes), plus the policy's negative-only words; rules that hold anywhere in a text also hold across both.
  ContentMatch check(std::string_view prompt, std::string_view negative = {}, const CheckContext& context = {}) const;

 private:
  struct Compiled;
  std::unique_ptr<Compiled> compiled_;
};

// Adds the lines of a names file to `sources.people_text` (the user's list after the shipped one).
void append_people(PolicySources& sources, const std::string& text);

}  // namespace kinema::safety
