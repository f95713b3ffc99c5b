// The judge: evidence gathered once, every criterion scored, the overall score and the JSON.
#include "eval/judge.h"

#include <algorithm>

#include "core/error.h"
#include "eval/continuity.h"
#include "eval/criteria.h"
#include "eval/evidence.h"

namespace kinema::eval {

const std::vector<std::string>& criterion_names() {
  static const std::vector<std::string> names{"subjects", "persistence", "frame_order", "gravity", "events", "direction",
                                              "camera", "style", "time_of_day", "sync", "material", "cut_subjects",
                                              "cut_state", "cut_light"};
  return names;
}

const Criterion* Judgement::find(const std::string& name) const {
  for (const Criterion& c : criteria)
    if (c.name == name) return &c;
  return nullptr;
}

Json Judgement::to_json() const {
  Json j;
  j["prompt"] = prompt;
  j["overall"] = overall;
  j["passed"] = passed;
  j["failed"] = failed;
  j["criteria"] = Json::array();
  for (const Criterion& c : criteria) {
    Json cj{{"name", c.name}, {"what", c.what}, {"applicable", c.applicable}, {"pass_mark", c.pass_mark}, {"summary", c.summary},
            {"details", c.details}};
    cj["score"] = c.applicable ? Json(c.score) : Json(nullptr);
    cj["passed"] = c.applicable ? Json(c.passed()) : Json(nullptr);
    j["criteria"].push_back(std::move(cj));
  }
  return j;
}

Json summarize(const std::vector<Judgement>& judgements) {
  Json out;
  const size_t n = judgements.size();
  double sum = 0, lowest = n > 0 ? 1.0 : 0.0;
  int passed = 0;
  for (const Judgement& j : judgements) {
    sum += j.overall;
    lowest = std::min(lowest, j.overall);
    passed += j.passed;
  }
  out["count"] = n;
  out["overall_mean"] = n > 0 ? sum / n : 0.0;
  out["overall_min"] = lowest;
  out["passed_share"] = n > 0 ? static_cast<double>(passed) / n : 0.0;
  Json per = Json::object();
  for (const std::string& name : criterion_names()) {
    int applied = 0, pass = 0;
    double total = 0;
    for (const Judgement& j : judgements)
      if (const Criterion* c = j.find(name); c && c->applicable) {
        ++applied;
        total += c->score;
        pass += c->passed();
      }
    per[name] = {{"applied", applied},
                 {"mean", applied > 0 ? Json(total / applied) : Json(nullptr)},
                 {"pass_rate", applied > 0 ? Json(static_cast<double>(pass) / applied) : Json(nullptr)}};
  }
  out["criteria"] = per;
  return out;
}

Judgement judge(const media::Clip& clip, const std::string& prompt, const JudgeOptions& options, const media::Clip* previous) {
  if (clip.width < 1 || clip.height < 1 || clip.frame_count() < 1)
    fail(ErrorKind::invalid_input, "judge: the clip has no frames");
  if (previous && (previous->width != clip.width || previous->height != clip.height))
    fail(ErrorKind::invalid_input, "judge: the previous shot is " + std::to_string(previous->width) + "x" +
                                       std::to_string(previous->height) + ", this one " + std::to_string(clip.width) + "x" +
                                       std::to_string(clip.height));
  const Evidence e = gather_evidence(clip, prompt, options.ignore);
  Judgement j;
  j.prompt = prompt;
  j.criteria = {judge_subjects(e), judge_persistence(e), judge_frame_order(e), judge_gravity(e), judge_events(e),
                judge_direction(e), judge_camera(e),     judge_style(e),       judge_time_of_day(e), judge_sync(e),
                judge_material(e)};
  for (Criterion& c : judge_cut(e, previous)) j.criteria.push_back(std::move(c));
  double sum = 0;
  int count = 0;
  j.passed = true;
  for (const Criterion& c : j.criteria) {
    if (!c.applicable) continue;
    sum += c.score;
    ++count;
    if (!c.passed()) {
      j.passed = false;
      j.failed.push_back(c.name);
    }
  }
  j.overall = count > 0 ? sum / count : 0.0;
  return j;
}

}  // namespace kinema::eval
