// The prompt parser: normalise, match the vocabulary's longest phrases, read noun phrases and what acts on
// what, then lay the things out on the stage so that what the prompt says happens.
#include "world/prompt_parser.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include "world/geometry.h"
#include "world/rng.h"
#include "world/vocabulary.h"

namespace kinema::world {
namespace {

struct Token {
  std::string text;
  std::optional<Meaning> meaning;  // none: unknown
};

class Lexicon {
 public:
  Lexicon() {
    for (const Phrase& p : vocabulary()) {
      phrases_.emplace(std::string(p.text), p.meaning);
      longest_ = std::max(longest_, 1 + static_cast<int>(std::count(p.text.begin(), p.text.end(), ' ')));
    }
  }
  const Meaning* find(const std::string& text) const {
    const auto it = phrases_.find(text);
    return it == phrases_.end() ? nullptr : &it->second;
  }
  int longest() const { return longest_; }

 private:
  std::unordered_map<std::string, Meaning> phrases_;
  int longest_ = 1;
};

const Lexicon& lexicon() {
  static const Lexicon instance;
  return instance;
}

std::vector<std::string> words_of(const std::string& text) {
  std::vector<std::string> words;
  std::string word;
  for (size_t i = 0; i <= text.size(); ++i) {
    const char c = i < text.size() ? text[i] : ' ';
    if (c == '\'' || static_cast<unsigned char>(c) == 0xe2) {
      // Possessive 's and curly quotes: drop the apostrophe and an 's' after it.
      if (c == '\'' && i + 1 < text.size() && text[i + 1] == 's' && (i + 2 == text.size() || !std::isalnum(static_cast<unsigned char>(text[i + 2])))) ++i;
      continue;
    }
    if (std::isalnum(static_cast<unsigned char>(c))) {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!word.empty()) {
      words.push_back(word);
      word.clear();
    }
  }
  return words;
}

// Known forms of an unknown word: plain plurals and tenses ("bounced", "rolled", "jumping").
const Meaning* stem(const std::string& w) {
  const Lexicon& lex = lexicon();
  auto strip = [&](size_t n, const std::string& add) -> const Meaning* {
    if (w.size() <= n + 2) return nullptr;
    return lex.find(w.substr(0, w.size() - n) + add);
  };
  for (auto [n, add] : {std::pair<size_t, const char*>{1, ""}, {2, ""}, {1, "s"}, {2, "s"}, {2, "es"}, {3, ""}, {3, "e"}, {3, "s"}})
    if (const Meaning* m = strip(n, add)) return m;
  return nullptr;
}

std::vector<Token> tokens_of(const std::string& text) {
  const std::vector<std::string> words = words_of(text);
  const Lexicon& lex = lexicon();
  std::vector<Token> out;
  for (size_t i = 0; i < words.size();) {
    bool matched = false;
    for (int n = std::min<int>(lex.longest(), static_cast<int>(words.size() - i)); n >= 1 && !matched; --n) {
      std::string phrase = words[i];
      for (int k = 1; k < n; ++k) phrase += " " + words[i + k];
      if (const Meaning* m = lex.find(phrase)) {
        out.push_back({phrase, *m});
        i += n;
        matched = true;
      }
    }
    if (matched) continue;
    if (const Meaning* m = stem(words[i])) out.push_back({words[i], *m});
    else out.push_back({words[i], std::nullopt});
    ++i;
  }
  return out;
}

// ---- reading ----

struct Subject {
  Kind kind = Kind::ball;
  Colour colour = Colour::red;
  bool colour_given = false;
  Size size = Size::medium;
  std::optional<Action> action;
  std::set<Outcome> outcomes;
  int stack = -1;  // index of the stack's bottom subject
  int target = -1;
  int on = -1;
  int direction = 0;
  bool told_still = false;  // "rests", "comes to rest": it keeps still even if chased
};

enum class Expect { none, throw_at, target, follow, hit, support };

class Reader {
 public:
  void read(const std::vector<Token>& tokens) {
    for (const Token& t : tokens) {
      if (!t.meaning) continue;
      const Meaning m = *t.meaning;
      if (m.what == Concept::filler) {
        filler(t.text);
        continue;
      }
      const bool noun_phrase = m.what == Concept::colour || m.what == Concept::size || m.what == Concept::count ||
                               m.what == Concept::stack || m.what == Concept::kind || m.what == Concept::kinds;
      if (!noun_phrase && m.what != Concept::outfit) flush_stack_reference();
      if (!noun_phrase) joining_ = false;
      if (m.what != Concept::colour) wearing_ = false;
      after_noun_ = after_floor_ = false;
      switch (m.what) {
        case Concept::colour:
          // "a character in blue": the colour after the character is what it wears.
          if (wearing_) {
            for (int i : last_np_) subjects[i].colour = static_cast<Colour>(m.value), subjects[i].colour_given = true;
            break;
          }
          pending_colours_.push_back(static_cast<Colour>(m.value));
          break;
        case Concept::size: pending_size_ = static_cast<Size>(m.value); break;
        case Concept::count: pending_count_ = m.value; break;
        case Concept::stack: pending_stack_ = true; break;
        case Concept::kind: noun(static_cast<Kind>(m.value), false); break;
        case Concept::kinds: noun(static_cast<Kind>(m.value), true); break;
        case Concept::floor:
          if (std::find(floors.begin(), floors.end(), static_cast<Material>(m.value)) == floors.end())
            floors.push_back(static_cast<Material>(m.value));
          last_floor_ = static_cast<Material>(m.value);
          after_floor_ = true;
          expect_ = Expect::none;
          break;
        case Concept::action: action(static_cast<Action>(m.value)); break;
        case Concept::outcome: outcome(static_cast<Outcome>(m.value)); break;
        case Concept::camera:
          camera = static_cast<CameraMove>(m.value);
          expect_ = camera == CameraMove::follow ? Expect::follow : Expect::none;
          break;
        case Concept::time: time = static_cast<TimeOfDay>(m.value); break;
        case Concept::light_change: change = static_cast<LightChange>(m.value); break;
        case Concept::style: style = static_cast<Style>(m.value); break;
        case Concept::sound: sounds.push_back(static_cast<Sound>(m.value)); break;
        case Concept::direction:
          for (int i : current_) subjects[i].direction = m.value;
          break;
        case Concept::outfit:
          // "a girl in a red dress": the colour before the clothes is the character's.
          if (!pending_colours_.empty())
            for (int i : current_)
              if (subjects[i].kind == Kind::character) {
                subjects[i].colour = pending_colours_.front();
                subjects[i].colour_given = true;
              }
          clear_pending();
          break;
        case Concept::filler: break;
      }
    }
    flush_stack_reference();
  }

