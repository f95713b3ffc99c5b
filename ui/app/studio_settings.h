// What the studio remembers between runs (QSettings): model folder, device, default steps, export
// folder, autosave interval, the visible mark on exports. The window layout is kept by the main window beside these.
#pragma once

#include <QSettings>
#include <QString>

namespace kinema::studio {

struct StudioSettings {
  QString modelFolder;  // empty: the engine's default model (KINEMA_MODEL or models/kinema-tiny)
  QString device = QStringLiteral("auto");
  int defaultSteps = 0;  // 0: the model's default
  QString exportFolder;
  int autosaveSeconds = 30;
  bool visibleMark = true;  // exports carry the moving "Kinema · AI" mark; turning it off is recorded in the manifest

  static StudioSettings load(const QSettings& settings);
  void save(QSettings& settings) const;
};

}  // namespace kinema::studio
