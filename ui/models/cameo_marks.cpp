// Marking takes whose cameo grants no longer allow export.
#include "models/cameo_marks.h"

#include <algorithm>
#include <string>
#include <vector>

#include "models/timeline_model.h"
#include "safety/content_screen.h"
#include "safety/provenance.h"

#include <QDir>
#include <QFileInfo>

namespace kinema::studio {

QHash<QString, QString> cameoExportBlocks(const TimelineModel& timeline, const QString& mediaFolder,
                                          const QString& configDir, const QString& signingDir) {
  QHash<QString, QString> blocks;
  safety::ScreenOptions options;
  options.config_dir = configDir.toStdString();
  options.use = safety::Use::export_clip;
  for (const Shot& shot : timeline.shots()) {
    for (const Take& take : shot.takes) {
      std::vector<std::string> hashes;
      std::string reason;
      try {
        const QString path = QDir(mediaFolder).filePath(take.file);
        if (!mediaFolder.isEmpty() && QFileInfo::exists(path)) {
          const auto recorded = safety::cameos_recorded_in(path.toStdString(), signingDir.toStdString());
          if (!recorded.problem.empty()) reason = "this take: " + recorded.problem;
          hashes = recorded.cameos;
        }
        for (const TakeCameo& cameo : take.cameos)
          if (std::find(hashes.begin(), hashes.end(), cameo.hash.toStdString()) == hashes.end())
            hashes.push_back(cameo.hash.toStdString());
        if (reason.empty() && !hashes.empty()) reason = safety::export_refusal(hashes, options);
      } catch (const std::exception& e) {  // a store or a file that cannot be read allows nothing
        reason = e.what();
      }
      if (!reason.empty()) blocks.insert(take.id, QString::fromStdString(reason));
    }
  }
  return blocks;
}

}  // namespace kinema::studio
