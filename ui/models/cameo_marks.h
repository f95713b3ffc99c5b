// Which takes of a timeline can no longer be exported because a cameo they used lost its grant (revoked,
// expired, or the cameo is gone): the engine's export check (safety::export_refusal), take by take.
#pragma once

#include <QHash>
#include <QString>

namespace kinema::studio {

class TimelineModel;

// Take id -> the reason, for every take of every shot that used a cameo it may not be exported with now.
// `configDir` is the user's Kinema config folder (empty: the engine's default, $KINEMA_CONFIG_DIR or ~/.config).
QHash<QString, QString> cameoExportBlocks(const TimelineModel& timeline, const QString& configDir = {});

}  // namespace kinema::studio