  std::vector<Subject> subjects;
  std::vector<Material> floors;
  std::optional<CameraMove> camera;
  int follow = -1;
  std::optional<TimeOfDay> time;
  std::optional<LightChange> change;
  std::optional<Style> style;
  std::vector<Sound> sounds;
  std::vector<Material> patch_floors;  // floors named as a patch ("an ice patch"), never the main floor

 private:
  void filler(const std::string& word) {
    if (word == "the") definite_ = true;
    else if (word == "a" || word == "an") definite_ = false;
    else if ((word == "at" || word == "towards" || word == "toward") && expect_ == Expect::throw_at) expect_ = Expect::target;
    // "a character in red", "a girl wearing blue": a colour next is the character's.
    if ((word == "in" || word == "wearing") && after_noun_ && !last_np_.empty() &&
        std::all_of(last_np_.begin(), last_np_.end(), [&](int i) { return subjects[i].kind == Kind::character; }))
      wearing_ = true;
    // "a red ball and a blue ball fall": one verb for both, while neither has one yet.
    if (word == "and" && after_noun_ && !acted_) joining_ = true;
    if ((word == "patch" || word == "patches") && after_floor_ && last_floor_)
      if (std::find(patch_floors.begin(), patch_floors.end(), *last_floor_) == patch_floors.end())
        patch_floors.push_back(*last_floor_);
    if (word != "a" && word != "an" && word != "the" && word != "in" && word != "wearing") after_noun_ = false;
    if (word != "patch" && word != "patches") after_floor_ = false;
  }

