// The open project: its timeline, undo history and media, where it lives on disk, and whether it changed.
#pragma once

#include <QObject>
#include <QString>
#include <QUndoStack>

#include "models/media_library.h"
#include "models/project_file.h"
#include "models/timeline_model.h"

namespace kinema::studio {

class Project : public QObject {
  Q_OBJECT
 public:
  // Untitled projects keep their takes in a folder of their own under `scratchRoot` until saved.
  explicit Project(const QString& scratchRoot, QObject* parent = nullptr);
  ~Project() override;

  TimelineModel* timeline() { return &timeline_; }
  const TimelineModel* timeline() const { return &timeline_; }
  QUndoStack* undoStack() { return &undo_; }
  MediaLibrary* media() { return &media_; }

  QString filePath() const { return filePath_; }  // empty while untitled
  QString mediaFolder() const { return mediaFolder_; }
  QString displayName() const;
  bool isModified() const { return forcedModified_ || !undo_.isClean(); }
  quint64 revision() const { return revision_; }  // grows with every change, undo and redo included
  ProjectContents contents() const;
  // The generation id every take of this project carries in its invisible watermark (never 0).
  quint32 watermarkId() const { return watermarkId_; }

  // A new, untitled project with one empty shot.
  void newProject();
  // Throws kinema::Error with a message for the user; on failure the open project is left as it was.
  void open(const QString& path);
  void save();                      // to filePath(); throws kinema::Error (io)
  void saveAs(const QString& path);  // copies the takes into the new project's media folder first
  // Takes up what an autosave held; the project counts as modified until saved.
  void restore(const ProjectContents& contents, const QString& projectPath, const QString& mediaFolder);

  // A file name for a new take of a shot, unique in the media folder.
  QString newTakeFileName(const QString& shotId) const;

 signals:
  void modifiedChanged(bool modified);
  void fileChanged();  // path or name changed
  void reset();        // a different project (new, opened, restored) is now open

 private:
  // watermarkId 0 (a new project, or a file from before projects had one) draws a fresh id.
  void adopt(QList<Shot> shots, const QString& path, const QString& mediaFolder, bool modified, quint32 watermarkId);
  void setModifiedForced(bool forced);
  QString scratchRoot_;
  QString scratchFolder_;  // this session's folder for untitled takes, empty when none was made
  TimelineModel timeline_;
  QUndoStack undo_;
  MediaLibrary media_;
  QString filePath_;
  QString mediaFolder_;
  quint32 watermarkId_ = 0;
  bool forcedModified_ = false;
  quint64 revision_ = 0;
};

}  // namespace kinema::studio
