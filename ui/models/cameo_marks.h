// Which takes of a timeline can no longer be exported because a cameo they used lost its grant (revoked,
// expired, or the cameo is gone): the engine's export check (safety::export_refusal), take by take. The cameos
// a take used are read from its file's signed manifest (safety::cameos_recorded_in), and those the project
// file lists are added: editing the project cannot drop one. A take file that has no valid manifest signed
// by this Kinema is blocked too. (A take only in memory, with no file, is judged by the project's list.)
#pragma once

#include <QHash>
#include <QString>

namespace kinema::studio {

class TimelineModel;

// Take id -> the reason, for every take of every shot that used a cameo it may not be exported with now.
// `configDir` is the user's Kinema config folder (empty: the engine's default, $KINEMA_CONFIG_DIR or ~/.config).
// `mediaFolder` holds the take files; `signingDir` is where the local signing root is (empty: the engine's
// default, $KINEMA_SIGNING_DIR or ~/.config/kinema/signing).
QHash<QString, QString> cameoExportBlocks(const TimelineModel& timeline, const QString& mediaFolder,
                                          const QString& configDir = {}, const QString& signingDir = {});

}  // namespace kinema::studio