  void clear_pending() {
    pending_colours_.clear();
    pending_size_.reset();
    pending_count_ = 0;
    pending_stack_ = false;
    definite_ = false;
  }

  // "the stack" with no noun after it: the stack named before.
  void flush_stack_reference() {
    if (!pending_stack_) return;
    int bottom = -1;
    for (size_t i = 0; i < subjects.size(); ++i)
      if (subjects[i].stack >= 0) bottom = subjects[i].stack;
    if (bottom < 0) {
      noun(Kind::box, true);
      return;
    }
    std::vector<int> group;
    for (size_t i = 0; i < subjects.size(); ++i)
      if (subjects[i].stack == bottom) group.push_back(static_cast<int>(i));
    attach(group);
    clear_pending();
  }

  int find_subject(Kind kind, std::optional<Colour> colour) const {
    for (size_t i = subjects.size(); i-- > 0;)
      if (subjects[i].kind == kind && (!colour || (subjects[i].colour_given && subjects[i].colour == *colour))) return static_cast<int>(i);
    return -1;
  }

  Colour unused_colour() const {
    for (int c = 0; c < kColours; ++c) {
      bool used = false;
      for (const Subject& s : subjects) used = used || (s.colour_given && s.colour == static_cast<Colour>(c)) || s.colour == static_cast<Colour>(c);
      if (!used) return static_cast<Colour>(c);
    }
    return Colour::red;
  }

  void noun(Kind kind, bool plural) {
    std::vector<int> group;
    const bool stack = pending_stack_ && kind == Kind::box;
    const int given = std::max<int>(pending_count_, static_cast<int>(pending_colours_.size()));
    const int n = given > 0 ? given : plural ? (stack ? 3 : 2) : 1;
    const bool referring = definite_ || expect_ == Expect::target || expect_ == Expect::follow || expect_ == Expect::hit ||
                           expect_ == Expect::support;
    if (!plural && !stack && referring) {
      const int found = find_subject(kind, pending_colours_.empty() ? std::nullopt : std::optional<Colour>(pending_colours_[0]));
      if (found >= 0) group.push_back(found);
    } else if (plural && definite_ && !stack) {
      for (size_t i = 0; i < subjects.size(); ++i) {
        const bool colour_ok = pending_colours_.empty() ||
                               std::find(pending_colours_.begin(), pending_colours_.end(), subjects[i].colour) != pending_colours_.end();
        if (subjects[i].kind == kind && colour_ok) group.push_back(static_cast<int>(i));
      }
    }
    if (group.empty()) {
      for (int k = 0; k < n; ++k) {
        Subject s;
        s.kind = kind;
        s.colour_given = !pending_colours_.empty();
        s.colour = s.colour_given ? pending_colours_[std::min<size_t>(k, pending_colours_.size() - 1)] : unused_colour();
        if (pending_size_) s.size = *pending_size_;
        if (stack) {
          s.stack = static_cast<int>(subjects.size()) - k;
          s.on = k > 0 ? static_cast<int>(subjects.size()) - 1 : -1;
          s.action = Action::rest;
        }
        if (pending_action_ && can_do(kind, *pending_action_)) s.action = pending_action_;
        subjects.push_back(s);
        group.push_back(static_cast<int>(subjects.size()) - 1);
      }
      pending_action_.reset();
    }
    attach(group);
    clear_pending();
    after_noun_ = true;
  }

