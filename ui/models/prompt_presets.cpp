// Preset phrases and how they are written into and taken out of a prompt.
#include "models/prompt_presets.h"

#include <QObject>
#include <QRegularExpression>

namespace kinema::studio {

const QList<PresetChoice>& presetChoices(PresetKind kind) {
  static const QList<PresetChoice> styles = {
      {QObject::tr("Cartoon"), "cartoon style"}, {QObject::tr("Realistic"), "realistic style"},
      {QObject::tr("Anime"), "anime style"},     {QObject::tr("Neon"), "neon style"},
      {QObject::tr("Pixel art"), "pixel style"},
  };
  static const QList<PresetChoice> cameras = {
      {QObject::tr("Static"), "static camera"},          {QObject::tr("Pan left"), "the camera pans left"},
      {QObject::tr("Pan right"), "the camera pans right"}, {QObject::tr("Zoom in"), "the camera zooms in"},
      {QObject::tr("Zoom out"), "the camera zooms out"},  {QObject::tr("Follow"), "the camera follows"},
  };
  static const QList<PresetChoice> times = {
      {QObject::tr("Day"), "in daylight"}, {QObject::tr("Sunset"), "at sunset"}, {QObject::tr("Night"), "at night"}};
  switch (kind) {
    case PresetKind::style:
      return styles;
    case PresetKind::camera:
      return cameras;
    case PresetKind::timeOfDay:
      return times;
  }
  return styles;
}

namespace {

// Matches a phrase as whole words, with the separator before it (", " or a space) or after it at the start.
QRegularExpression phrasePattern(const QString& phrase) {
  const QString words = QRegularExpression::escape(phrase);
  return QRegularExpression(QStringLiteral("(\\s*,\\s*|\\s+|^)\\b%1\\b(\\s*,\\s*)?").arg(words),
                            QRegularExpression::CaseInsensitiveOption);
}

}  // namespace

int presetIn(const QString& prompt, PresetKind kind) {
  const auto& choices = presetChoices(kind);
  for (int i = 0; i < choices.size(); ++i)
    if (phrasePattern(choices[i].phrase).match(prompt).hasMatch()) return i;
  return -1;
}

QString applyPreset(const QString& prompt, PresetKind kind, const QString& phrase) {
  QString out = prompt;
  for (const PresetChoice& choice : presetChoices(kind)) {
    const QRegularExpression pattern = phrasePattern(choice.phrase);
    QRegularExpressionMatch match;
    while ((match = pattern.match(out)).hasMatch()) {
      // Keep one separator if the phrase sat between two other parts.
      const bool between = match.capturedStart() > 0 && match.capturedEnd() < out.size();
      const QString keep = between ? (match.captured(1).contains(',') || match.captured(2).contains(',') ? ", " : " ")
                                   : QString();
      out.replace(match.capturedStart(), match.capturedLength(), keep);
    }
  }
  out = out.trimmed();
  if (phrase.isEmpty()) return out;
  return out.isEmpty() ? phrase : out + QStringLiteral(", ") + phrase;
}

}  // namespace kinema::studio
