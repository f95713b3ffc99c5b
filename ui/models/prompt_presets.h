// The prompt panel's pickers (style, camera, time of day): each choice is a phrase written into the
// prompt. The names follow the world's vocabulary (src/world/scene.h: Style, CameraMove, TimeOfDay).
#pragma once

#include <QList>
#include <QString>

namespace kinema::studio {

struct PresetChoice {
  QString label;   // what the picker shows
  QString phrase;  // what goes into the prompt
};

enum class PresetKind { style, camera, timeOfDay };

const QList<PresetChoice>& presetChoices(PresetKind kind);

// The prompt with `phrase` as its only phrase of that kind: any other phrase of the kind is taken out
// (with the comma before it); an empty phrase only takes them out.
QString applyPreset(const QString& prompt, PresetKind kind, const QString& phrase);

// The choice of that kind the prompt holds, or -1.
int presetIn(const QString& prompt, PresetKind kind);

}  // namespace kinema::studio