  // A noun phrase is the object of what came before it, or the new subject of what follows.
  void attach(const std::vector<int>& group) {
    last_np_ = group;
    const int actor = current_.empty() ? -1 : current_.front();
    const int middle = group[group.size() / 2];
    switch (expect_) {
      case Expect::target:
        if (actor >= 0 && middle != actor) subjects[actor].target = middle;
        break;
      case Expect::follow: follow = group.front(); break;
      case Expect::hit:
        if (actor >= 0 && middle != actor) subjects[actor].target = subjects[actor].target >= 0 ? subjects[actor].target : middle;
        break;
      case Expect::support:
        if (actor >= 0 && subjects[group.back()].kind == Kind::box && group.back() != actor) subjects[actor].on = group.back();
        break;
      case Expect::none:
      case Expect::throw_at:
        if (joining_ && expect_ == Expect::none) {
          for (int i : group)
            if (std::find(current_.begin(), current_.end(), i) == current_.end()) current_.push_back(i);
        } else {
          current_ = group;
          acted_ = false;
        }
        break;
    }
    joining_ = false;
    if (expect_ == Expect::throw_at) current_ = group;
    expect_ = Expect::none;
  }

  void action(Action a) {
    acted_ = true;
    pending_colours_.clear();
    if (current_.empty()) {
      pending_action_ = a;
      return;
    }
    bool applied = false;
    for (int i : current_) {
      Subject& s = subjects[i];
      if (can_do(s.kind, a)) {
        if (!s.action || s.action == Action::rest || a != Action::rest) s.action = a;
        if (a == Action::rest) s.told_still = true;
        applied = true;
      } else if (s.kind == Kind::character && a == Action::drop) {
        s.outcomes.insert(Outcome::fall);  // "the character falls": it falls over
        applied = true;
      }
    }
    if (!applied) return;
    expect_ = a == Action::chase ? Expect::target : a == Action::throw_ ? Expect::throw_at : a == Action::rest ? Expect::support : Expect::none;
  }

  // Outcomes belong to the latest thing they can happen to: glass shatters, stacks topple, balls bounce,
  // characters fall.
  void outcome(Outcome o) {
    auto latest = [&](auto fits) -> int {
      for (auto* list : {&last_np_, &current_})
        for (int i : *list)
          if (fits(subjects[i])) return i;
      for (size_t i = subjects.size(); i-- > 0;)
        if (fits(subjects[i])) return static_cast<int>(i);
      return -1;
    };
    int who = -1;
    switch (o) {
      case Outcome::bounce: who = latest([](const Subject& s) { return s.kind == Kind::ball; }); break;
      case Outcome::shatter:
      case Outcome::in_pieces:
      case Outcome::intact: who = latest([](const Subject& s) { return s.kind == Kind::glass; }); break;
      case Outcome::topple: who = latest([](const Subject& s) { return s.kind == Kind::box || s.kind == Kind::glass; }); break;
      case Outcome::fall:
      case Outcome::trip:
        who = latest([](const Subject& s) { return s.kind == Kind::character; });
        if (who < 0 && o == Outcome::fall) {  // "the tower falls over": with no one to fall, things topple
          o = Outcome::topple;
          who = latest([](const Subject& s) { return s.kind == Kind::box || s.kind == Kind::glass; });
        }
        break;
      case Outcome::collide:
        who = current_.empty() ? -1 : current_.front();
        expect_ = Expect::hit;
        // "a ball and a box collide": the first runs into the second.
        if (current_.size() >= 2 && subjects[current_[0]].target < 0) {
          subjects[current_[0]].target = current_[1];
          expect_ = Expect::none;
        }
        break;
      case Outcome::lie_still: who = current_.empty() ? -1 : current_.front(); break;
    }
    if (who < 0) return;
    // "two glasses shatter": the whole group the outcome follows.
    if (std::find(last_np_.begin(), last_np_.end(), who) != last_np_.end()) {
      for (int i : last_np_)
        if (subjects[i].kind == subjects[who].kind) subjects[i].outcomes.insert(o);
    }
    if (o == Outcome::topple && subjects[who].stack >= 0) {
      for (Subject& s : subjects)
        if (s.stack == subjects[who].stack) s.outcomes.insert(o);
      return;
    }
    subjects[who].outcomes.insert(o);
  }

