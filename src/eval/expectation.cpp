// Reading a prompt's expectations: the parser's scene, plus which colours, directions and outcomes were
// actually named and to which thing they belong (the parser's scene has every thing coloured and placed,
// named or not).
#include "eval/expectation.h"

#include <algorithm>
#include <map>
#include <sstream>

#include "world/vocabulary.h"

namespace kinema::eval {
namespace {

using world::Concept;

struct Word {
  std::string text;
  std::string category;  // "colour", "kind", "outcome", ... as describe() writes it
  std::string value;     // "red", "ball", "bounce", ...
};

Word word_of(const world::WordMeaning& w) {
  Word out{w.text, w.meaning, ""};
  const size_t space = w.meaning.find(' ');
  if (space != std::string::npos) {
    out.category = w.meaning.substr(0, space);
    out.value = w.meaning.substr(space + 1);
  }
  return out;
}

bool is_plural_noun(const std::string& text) {
  static const std::map<std::string, Concept> table = [] {
    std::map<std::string, Concept> t;
    for (const world::Phrase& p : world::vocabulary())
      if (p.meaning.what == Concept::kind || p.meaning.what == Concept::kinds) t.emplace(std::string(p.text), p.meaning.what);
    return t;
  }();
  const auto it = table.find(text);
  if (it != table.end()) return it->second == Concept::kinds;
  return !text.empty() && text.back() == 's';  // a stemmed form the table does not hold ("vases")
}

// Which kinds an outcome can happen to (the parser's rule: glass shatters, stacks topple, balls bounce,
// characters fall).
bool outcome_fits(world::Outcome o, world::Kind k) {
  using world::Kind;
  using world::Outcome;
  switch (o) {
    case Outcome::bounce: return k == Kind::ball;
    case Outcome::shatter:
    case Outcome::in_pieces:
    case Outcome::intact: return k == Kind::glass;
    case Outcome::topple: return k == Kind::box || k == Kind::glass;
    case Outcome::fall:
    case Outcome::trip: return k == Kind::character;
    case Outcome::collide:
    case Outcome::lie_still: return true;
  }
  return false;
}

class Reader {
 public:
  Reader(const world::Scene& scene, Expectation& out) : scene_(scene), out_(out), claimed_(scene.objects.size(), false) {}

  void read(const std::vector<world::WordMeaning>& words) {
    for (const world::WordMeaning& wm : words) {
      const Word w = word_of(wm);
      if (w.category == "colour") {
        if (auto c = world::from_name<world::Colour>(w.value)) pending_colours_.push_back(*c);
      } else if (w.category == "size") {
        pending_size_ = world::from_name<world::Size>(w.value);
      } else if (w.category == "count") {
        pending_count_ = std::atoi(w.value.c_str());
      } else if (w.category == "stack") {
        pending_stack_ = true;
      } else if (w.category == "kind") {
        if (auto k = world::from_name<world::Kind>(w.value)) noun(*k, is_plural_noun(w.text));
      } else if (w.category == "outfit") {
        outfit();
      } else if (w.category == "outcome") {
        if (auto o = outcome_from(w.value)) outcome(*o);
      } else if (w.category == "action") {
        if (w.value == "drop")
          for (int i : current_)
            if (out_.subjects[i].kind == world::Kind::character) out_.subjects[i].outcomes.insert(world::Outcome::fall);
      } else if (w.category == "direction") {
        for (int i : current_) out_.subjects[i].direction = w.value == "left" ? -1 : 1;
      } else if (w.category == "ground") {
        if (auto m = world::from_name<world::Material>(w.value))
          if (std::find(out_.floors.begin(), out_.floors.end(), *m) == out_.floors.end()) out_.floors.push_back(*m);
      } else if (w.category == "camera") {
        out_.camera = world::from_name<world::CameraMove>(w.value);
        expect_follow_ = out_.camera == world::CameraMove::follow;
        continue;
      } else if (w.category == "time") {
        out_.time = world::from_name<world::TimeOfDay>(w.value);
      } else if (w.category == "light") {
        if (w.value == "sundown") out_.change = world::LightChange::sundown;
        else if (w.value == "deepen") out_.change = world::LightChange::deepen;
        else if (w.value == "nightfall") out_.change = world::LightChange::nightfall;
      } else if (w.category == "style") {
        out_.style = world::from_name<world::Style>(w.value);
      } else if (w.category == "sound") {
        for (int s = 0; s <= static_cast<int>(world::Sound::quiet); ++s)
          if (world::name(static_cast<world::Sound>(s)) == w.value) out_.sounds.push_back(static_cast<world::Sound>(s));
      } else if (w.text == "the") {
        definite_ = true;
      } else if (w.text == "a" || w.text == "an") {
        definite_ = false;
      }
      if (w.category != "filler" && w.category != "colour" && w.category != "size" && w.category != "count" &&
          w.category != "stack" && w.category != "kind")
        expect_follow_ = false;
    }
    // Things the parser added on its own (a chased ball nobody named) are expected too, colour not named.
    for (size_t i = 0; i < scene_.objects.size(); ++i)
      if (!claimed_[i]) subject_for(static_cast<int>(i), std::nullopt);
  }

 private:
  static std::optional<world::Outcome> outcome_from(const std::string& name) {
    for (int o = 0; o < world::kOutcomes; ++o)
      if (world::name(static_cast<world::Outcome>(o)) == name) return static_cast<world::Outcome>(o);
    return std::nullopt;
  }

