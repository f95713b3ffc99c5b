// Autosave and crash recovery. Each running studio holds a lock file beside its autosave; an autosave
// whose lock is not held by a running studio was left by one that crashed (or was killed) and can be
// recovered. Autosaves never touch the project file itself.
#pragma once

#include <QDateTime>
#include <QList>
#include <QLockFile>
#include <QObject>
#include <QString>
#include <QTimer>

#include <memory>

#include "models/project_file.h"

namespace kinema::studio {

class Project;

struct RecoverableProject {
  QString autosavePath;
  QString projectPath;  // empty for a project that was never saved
  QString mediaFolder;  // absolute
  QDateTime savedAt;
  ProjectContents contents;
};

class Autosave : public QObject {
  Q_OBJECT
 public:
  // Autosaves of `project` go into `folder` every `intervalSeconds` while it has unsaved changes.
  Autosave(Project* project, const QString& folder, int intervalSeconds, QObject* parent = nullptr);
  ~Autosave() override;  // a clean end: removes this session's autosave and lock

  void setInterval(int seconds);
  // Writes the autosave now if the project changed since the last one; true if it wrote.
  bool saveNow();
  // Removes this session's autosave (the project was saved, or the user gave up its changes).
  void discard();
  QString path() const { return path_; }

  // Autosaves left by sessions that are not running, newest first. Unreadable ones are skipped.
  static QList<RecoverableProject> findRecoverable(const QString& folder);
  // Deletes a recoverable autosave (after it was recovered or the user declined it).
  static void remove(const RecoverableProject& recoverable);

 private:
  Project* project_;
  QString folder_, path_;
  std::unique_ptr<QLockFile> lock_;
  QTimer timer_;
  quint64 savedRevision_ = 0;
  bool written_ = false;
};

}  // namespace kinema::studio