  std::vector<Colour> pending_colours_;
  std::optional<Size> pending_size_;
  int pending_count_ = 0;
  bool pending_stack_ = false;
  bool definite_ = false;
  std::optional<Action> pending_action_;
  std::vector<int> current_, last_np_;
  Expect expect_ = Expect::none;
  bool after_noun_ = false;   // the last word read closed a noun phrase
  bool wearing_ = false;      // "in" or "wearing" after a character: a colour next is its clothes'
  bool joining_ = false;      // "and" between subjects: the next noun phrase joins the current subjects
  bool acted_ = false;        // the current subjects have a verb
  bool after_floor_ = false;  // the last word read named a floor
  std::optional<Material> last_floor_;
};

// ---- laying out the stage ----

class Stage {
 public:
  Stage(Reader& r, Scene& scene) : r_(r), s_(scene) {}

  void build() {
    choose_floor();
    settle_actions();
    for (size_t i = 0; i < r_.subjects.size(); ++i) {
      Object o;
      o.id = static_cast<int>(i);
      o.kind = r_.subjects[i].kind;
      o.colour = r_.subjects[i].colour;
      o.size = r_.subjects[i].size;
      o.action = *r_.subjects[i].action;
      o.direction = r_.subjects[i].direction < 0 ? -1 : 1;
      s_.objects.push_back(o);
    }
    place();
    place_patches();
    Shot shot;
    shot.camera = r_.camera.value_or(CameraMove::static_);
    shot.subject = r_.follow >= 0 ? r_.follow : main_subject();
    if (shot.camera == CameraMove::follow && shot.subject < 0) shot.camera = CameraMove::static_;
    s_.shots = {shot};
    light();
    s_.style = r_.style.value_or(Style::cartoon);
  }

 private:
  bool heard(Sound s) const { return std::find(r_.sounds.begin(), r_.sounds.end(), s) != r_.sounds.end(); }

  void choose_floor() {
    std::optional<Material> main;
    const auto patch = [&](Material m) {
      return std::find(r_.patch_floors.begin(), r_.patch_floors.end(), m) != r_.patch_floors.end();
    };
    for (Material m : r_.floors)
      if (m != Material::water && !patch(m) && !main) main = m;
    for (Material m : r_.floors)  // only patches named: the first of them is the floor after all
      if (m != Material::water && !main) main = m;
    if (!main) {  // sounds hint at the floor
      if (heard(Sound::clang) || heard(Sound::hum)) main = Material::metal;
      else if (heard(Sound::crunch) || heard(Sound::waves)) main = Material::sand;
      else if (heard(Sound::swish) || heard(Sound::birdsong) || heard(Sound::crickets)) main = Material::grass;
      else if (heard(Sound::tick) && heard(Sound::wind)) main = Material::ice;
      else main = Material::wood;
    }
    s_.ground = *main;
    for (Material m : r_.floors)
      if (m != *main) patches_.push_back(m);
  }

