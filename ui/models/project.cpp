// Opening, saving (atomically, takes first) and starting projects.
#include "models/project.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QUuid>

#include "core/error.h"

namespace kinema::studio {

Project::Project(const QString& scratchRoot, QObject* parent) : QObject(parent), scratchRoot_(scratchRoot) {
  timeline_.setMediaLibrary(&media_);
  connect(&undo_, &QUndoStack::cleanChanged, this, [this] { emit modifiedChanged(isModified()); });
  connect(&undo_, &QUndoStack::indexChanged, this, [this] { ++revision_; });
  newProject();
}

Project::~Project() {
  timeline_.setMediaLibrary(nullptr);
  // Closing cleanly means the untitled takes were saved elsewhere or given up. After a crash this
  // never runs, and the autosave that points at the folder can bring them back.
  if (!scratchFolder_.isEmpty()) QDir(scratchFolder_).removeRecursively();
}

QString Project::displayName() const {
  return filePath_.isEmpty() ? tr("Untitled") : QFileInfo(filePath_).fileName();
}

ProjectContents Project::contents() const {
  return {timeline_.shots(), QFileInfo(mediaFolder_).fileName(), watermarkId_};
}

void Project::adopt(QList<Shot> shots, const QString& path, const QString& mediaFolder, bool modified,
                    quint32 watermarkId) {
  while (watermarkId == 0) watermarkId = QRandomGenerator::global()->generate();
  watermarkId_ = watermarkId;
  undo_.clear();
  media_.clear();
  media_.setFolder(mediaFolder);
  mediaFolder_ = mediaFolder;
  filePath_ = path;
  timeline_.resetShots(std::move(shots));
  undo_.setClean();
  forcedModified_ = modified;
  ++revision_;
  emit fileChanged();
  emit modifiedChanged(isModified());
  emit reset();
}

void Project::newProject() {
  if (!scratchFolder_.isEmpty()) QDir(scratchFolder_).removeRecursively();
  scratchFolder_ = QDir(scratchRoot_).filePath(QUuid::createUuid().toString(QUuid::WithoutBraces));
  Shot first;
  first.id = newShotId();
  adopt({first}, {}, scratchFolder_, false, 0);
}

void Project::open(const QString& path) {
  ProjectContents contents = readProjectFile(path);  // throws before anything changes
  const QString media = QFileInfo(path).dir().filePath(contents.mediaFolder);
  if (!scratchFolder_.isEmpty()) QDir(scratchFolder_).removeRecursively();
  scratchFolder_.clear();
  adopt(std::move(contents.shots), QFileInfo(path).absoluteFilePath(), media, false, contents.watermarkId);
}

void Project::save() {
  if (filePath_.isEmpty()) fail(ErrorKind::invalid_input, "the project has no file yet: use Save As");
  writeProjectFile(filePath_, contents());
  undo_.setClean();
  setModifiedForced(false);
}

void Project::saveAs(const QString& path) {
  const QString target = QFileInfo(path).absoluteFilePath();
  const QString media = QFileInfo(target).dir().filePath(mediaFolderNameFor(target));
  // The takes go first: a project file must never point at a media folder that is not there.
  if (QDir(media).absolutePath() != QDir(mediaFolder_).absolutePath()) {
    if (!QDir().mkpath(media))
      fail(ErrorKind::io, tr("Cannot make the media folder %1.").arg(media).toStdString());
    const QDir from(mediaFolder_);
    for (const QString& name : from.entryList(QDir::Files)) {
      const QString destination = QDir(media).filePath(name);
      if (QFileInfo::exists(destination)) continue;  // take names are unique: the same take
      if (!QFile::copy(from.filePath(name), destination))
        fail(ErrorKind::io, tr("Cannot copy the take %1 into %2.").arg(name, media).toStdString());
    }
  }
  ProjectContents saved{timeline_.shots(), mediaFolderNameFor(target), watermarkId_};
  writeProjectFile(target, saved);
  const bool wasScratch = mediaFolder_ == scratchFolder_;
  filePath_ = target;
  mediaFolder_ = media;
  media_.setFolder(media);
  if (wasScratch) {
    QDir(scratchFolder_).removeRecursively();
    scratchFolder_.clear();
  }
  undo_.setClean();
  setModifiedForced(false);
  emit fileChanged();
}

void Project::restore(const ProjectContents& contents, const QString& projectPath, const QString& mediaFolder) {
  if (!scratchFolder_.isEmpty()) QDir(scratchFolder_).removeRecursively();
  // An untitled project's takes are in the crashed session's scratch folder: it is ours now.
  scratchFolder_ = projectPath.isEmpty() ? mediaFolder : QString();
  adopt(contents.shots, projectPath, mediaFolder, true, contents.watermarkId);
}

QString Project::newTakeFileName(const QString& shotId) const {
  QString name;
  do {
    name = QStringLiteral("%1-%2.mp4").arg(shotId, newTakeId());
  } while (QFileInfo::exists(QDir(mediaFolder_).filePath(name)));
  return name;
}

void Project::setModifiedForced(bool forced) {
  forcedModified_ = forced;
  emit modifiedChanged(isModified());
}

}  // namespace kinema::studio
