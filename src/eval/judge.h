// The judge, the one door of src/eval: a clip (frames and sound) and its prompt in; a score per criterion,
// each with a pass mark, and an overall score out. It works from the pixels and the sound alone, with what it
// knows of how Kinema World draws and sounds (palette, sizes, view, g, the sounds of its materials); it never
// sees how the clip was made, so it judges a model's clips as it judges the world's. See docs/JUDGE.md.
//
//   eval::Judgement j = eval::judge(clip, "a red ball bounces on a metal floor at sunset");
//   j.overall, j.find("gravity")->score, j.to_json()
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/json.h"
#include "eval/sky.h"
#include "media/clip.h"

namespace kinema::eval {

struct JudgeOptions {
  Rect ignore;  // pixels to leave out everywhere (a watermark); empty: none
};

struct Criterion {
  std::string name;        // "subjects", "persistence", "frame_order", "gravity", ...
  std::string what;        // what it measures, in a few words
  bool applicable = false; // false: the prompt asks nothing it measures, or there is nothing to measure
  double score = 0;        // 0 .. 1 when applicable
  double pass_mark = 0.5;
  std::string summary;     // the measured numbers in one line, or why it does not apply
  Json details;            // every number behind the score

  bool passed() const { return applicable && score >= pass_mark; }
};

struct Judgement {
  std::string prompt;
  std::vector<Criterion> criteria;  // always the same list in the same order; some not applicable
  double overall = 0;               // mean score of the applicable criteria
  bool passed = false;              // every applicable criterion passed
  std::vector<std::string> failed;  // names of the applicable criteria below their pass marks

  const Criterion* find(const std::string& name) const;
  Json to_json() const;
};

// Judges one clip against its prompt; with `previous`, also the cut from the previous shot to this one.
Judgement judge(const media::Clip& clip, const std::string& prompt, const JudgeOptions& options = {},
                const media::Clip* previous = nullptr);

// The names of every criterion, in the order judge() reports them.
const std::vector<std::string>& criterion_names();

// Many judgements summed up: their count, mean and lowest overall score, the share that passed, and per
// criterion how often it applied, its mean score and its pass rate.
Json summarize(const std::vector<Judgement>& judgements);

}  // namespace kinema::eval