  // Things with no verb get the action their outcomes imply, or their kind's usual one.
  void settle_actions() {
    for (Subject& s : r_.subjects) {
      if (s.action) continue;
      const auto has = [&](Outcome o) { return s.outcomes.count(o) > 0; };
      s.told_still = has(Outcome::lie_still);
      switch (s.kind) {
        case Kind::ball: s.action = has(Outcome::bounce) ? Action::drop : has(Outcome::collide) ? Action::roll : Action::rest; break;
        case Kind::box:
          // "a box scrapes along the floor", "a box and a ball collide": it slides.
          s.action = (heard(Sound::scrape) && r_.subjects.size() == 1 && s.stack < 0) ||
                             (has(Outcome::collide) && s.target >= 0)
                         ? Action::slide
                         : Action::rest;
          break;
        case Kind::glass: s.action = has(Outcome::in_pieces) || has(Outcome::intact) ? Action::drop : Action::rest; break;
        case Kind::character: s.action = has(Outcome::fall) || has(Outcome::trip) ? Action::run : Action::walk; break;
      }
    }
    // A glass said to shatter with nothing thrown at it or rolling into it is dropped.
    for (size_t i = 0; i < r_.subjects.size(); ++i) {
      Subject& s = r_.subjects[i];
      if (s.kind != Kind::glass || !s.outcomes.count(Outcome::shatter) || s.action != Action::rest) continue;
      bool hit = false;
      for (const Subject& o : r_.subjects) hit = hit || o.target == static_cast<int>(i);
      if (!hit) s.action = Action::drop;
    }
    // A chase needs a ball: the latest ball, or a new one rolling ahead. A chased ball rolls away.
    for (Subject& s : r_.subjects) {
      if (s.action != Action::chase || s.target < 0) continue;
      Subject& ball = r_.subjects[s.target];
      if (ball.kind == Kind::ball && ball.action == Action::rest && !ball.told_still) ball.action = Action::roll;
    }
    const size_t count = r_.subjects.size();
    for (size_t k = 0; k < count; ++k) {
      if (r_.subjects[k].action != Action::chase) continue;
      int& target = r_.subjects[k].target;
      if (target >= 0 && r_.subjects[target].kind == Kind::ball) continue;
      target = -1;
      for (size_t i = r_.subjects.size(); i-- > 0;)
        if (r_.subjects[i].kind == Kind::ball) {
          target = static_cast<int>(i);
          break;
        }
      if (target >= 0) continue;
      Subject ball;
      ball.kind = Kind::ball;
      for (int c = kColours - 1; c >= 0; --c) {
        bool used = false;
        for (const Subject& o : r_.subjects) used = used || o.colour == static_cast<Colour>(c);
        if (!used) ball.colour = static_cast<Colour>(c);
      }
      ball.action = Action::roll;
      r_.subjects.push_back(ball);
      r_.subjects[k].target = static_cast<int>(r_.subjects.size()) - 1;
    }
  }

  int main_subject() const {
    for (const Object& o : s_.objects)
      if (o.action != Action::rest) return o.id;
    return s_.objects.empty() ? -1 : s_.objects.front().id;
  }

  bool free_at(double x, double room = 0.75) const {
    for (size_t i = 0; i < s_.objects.size(); ++i)
      if (placed_.count(static_cast<int>(i)) && s_.objects[i].on < 0 && std::abs(s_.objects[i].x - x) < room) return false;
    return true;
  }

  double free_slot(double preferred) const {
    for (double step : {0.0, 0.9, -0.9, 1.8, -1.8, 2.7, -2.7, 3.6, -3.6, 4.5, -4.5})
      if (free_at(preferred + step)) return std::clamp(preferred + step, -9.0, 9.0);
    return preferred;
  }

  void put(int i, double x) {
    s_.objects[i].x = std::clamp(x, -9.0, 9.0);
    placed_.insert(i);
  }

