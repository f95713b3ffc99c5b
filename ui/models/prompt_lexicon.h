// Which words of a prompt the current model knows, as the engine says (Generator::unknown_words: the
// world's vocabulary for a model trained with world guidance, else the model's tokenizer).
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include <memory>

namespace kinema::pipeline {
class Generator;
}

namespace kinema::studio {

class PromptLexicon {
 public:
  struct Word {
    int start = 0;   // position in the QString (UTF-16 code units)
    int length = 0;
    QString text;
  };
  virtual ~PromptLexicon() = default;
  virtual QList<Word> unknownWords(const QString& text) const = 0;
  virtual QStringList knownWords() const = 0;  // sorted
  virtual QString source() const = 0;          // who knows the words, for the tooltip ("model X's tokenizer")
};

// The model: Generator::unknown_words and known_words.
class ModelLexicon : public PromptLexicon {
 public:
  explicit ModelLexicon(std::shared_ptr<const pipeline::Generator> generator);
  QList<Word> unknownWords(const QString& text) const override;
  QStringList knownWords() const override { return known_; }
  QString source() const override { return source_; }

 private:
  std::shared_ptr<const pipeline::Generator> generator_;
  QStringList known_;
  QString source_;
};

// The tooltip for an unknown word: what it is and what the model does know.
QString unknownWordTip(const PromptLexicon& lexicon, const QString& word, int maxWords = 80);

}  // namespace kinema::studio
