// The prompt panel: the selected shot's prompt and settings, its takes, and Generate. Every change is
// reported as an edit (before, after) for the main window to push as an undo command.
#pragma once

#include <QPlainTextEdit>
#include <QSyntaxHighlighter>
#include <QTimer>
#include <QWidget>

#include <memory>

#include "models/prompt_lexicon.h"
#include "models/shot.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace kinema::studio {

// Underlines the words the model does not know.
class UnknownWordHighlighter : public QSyntaxHighlighter {
 public:
  explicit UnknownWordHighlighter(QTextDocument* document);
  void setWords(QList<PromptLexicon::Word> words);
  const QList<PromptLexicon::Word>& words() const { return words_; }

 protected:
  void highlightBlock(const QString& text) override;

 private:
  QList<PromptLexicon::Word> words_;  // positions in the whole document
};

// A prompt editor that underlines unknown words and explains them in a tooltip. Undo and redo go to
// the window's history (the shot's settings), not to the editor's own.
class PromptEdit : public QPlainTextEdit {
  Q_OBJECT
 public:
  explicit PromptEdit(QWidget* parent = nullptr);
  void setLexicon(std::shared_ptr<const PromptLexicon> lexicon);
  const PromptLexicon* lexicon() const { return lexicon_.get(); }
  // Checks the text now (it is otherwise checked shortly after typing stops).
  void checkWords();
  QList<PromptLexicon::Word> unknownWords() const { return highlighter_->words(); }
  // The tooltip shown over the text at `position`, empty over a known word.
  QString tipAt(int position) const;

 protected:
  bool event(QEvent* event) override;

 private:
  std::shared_ptr<const PromptLexicon> lexicon_;
  UnknownWordHighlighter* highlighter_;
  QTimer checkTimer_;
  QString checkedText_;
};

struct ModelDefaults {
  bool known = false;
  int steps = 0;
  double guidance = 0.0;
  QString solver;
  int fps = 0;
  double seconds = 0.0;
  double maxSeconds = 0.0;
  int guidedSteps = 0;  // the default steps in guided mode, where the model sets one (0: `steps`)
};

class PromptPanel : public QWidget {
  Q_OBJECT
 public:
  explicit PromptPanel(QWidget* parent = nullptr);

  // Shows a shot (row number from 1), without reporting edits. Keeps the cursor if the prompt is the same.
  void setShot(const Shot& shot, int number);
  void clearShot();
  QString shotId() const { return shotId_; }
  ShotSettings settings() const { return current_; }

  void setLexicon(std::shared_ptr<const PromptLexicon> lexicon) { prompt_->setLexicon(std::move(lexicon)); }
  void setModelDefaults(const ModelDefaults& defaults);
  void setGenerateEnabled(bool enabled, const QString& why = {});

  PromptEdit* promptEdit() const { return prompt_; }
  QLineEdit* negativeEdit() const { return negative_; }
  QComboBox* takeBox() const { return takes_; }
  // Runs the engine's request gate (content rules, cameo grants) on the prompt as shown; it also runs on
  // every edit. refusalReason() is what the panel shows beside the prompt, empty when it would be allowed.
  void checkSafety();
  QString refusalReason() const;

 signals:
  void settingsEdited(const QString& shotId, const ShotSettings& before, const ShotSettings& after,
                      const QString& field);
  void generateRequested();
  void takeChosen(const QString& shotId, int from, int to);

 private:
  void edit(const QString& field, const std::function<void(ShotSettings&)>& change);
  void showSettings();
  void syncPickers();

  QString shotId_;
  ShotSettings current_;
  QString shownPrompt_;  // the prompt text as last shown or typed, to tell edits from format changes
  int currentTake_ = -1;
  bool updating_ = false;
  ModelDefaults defaults_;

  QLabel* title_;
  PromptEdit* prompt_;
  QLineEdit* negative_;
  QLabel* refusal_;
  QComboBox* style_;
  QComboBox* camera_;
  QComboBox* time_;
  QDoubleSpinBox* seconds_;
  QLineEdit* seed_;
  QCheckBox* seedLocked_;
  QSpinBox* steps_;
  QDoubleSpinBox* guidance_;
  QComboBox* solver_;
  QCheckBox* continue_;
  QComboBox* takes_;
  QLabel* takeInfo_;
  QPushButton* generate_;
};

}  // namespace kinema::studio