  // Places things: what is acted on first (stacks, glasses, boxes), then what acts on them, then the rest.
  void place() {
    const int n = static_cast<int>(s_.objects.size());
    std::set<int> targeted;
    for (int i = 0; i < n; ++i)
      if (r_.subjects[i].target >= 0) targeted.insert(r_.subjects[i].target);
    // Stacks and supports.
    for (int i = 0; i < n; ++i) {
      Object& o = s_.objects[i];
      const Subject& sub = r_.subjects[i];
      if (sub.on >= 0 && sub.on != i && s_.objects[sub.on].kind == Kind::box && s_.objects[sub.on].on != i) o.on = sub.on;
    }
    // Chains of supports must end on the floor; break any loop.
    for (int i = 0; i < n; ++i) {
      int hops = 0;
      for (int b = s_.objects[i].on; b >= 0 && hops <= n; b = s_.objects[b].on) ++hops;
      if (hops > n) s_.objects[i].on = -1;
    }
    for (int i = 0; i < n; ++i) {
      Object& o = s_.objects[i];
      if (o.on >= 0 || placed_.count(i)) continue;
      const bool acted_on = targeted.count(i) || has_stack_above(i);
      if (o.action == Action::rest && acted_on) {
        put(i, free_slot(1.0));
        place_above(i);
      }
    }
    for (int i = 0; i < n; ++i) {
      Object& o = s_.objects[i];
      const Subject& sub = r_.subjects[i];
      if (placed_.count(i) || o.on >= 0) continue;
      const int dir = sub.direction < 0 ? -1 : 1;
      o.direction = dir;
      switch (o.action) {
        case Action::throw_: {
          const double at = sub.target >= 0 && placed_.count(sub.target) ? s_.objects[sub.target].x : dir * 1.0;
          put(i, at - dir * 2.6);
          o.height = 0.9;
          o.speed = 7.5;
          o.delay = 0.3;
          o.direction = dir;
          if (sub.target >= 0 && sub.target != i) o.target = sub.target;
          break;
        }
        case Action::roll:
        case Action::slide: {
          const bool towards = sub.target >= 0 && placed_.count(sub.target);
          const double from = towards ? s_.objects[sub.target].x - dir * 2.4 : -dir * 1.8;
          put(i, free_at(from) ? from : free_slot(from));
          o.speed = o.action == Action::roll ? 2.2 : 3.5;
          // A second rolling ball comes the other way: they meet in the middle.
          if (o.action == Action::roll && !towards && rollers_++ % 2 == 1) {
            put(i, dir * 1.8);
            o.direction = -dir;
          }
          break;
        }
        case Action::drop: {
          put(i, free_slot(drops_++ * 1.0 - 0.3));
          o.height = o.kind == Kind::ball ? 1.6 : 1.2;
          if (o.kind == Kind::glass && r_.subjects[i].outcomes.count(Outcome::intact)) o.height = 0.15;
          break;
        }
        case Action::walk:
        case Action::run:
        case Action::jump: {
          put(i, free_slot(-dir * 2.0));
          o.speed = o.action == Action::walk ? 1.2 : o.action == Action::run ? 3.2 : 1.0;
          break;
        }
        case Action::chase: {
          const int ball = sub.target;
          Object& b = s_.objects[ball];
          if (!placed_.count(ball)) {
            if (b.action == Action::rest) b.action = Action::roll;
            put(ball, -dir * 0.8);
            b.direction = dir;
            b.speed = 2.0;
          }
          put(i, b.x - b.direction * 1.3);
          o.direction = b.direction;
          o.target = ball;
          o.speed = 3.0;
          o.delay = 0.3;
          break;
        }
        case Action::rest: put(i, free_slot(0.9)); break;
      }
      place_above(i);
    }
  }

  bool has_stack_above(int i) const {
    for (const Object& o : s_.objects)
      if (o.on == i) return true;
    return false;
  }

  // Boxes go straight up a stack, unless the stack is said to topple with nothing sent at it: then each box
  // overhangs the one below (by 0.8 of its half width, 1.15 in a stack of two), so the boxes above the bottom
  // one have their weight past its edge and the stack tips over by itself.
  void place_above(int i) {
    for (size_t k = 0; k < s_.objects.size(); ++k)
      if (s_.objects[k].on == i && !placed_.count(static_cast<int>(k))) {
        int height = 0;
        for (const Subject& o : r_.subjects) height += o.stack >= 0 && o.stack == r_.subjects[k].stack;
        const double share = height <= 2 ? 1.15 : 0.8;
        const double lean = topples_unprompted(static_cast<int>(k)) ? share * box_half_size(s_.objects[i].size).x : 0.0;
        put(static_cast<int>(k), s_.objects[i].x + lean * s_.objects[k].direction);
        s_.objects[k].action = Action::rest;
        place_above(static_cast<int>(k));
      }
  }

  bool topples_unprompted(int i) const {
    const Subject& sub = r_.subjects[i];
    if (sub.stack < 0 || !sub.outcomes.count(Outcome::topple)) return false;
    for (const Subject& o : r_.subjects)
      if (o.target >= 0 && r_.subjects[o.target].stack == sub.stack) return false;
    return true;
  }

