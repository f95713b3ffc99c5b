// Reading and writing the studio's settings.
#include "app/studio_settings.h"

#include <QDir>

namespace kinema::studio {

StudioSettings StudioSettings::load(const QSettings& s) {
  StudioSettings out;
  out.modelFolder = s.value("engine/modelFolder").toString();
  out.device = s.value("engine/device", QStringLiteral("auto")).toString();
  out.defaultSteps = s.value("engine/defaultSteps", 0).toInt();
  out.exportFolder = s.value("export/folder", QDir::homePath()).toString();
  out.autosaveSeconds = s.value("project/autosaveSeconds", 30).toInt();
  out.visibleMark = s.value("export/visibleMark", true).toBool();
  return out;
}

void StudioSettings::save(QSettings& s) const {
  s.setValue("engine/modelFolder", modelFolder);
  s.setValue("engine/device", device);
  s.setValue("engine/defaultSteps", defaultSteps);
  s.setValue("export/folder", exportFolder);
  s.setValue("project/autosaveSeconds", autosaveSeconds);
  s.setValue("export/visibleMark", visibleMark);
}

}  // namespace kinema::studio
