// Autosave files: {"autosave": 1, "project_path", "media_folder", "saved_at", "project": <project file>}.
#include "models/autosave.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QUuid>

#include <algorithm>

#include "core/error.h"
#include "core/log.h"
#include "models/project.h"

namespace kinema::studio {
namespace {

constexpr char kSuffix[] = ".autosave.json";

QString lockPathFor(const QString& autosavePath) {
  QString base = autosavePath;
  base.chop(static_cast<int>(sizeof(kSuffix)) - 1);
  return base + QStringLiteral(".lock");
}

}  // namespace

Autosave::Autosave(Project* project, const QString& folder, int intervalSeconds, QObject* parent)
    : QObject(parent), project_(project), folder_(folder) {
  QDir().mkpath(folder_);
  path_ = QDir(folder_).filePath(QUuid::createUuid().toString(QUuid::WithoutBraces) + kSuffix);
  lock_ = std::make_unique<QLockFile>(lockPathFor(path_));
  lock_->setStaleLockTime(0);  // held for the whole session; only a dead owner makes it stale
  if (!lock_->tryLock(0)) logger("ui")->warn("cannot lock {}", lockPathFor(path_).toStdString());
  savedRevision_ = project_->revision();
  connect(&timer_, &QTimer::timeout, this, &Autosave::saveNow);
  setInterval(intervalSeconds);
  // A different project (opened, new) starts clean: the previous one's autosave is no longer wanted.
  connect(project_, &Project::reset, this, [this] {
    savedRevision_ = project_->revision();
    if (!project_->isModified()) discard();
  });
}

Autosave::~Autosave() {
  discard();
  lock_->unlock();
}

void Autosave::setInterval(int seconds) {
  timer_.stop();
  if (seconds > 0) timer_.start(seconds * 1000);
}

bool Autosave::saveNow() {
  if (!project_->isModified()) {
    if (written_) discard();  // saved since: nothing to recover
    return false;
  }
  if (written_ && project_->revision() == savedRevision_) return false;
  const QJsonObject root{
      {"autosave", 1},
      {"project_path", project_->filePath()},
      {"media_folder", project_->mediaFolder()},
      {"saved_at", QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
      {"project", QJsonDocument::fromJson(projectToBytes(project_->contents())).object()},
  };
  QSaveFile file(path_);
  const QByteArray bytes = QJsonDocument(root).toJson(QJsonDocument::Compact);
  if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
    logger("ui")->warn("autosave to {} failed: {}", path_.toStdString(), file.errorString().toStdString());
    return false;
  }
  written_ = true;
  savedRevision_ = project_->revision();
  return true;
}

void Autosave::discard() {
  if (written_ || QFileInfo::exists(path_)) QFile::remove(path_);
  written_ = false;
  savedRevision_ = project_->revision();
}

QList<RecoverableProject> Autosave::findRecoverable(const QString& folder) {
  QList<RecoverableProject> found;
  const QDir dir(folder);
  for (const QString& name : dir.entryList({QStringLiteral("*") + kSuffix}, QDir::Files)) {
    const QString path = dir.filePath(name);
    QLockFile lock(lockPathFor(path));
    lock.setStaleLockTime(0);
    if (!lock.tryLock(0)) continue;  // its studio is still running
    lock.unlock();
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) continue;
    const QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();
    if (root.value("autosave").toInt() != 1) continue;
    RecoverableProject r;
    r.autosavePath = path;
    r.projectPath = root.value("project_path").toString();
    r.mediaFolder = root.value("media_folder").toString();
    r.savedAt = QDateTime::fromString(root.value("saved_at").toString(), Qt::ISODateWithMs);
    try {
      r.contents = projectFromBytes(QJsonDocument(root.value("project").toObject()).toJson(), name);
    } catch (const Error& e) {
      logger("ui")->warn("skipping autosave {}: {}", path.toStdString(), e.what());
      continue;
    }
    found.append(std::move(r));
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.savedAt > b.savedAt; });
  return found;
}

void Autosave::remove(const RecoverableProject& recoverable) {
  QFile::remove(recoverable.autosavePath);
  QFile::remove(lockPathFor(recoverable.autosavePath));
}

}  // namespace kinema::studio
