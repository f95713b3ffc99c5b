// The prompt panel's widgets and how their changes become settings edits.
#include "widgets/prompt_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QSpinBox>
#include <QTextBlock>
#include <QToolTip>
#include <QVBoxLayout>

#include "models/prompt_presets.h"
#include "safety/content_screen.h"

namespace kinema::studio {

UnknownWordHighlighter::UnknownWordHighlighter(QTextDocument* document) : QSyntaxHighlighter(document) {}

void UnknownWordHighlighter::setWords(QList<PromptLexicon::Word> words) {
  words_ = std::move(words);
  rehighlight();
}

void UnknownWordHighlighter::highlightBlock(const QString& text) {
  QTextCharFormat format;
  format.setUnderlineStyle(QTextCharFormat::SpellCheckUnderline);
  format.setUnderlineColor(QColor(220, 40, 40));
  const int blockStart = currentBlock().position();
  for (const auto& word : words_) {
    const int start = word.start - blockStart;
    if (start >= 0 && start + word.length <= text.size()) setFormat(start, word.length, format);
  }
}

PromptEdit::PromptEdit(QWidget* parent) : QPlainTextEdit(parent), highlighter_(new UnknownWordHighlighter(document())) {
  setUndoRedoEnabled(false);
  setTabChangesFocus(true);
  checkTimer_.setSingleShot(true);
  checkTimer_.setInterval(150);
  connect(&checkTimer_, &QTimer::timeout, this, &PromptEdit::checkWords);
  connect(this, &QPlainTextEdit::textChanged, this, [this] {
    if (toPlainText() != checkedText_) checkTimer_.start();  // not for the underlining's own format changes
  });
}

void PromptEdit::setLexicon(std::shared_ptr<const PromptLexicon> lexicon) {
  lexicon_ = std::move(lexicon);
  checkWords();
}

void PromptEdit::checkWords() {
  checkTimer_.stop();
  checkedText_ = toPlainText();
  highlighter_->setWords(lexicon_ ? lexicon_->unknownWords(toPlainText()) : QList<PromptLexicon::Word>());
}

QString PromptEdit::tipAt(int position) const {
  if (!lexicon_) return {};
  for (const auto& word : highlighter_->words())
    if (position >= word.start && position <= word.start + word.length) return unknownWordTip(*lexicon_, word.text);
  return {};
}

bool PromptEdit::event(QEvent* event) {
  if (event->type() == QEvent::ShortcutOverride) {
    // Let the window's Undo/Redo (the shot history) have these keys.
    auto* key = static_cast<QKeyEvent*>(event);
    if (key->matches(QKeySequence::Undo) || key->matches(QKeySequence::Redo)) {
      event->ignore();
      return true;
    }
  }
  if (event->type() == QEvent::ToolTip) {
    auto* help = static_cast<QHelpEvent*>(event);
    const QString tip = tipAt(cursorForPosition(help->pos()).position());
    if (tip.isEmpty()) {
      QToolTip::hideText();
      event->ignore();
    } else {
      QToolTip::showText(help->globalPos(), tip, this);
    }
    return true;
  }
  return QPlainTextEdit::event(event);
}

namespace {

QComboBox* presetBox(PresetKind kind) {
  auto* box = new QComboBox;
  box->addItem(QObject::tr("—"), QString());
  for (const auto& choice : presetChoices(kind)) box->addItem(choice.label, choice.phrase);
  return box;
}

}  // namespace

PromptPanel::PromptPanel(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  title_ = new QLabel(tr("No shot selected"));
  title_->setObjectName("shotTitle");
  QFont bold = title_->font();
  bold.setBold(true);
  title_->setFont(bold);
  layout->addWidget(title_);

  prompt_ = new PromptEdit;
  prompt_->setObjectName("prompt");
  prompt_->setPlaceholderText(tr("Describe the shot: a red ball bounces on a metal floor at sunset"));
  prompt_->setMinimumHeight(70);
  prompt_->setMaximumHeight(110);
  layout->addWidget(prompt_);
  negative_ = new QLineEdit;
  negative_->setObjectName("negativePrompt");
  negative_->setPlaceholderText(tr("Negative prompt: what to keep out"));
  layout->addWidget(negative_);
  // The engine's own gate (content rules, cameo grants), run as the user types: the reason a generation
  // would be refused, beside the prompt, before anything is queued.
  refusal_ = new QLabel;
  refusal_->setObjectName("refusalReason");
  refusal_->setWordWrap(true);
  refusal_->setStyleSheet("color: #c62828;");
  refusal_->setVisible(false);
  layout->addWidget(refusal_);

  auto* form = new QFormLayout;
  form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  style_ = presetBox(PresetKind::style);
  style_->setObjectName("stylePicker");
  camera_ = presetBox(PresetKind::camera);
  camera_->setObjectName("cameraPicker");
  time_ = presetBox(PresetKind::timeOfDay);
  time_->setObjectName("timePicker");
  form->addRow(tr("Style"), style_);
  form->addRow(tr("Camera"), camera_);
  form->addRow(tr("Time of day"), time_);

  seconds_ = new QDoubleSpinBox;
  seconds_->setObjectName("duration");
  seconds_->setDecimals(3);
  seconds_->setSuffix(tr(" s"));
  seconds_->setRange(0.0, 600.0);
  seconds_->setSpecialValueText(tr("model default"));
  form->addRow(tr("Duration"), seconds_);

  auto* seedRow = new QHBoxLayout;
  seed_ = new QLineEdit;
  seed_->setObjectName("seed");
  seed_->setValidator(new QRegularExpressionValidator(QRegularExpression("[0-9]{1,19}"), seed_));
  seedLocked_ = new QCheckBox(tr("Lock"));
  seedLocked_->setObjectName("seedLocked");
  seedLocked_->setToolTip(tr("Locked: every take uses this seed. Unlocked: each take draws a new one."));
  seedRow->addWidget(seed_, 1);
  seedRow->addWidget(seedLocked_);
  form->addRow(tr("Seed"), seedRow);

  steps_ = new QSpinBox;
  steps_->setObjectName("steps");
  steps_->setRange(0, 1000);
  form->addRow(tr("Steps"), steps_);
  guidance_ = new QDoubleSpinBox;
  guidance_->setObjectName("guidance");
  guidance_->setRange(-1.0, 100.0);
  guidance_->setSingleStep(0.5);
  guidance_->setDecimals(2);
  form->addRow(tr("Guidance"), guidance_);
  solver_ = new QComboBox;
  solver_->setObjectName("solver");
  solver_->addItem(tr("model default"), QString());
  for (const char* name : {"euler", "heun", "unipc"}) solver_->addItem(QString::fromLatin1(name), QString::fromLatin1(name));
  form->addRow(tr("Solver"), solver_);
  layout->addLayout(form);

  continue_ = new QCheckBox(tr("Continue from the shot before"));
  continue_->setObjectName("continuePrevious");
  continue_->setToolTip(tr("Start this shot from the last frames of the shot before it, so the world carries on "
                           "across the cut."));
  layout->addWidget(continue_);

  auto* takeRow = new QHBoxLayout;
  takeRow->addWidget(new QLabel(tr("Take")));
  takes_ = new QComboBox;
  takes_->setObjectName("takes");
  takeRow->addWidget(takes_, 1);
  layout->addLayout(takeRow);
  takeInfo_ = new QLabel;
  takeInfo_->setObjectName("takeInfo");
  takeInfo_->setWordWrap(true);
  takeInfo_->setStyleSheet("color: palette(mid);");
  layout->addWidget(takeInfo_);

  generate_ = new QPushButton(tr("Generate shot"));
  generate_->setObjectName("generate");
  generate_->setDefault(true);
  layout->addWidget(generate_);
  layout->addStretch(1);

  connect(prompt_, &QPlainTextEdit::textChanged, this, [this] {
    // The underlining of unknown words changes formats, which Qt also reports as textChanged.
    const QString text = prompt_->toPlainText();
    if (text == shownPrompt_) return;
    shownPrompt_ = text;
    edit(QStringLiteral("prompt"), [&](ShotSettings& s) { s.prompt = text; });
    syncPickers();
    checkSafety();
  });
  connect(negative_, &QLineEdit::textEdited, this, [this](const QString& text) {
    edit(QStringLiteral("negative prompt"), [&](ShotSettings& s) { s.negativePrompt = text; });
    checkSafety();
  });
  const auto connectPicker = [this](QComboBox* box, PresetKind kind, const QString& field) {
    connect(box, &QComboBox::activated, this, [this, box, kind, field](int index) {
      const QString phrase = box->itemData(index).toString();
      edit(field, [&](ShotSettings& s) { s.prompt = applyPreset(s.prompt, kind, phrase); });
      showSettings();
    });
  };
  connectPicker(style_, PresetKind::style, QStringLiteral("style"));
  connectPicker(camera_, PresetKind::camera, QStringLiteral("camera"));
  connectPicker(time_, PresetKind::timeOfDay, QStringLiteral("time of day"));
  connect(seconds_, &QDoubleSpinBox::valueChanged, this,
          [this](double v) { edit(QStringLiteral("duration"), [&](ShotSettings& s) { s.seconds = v; }); });
  connect(seed_, &QLineEdit::textEdited, this,
          [this](const QString& text) { edit(QStringLiteral("seed"), [&](ShotSettings& s) { s.seed = text.toULongLong(); }); });
  connect(seedLocked_, &QCheckBox::toggled, this, [this](bool locked) {
    if (updating_) return;
    edit(QStringLiteral("seed lock"), [&](ShotSettings& s) {
      s.seedLocked = locked;
      if (locked && !seed_->text().isEmpty()) s.seed = seed_->text().toULongLong();  // keep the look shown
    });
    showSettings();
  });
  connect(steps_, &QSpinBox::valueChanged, this,
          [this](int v) { edit(QStringLiteral("steps"), [&](ShotSettings& s) { s.steps = v; }); });
  connect(guidance_, &QDoubleSpinBox::valueChanged, this, [this](double v) {
    edit(QStringLiteral("guidance"), [&](ShotSettings& s) { s.guidance = v < 0 ? -1.0 : v; });
    checkSafety();  // below guidance 1 the negative prompt steers towards what it says
  });
  connect(solver_, &QComboBox::activated, this, [this](int index) {
    edit(QStringLiteral("solver"), [&](ShotSettings& s) { s.solver = solver_->itemData(index).toString(); });
  });
  connect(continue_, &QCheckBox::toggled, this,
          [this](bool on) { edit(QStringLiteral("continuation"), [&](ShotSettings& s) { s.continuePrevious = on; }); });
  connect(takes_, &QComboBox::activated, this, [this](int index) {
    if (index != currentTake_ && !shotId_.isEmpty()) emit takeChosen(shotId_, currentTake_, index);
  });
  connect(generate_, &QPushButton::clicked, this, &PromptPanel::generateRequested);
  clearShot();
}

void PromptPanel::edit(const QString& field, const std::function<void(ShotSettings&)>& change) {
  if (updating_ || shotId_.isEmpty()) return;
  const ShotSettings before = current_;
  change(current_);
  if (current_ == before) return;
  emit settingsEdited(shotId_, before, current_, field);
}

void PromptPanel::setShot(const Shot& shot, int number) {
  const bool sameShot = shot.id == shotId_;
  shotId_ = shot.id;
  current_ = shot.settings;
  currentTake_ = shot.currentTake;
  updating_ = true;
  title_->setText(tr("Shot %1").arg(number));
  takes_->clear();
  for (int i = 0; i < shot.takes.size(); ++i) {
    const Take& t = shot.takes[i];
    takes_->addItem(tr("Take %1 · seed %2 · %3 s%4")
                        .arg(i + 1)
                        .arg(t.seed)
                        .arg(t.shownSeconds(), 0, 'f', 2)
                        .arg(t.mode.isEmpty() ? QString() : QStringLiteral(" · ") + t.mode));
  }
  takes_->setCurrentIndex(shot.currentTake);
  takes_->setEnabled(shot.takes.size() > 1);
  if (const Take* t = shot.current()) {
    QString info = tr("%1%2 steps, %3, guidance %4, made in %5 s")
                       .arg(t->mode.isEmpty() ? QString() : tr("%1 mode, ").arg(t->mode))
                       .arg(t->steps)
                       .arg(t->solver)
                       .arg(t->guidance)
                       .arg(t->wallSeconds, 0, 'f', 1);
    if (!t->continuedFrom.isEmpty())
      info += t->heldFrames == 1 ? tr("; made to continue the shot before it (1 held frame hidden)")
                                 : tr("; made to continue the shot before it (%1 held frames hidden)").arg(t->heldFrames);
    takeInfo_->setText(info);
  } else {
    takeInfo_->setText(tr("No take yet."));
  }
  if (!current_.seedLocked) {
    const Take* t = shot.current();
    seed_->setText(t ? QString::number(t->seed) : QString());
    seed_->setCursorPosition(0);
  }
  generate_->setText(shot.takes.isEmpty() ? tr("Generate shot") : tr("Regenerate shot (new take)"));
  setEnabled(true);
  updating_ = false;
  showSettings();
  if (!sameShot) prompt_->checkWords();
}

void PromptPanel::clearShot() {
  updating_ = true;
  shotId_.clear();
  current_ = {};
  title_->setText(tr("No shot selected"));
  shownPrompt_.clear();
  prompt_->clear();
  negative_->clear();
  takes_->clear();
  takeInfo_->clear();
  refusal_->clear();
  refusal_->setVisible(false);
  updating_ = false;
  setEnabled(false);
}

QString PromptPanel::refusalReason() const { return refusal_->text(); }

void PromptPanel::checkSafety() {
  QString reason;
  const QString prompt = prompt_->toPlainText(), negative = negative_->text();
  if (!prompt.trimmed().isEmpty() || !negative.trimmed().isEmpty()) {
    safety::ScreenOptions options;
    if (current_.guidance >= 0)
      options.guidance = current_.guidance;
    else if (defaults_.known)
      options.guidance = defaults_.guidance;
    try {
      const safety::Screening screening = safety::screen_request(prompt.toStdString(), negative.toStdString(), options);
      if (screening.refused) reason = QString::fromStdString(screening.reason);
    } catch (const std::exception& e) {  // an unreadable cameo store or names list: say so, the engine will too
      reason = QString::fromStdString(e.what());
    }
  }
  refusal_->setText(reason);
  refusal_->setToolTip(reason);
  refusal_->setVisible(!reason.isEmpty());
}

void PromptPanel::showSettings() {
  updating_ = true;
  if (prompt_->toPlainText() != current_.prompt) {
    shownPrompt_ = current_.prompt;
    prompt_->setPlainText(current_.prompt);
    prompt_->moveCursor(QTextCursor::End);
  }
  if (negative_->text() != current_.negativePrompt) negative_->setText(current_.negativePrompt);
  seconds_->setValue(current_.seconds);
  seedLocked_->setChecked(current_.seedLocked);
  seed_->setEnabled(current_.seedLocked);
  if (current_.seedLocked && seed_->text() != QString::number(current_.seed)) seed_->setText(QString::number(current_.seed));
  if (!current_.seedLocked) seed_->setPlaceholderText(tr("new each take"));
  steps_->setValue(current_.steps);
  guidance_->setValue(current_.guidance < 0 ? -1.0 : current_.guidance);
  solver_->setCurrentIndex(std::max(0, solver_->findData(current_.solver)));
  continue_->setChecked(current_.continuePrevious);
  updating_ = false;
  syncPickers();
  checkSafety();
}

void PromptPanel::syncPickers() {
  const QString prompt = current_.prompt;
  const auto sync = [&](QComboBox* box, PresetKind kind) {
    const int index = presetIn(prompt, kind);
    const QSignalBlocker block(box);
    box->setCurrentIndex(index + 1);
  };
  sync(style_, PresetKind::style);
  sync(camera_, PresetKind::camera);
  sync(time_, PresetKind::timeOfDay);
}

void PromptPanel::setModelDefaults(const ModelDefaults& d) {
  defaults_ = d;
  if (!d.known) return;
  updating_ = true;
  steps_->setSpecialValueText(d.guidedSteps > 0 && d.guidedSteps != d.steps
                                  ? tr("model default (%1 guided, %2 free)").arg(d.guidedSteps).arg(d.steps)
                                  : tr("model default (%1)").arg(d.steps));
  guidance_->setSpecialValueText(tr("model default (%1)").arg(d.guidance));
  solver_->setItemText(0, tr("model default (%1)").arg(d.solver));
  seconds_->setSpecialValueText(tr("model default (%1 s)").arg(d.seconds, 0, 'f', 2));
  seconds_->setSingleStep(d.fps > 0 ? 1.0 / d.fps : 0.1);
  seconds_->setMaximum(d.maxSeconds > 0 ? d.maxSeconds : 600.0);
  updating_ = false;
  checkSafety();
}

void PromptPanel::setGenerateEnabled(bool enabled, const QString& why) {
  generate_->setEnabled(enabled);
  generate_->setToolTip(why);
}

}  // namespace kinema::studio