  // The subject for a scene object, made on first mention.
  int subject_for(int object, std::optional<world::Colour> named) {
    claimed_[object] = true;
    const world::Object& o = scene_.objects[object];
    for (size_t i = 0; i < out_.subjects.size(); ++i)
      if (out_.subjects[i].id == o.id) {
        if (named) out_.subjects[i].colour = named;
        return static_cast<int>(i);
      }
    ExpectedSubject s;
    s.id = o.id;
    s.kind = o.kind;
    s.colour = named;
    s.parsed_colour = o.colour;
    s.action = o.action;
    if (pending_size_) s.size = pending_size_;
    out_.subjects.push_back(s);
    return static_cast<int>(out_.subjects.size()) - 1;
  }

  int find_object(world::Kind kind, std::optional<world::Colour> colour, bool unclaimed) const {
    for (size_t i = 0; i < scene_.objects.size(); ++i) {
      const world::Object& o = scene_.objects[i];
      if (o.kind != kind || (unclaimed && claimed_[i])) continue;
      if (colour && o.colour != *colour) continue;
      return static_cast<int>(i);
    }
    return -1;
  }

  void noun(world::Kind kind, bool plural) {
    std::vector<int> group;
    const bool stack = pending_stack_ && kind == world::Kind::box;
    const int given = std::max<int>(pending_count_, static_cast<int>(pending_colours_.size()));
    const int n = given > 0 ? given : plural ? (stack ? 3 : 2) : 1;
    const bool referring = definite_ || expect_follow_;
    if (!plural && !stack && referring) {
      // "the ball", "the red ball": the latest thing of that kind (and colour) named before.
      for (size_t i = out_.subjects.size(); i-- > 0 && group.empty();) {
        const ExpectedSubject& s = out_.subjects[i];
        if (s.kind != kind) continue;
        if (!pending_colours_.empty() && s.parsed_colour != pending_colours_.front()) continue;
        group.push_back(static_cast<int>(i));
        if (!pending_colours_.empty()) out_.subjects[i].colour = pending_colours_.front();
      }
    }
    const bool fresh = group.empty();
    for (int k = 0; fresh && k < n; ++k) {
      std::optional<world::Colour> colour;
      if (!pending_colours_.empty()) colour = pending_colours_[std::min<size_t>(k, pending_colours_.size() - 1)];
      int object = find_object(kind, colour, true);
      if (object < 0) object = find_object(kind, colour, false);
      if (object < 0) continue;
      group.push_back(subject_for(object, colour));
    }
    // A plural group may be shorter than asked if the parser capped the count; drop duplicates.
    std::sort(group.begin(), group.end());
    group.erase(std::unique(group.begin(), group.end()), group.end());
    if (expect_follow_ && !group.empty()) out_.follow = group.front();
    expect_follow_ = false;
    if (!group.empty()) current_ = group;
    pending_colours_.clear();
    pending_size_.reset();
    pending_count_ = 0;
    pending_stack_ = false;
    definite_ = false;
  }

  void outfit() {
    if (!pending_colours_.empty())
      for (int i : current_)
        if (out_.subjects[i].kind == world::Kind::character) out_.subjects[i].colour = pending_colours_.front();
    pending_colours_.clear();
  }

  void outcome(world::Outcome o) {
    int who = -1;
    if (o == world::Outcome::collide || o == world::Outcome::lie_still) {
      who = current_.empty() ? -1 : current_.front();
    } else {
      for (int i : current_)
        if (who < 0 && outcome_fits(o, out_.subjects[i].kind)) who = i;
      for (size_t i = out_.subjects.size(); who < 0 && i-- > 0;)
        if (outcome_fits(o, out_.subjects[i].kind)) who = static_cast<int>(i);
    }
    if (who < 0) return;
    if (std::find(current_.begin(), current_.end(), who) != current_.end()) {
      for (int i : current_)
        if (out_.subjects[i].kind == out_.subjects[who].kind) out_.subjects[i].outcomes.insert(o);
    }
    out_.subjects[who].outcomes.insert(o);
  }

  const world::Scene& scene_;
  Expectation& out_;
  std::vector<bool> claimed_;
  std::vector<world::Colour> pending_colours_;
  std::optional<world::Size> pending_size_;
  int pending_count_ = 0;
  bool pending_stack_ = false;
  bool definite_ = false;
  bool expect_follow_ = false;
  std::vector<int> current_;
};

}  // namespace

std::string ExpectedSubject::describe() const {
  std::string out;
  if (colour) out += std::string(world::name(*colour)) + " ";
  out += world::name(kind);
  return out;
}

Expectation expect_from_prompt(const std::string& prompt, const world::Format& format) {
  Expectation out;
  out.parsed = world::parse_prompt(prompt, format);
  Reader(out.parsed.scene, out).read(out.parsed.words);
  // The followed thing: the parser's own choice when the words did not settle it.
  if (out.camera == world::CameraMove::follow && out.follow < 0) {
    const int id = out.parsed.scene.shots.front().subject;
    for (size_t i = 0; i < out.subjects.size(); ++i)
      if (out.subjects[i].id == id) out.follow = static_cast<int>(i);
  }
  return out;
}

}  // namespace kinema::eval