  // Patches lie where they matter: ahead of a walker, under a dropped thing, else in the middle.
  void place_patches() {
    double next_free = 0.6;
    bool slippery_named = false;
    for (Material m : patches_) slippery_named = slippery_named || m == Material::ice || m == Material::water;
    for (size_t i = 0; i < s_.objects.size(); ++i)
      if (r_.subjects[i].outcomes.count(Outcome::fall) && !slippery_named && s_.ground != Material::ice) {
        patches_.push_back(Material::ice);
        slippery_named = true;
      }
    for (Material m : patches_) {
      double from = next_free, to = next_free + 1.8;
      for (const Object& o : s_.objects) {
        const bool walker = o.kind == Kind::character && o.action != Action::rest;
        if (walker && !walker_patched_) {
          const double start = o.x + o.direction * 1.3;
          from = std::min(start, start + o.direction * 1.8);
          to = std::max(start, start + o.direction * 1.8);
          walker_patched_ = true;
          break;
        }
        if (m == Material::water && o.action == Action::drop && !drop_patched_) {
          from = o.x - 0.5;
          to = o.x + 0.5;
          drop_patched_ = true;
          break;
        }
      }
      bool overlaps = false;
      for (const GroundPatch& p : s_.patches) overlaps = overlaps || !(to <= p.from || from >= p.to);
      if (overlaps) {
        for (const GroundPatch& p : s_.patches) next_free = std::max(next_free, p.to + 0.1);
        from = next_free;
        to = from + 1.8;
      }
      s_.patches.push_back({m, std::clamp(from, -9.9, 9.8), std::clamp(to, -9.8, 9.9)});
      next_free = std::max(next_free, to + 0.1);
    }
  }

  void light() {
    TimeOfDay t = TimeOfDay::day;
    if (r_.time) t = *r_.time;
    else if (heard(Sound::crickets)) t = TimeOfDay::night;
    else if (r_.change) t = *r_.change == LightChange::sundown ? TimeOfDay::day : *r_.change == LightChange::deepen ? TimeOfDay::sunset : TimeOfDay::sunset;
    s_.light_start = light_of(t);
    s_.light_end = s_.light_start;
    if (r_.change) {
      // The light rises from the named time of day; deep night can only begin a little earlier.
      const double rise = *r_.change == LightChange::sundown ? 0.5 : *r_.change == LightChange::deepen ? 0.35 : 0.6;
      if (t == TimeOfDay::night) s_.light_start = 1.5;
      s_.light_end = std::min(2.0, s_.light_start + rise);
    }
  }

  Reader& r_;
  Scene& s_;
  std::vector<Material> patches_;
  std::set<int> placed_;
  int drops_ = 0, rollers_ = 0;
  bool walker_patched_ = false, drop_patched_ = false;
};

uint64_t hash_text(const std::string& text) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (char c : text) h = (h ^ static_cast<uint8_t>(c)) * 0x100000001b3ull;
  return mix64(h);
}

}  // namespace

ParsedPrompt parse_prompt(const std::string& text, const Format& format) {
  ParsedPrompt out;
  const std::vector<Token> tokens = tokens_of(text);
  for (const Token& t : tokens) {
    out.words.push_back({t.text, t.meaning ? describe(*t.meaning) : "unknown"});
    if (!t.meaning && std::find(out.unknown.begin(), out.unknown.end(), t.text) == out.unknown.end()) out.unknown.push_back(t.text);
  }
  Reader reader;
  reader.read(tokens);
  // At most 15 things (a chase may add its ball); links to things dropped are dropped too.
  if (reader.subjects.size() > 15) {
    const int n = 15;
    reader.subjects.resize(n);
    for (auto& s : reader.subjects) {
      if (s.target >= n) s.target = -1;
      if (s.on >= n) s.on = -1;
      if (s.stack >= n) s.stack = -1;
    }
    if (reader.follow >= n) reader.follow = -1;
  }
  out.scene.seed = hash_text(text);
  out.scene.format = format;
  Stage(reader, out.scene).build();
  validate(out.scene);
  return out;
}

}  // namespace kinema::world
