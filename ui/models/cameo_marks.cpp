// Marking takes whose cameo grants no longer allow export.
#include "models/cameo_marks.h"

#include <string>
#include <vector>

#include "models/timeline_model.h"
#include "safety/content_screen.h"

namespace kinema::studio {

QHash<QString, QString> cameoExportBlocks(const TimelineModel& timeline, const QString& configDir) {
  QHash<QString, QString> blocks;
  safety::ScreenOptions options;
  options.config_dir = configDir.toStdString();
  options.use = safety::Use::export_clip;
  for (const Shot& shot : timeline.shots()) {
    for (const Take& take : shot.takes) {
      if (take.cameos.isEmpty()) continue;
      std::vector<std::string> hashes;
      for (const TakeCameo& cameo : take.cameos) hashes.push_back(cameo.hash.toStdString());
      std::string reason;
      try {
        reason = safety::export_refusal(hashes, options);
      } catch (const std::exception& e) {  // a store that cannot be read allows nothing
        reason = e.what();
      }
      if (!reason.empty()) blocks.insert(take.id, QString::fromStdString(reason));
    }
  }
  return blocks;
}

}  // namespace kinema::studio
