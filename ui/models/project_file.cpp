// Reading and writing the project file; every failure becomes one message that names the file and key.
#include "models/project_file.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QSet>

#include "core/error.h"

namespace kinema::studio {
namespace {

[[noreturn]] void damaged(const QString& where, const QString& what) {
  fail(ErrorKind::format, (where + " is damaged: " + what + ". Nothing was changed.").toStdString());
}

}  // namespace

QString mediaFolderNameFor(const QString& projectPath) {
  return QFileInfo(projectPath).completeBaseName() + QStringLiteral(".media");
}

QByteArray projectToBytes(const ProjectContents& contents) {
  QJsonArray shots;
  for (const Shot& shot : contents.shots) shots.append(shotToJson(shot));
  const QJsonObject root{
      {"format", QString::fromLatin1(kProjectFormatName)},
      {"version", kProjectFormatVersion},
      {"saved_by", QStringLiteral("Kinema Studio " KINEMA_VERSION)},
      {"media", contents.mediaFolder},
      {"shots", shots},
  };
  QJsonObject withId = root;
  if (contents.watermarkId != 0)
    withId.insert("watermark_id", QStringLiteral("%1").arg(contents.watermarkId, 8, 16, QLatin1Char('0')));
  return QJsonDocument(withId).toJson(QJsonDocument::Indented);
}

ProjectContents projectFromBytes(const QByteArray& bytes, const QString& where) {
  QJsonParseError error;
  const QJsonDocument document = QJsonDocument::fromJson(bytes, &error);
  if (error.error != QJsonParseError::NoError)
    damaged(where, QStringLiteral("not valid JSON (%1 at byte %2)").arg(error.errorString()).arg(error.offset));
  if (!document.isObject()) damaged(where, QStringLiteral("not a JSON object"));
  const QJsonObject root = document.object();
  if (root.value("format").toString() != QLatin1String(kProjectFormatName))
    fail(ErrorKind::format,
         (where + " is not a Kinema Studio project (it has no \"format\": \"" + kProjectFormatName + "\"). Nothing was changed.")
             .toStdString());
  const QJsonValue version = root.value("version");
  if (!version.isDouble() || version.toDouble() != version.toInt() || version.toInt() < 1)
    damaged(where, QStringLiteral("\"version\" is not a format version"));
  if (version.toInt() > kProjectFormatVersion)
    fail(ErrorKind::format, QStringLiteral("%1 was saved by a newer Kinema Studio (%2, project format %3); this "
                                           "version reads format %4 and older. Open it with a newer Kinema Studio. "
                                           "Nothing was changed.")
                                .arg(where, root.value("saved_by").toString("unknown version"))
                                .arg(version.toInt())
                                .arg(kProjectFormatVersion)
                                .toStdString());

  ProjectContents contents;
  try {
    const QJsonValue media = root.value("media");
    if (!media.isString() || media.toString().isEmpty() || media.toString().contains('/') ||
        media.toString().startsWith('.'))
      fail(ErrorKind::format, "media: not a folder name");
    contents.mediaFolder = media.toString();
    if (const QJsonValue id = root.value("watermark_id"); !id.isUndefined()) {
      bool ok = false;
      contents.watermarkId = id.isString() && id.toString().size() == 8 ? id.toString().toUInt(&ok, 16) : 0;
      if (!ok) fail(ErrorKind::format, "watermark_id: not 8 hexadecimal digits");
    }
    const QJsonValue shots = root.value("shots");
    if (!shots.isArray()) fail(ErrorKind::format, "shots: missing or not a list");
    QSet<QString> ids;
    const QJsonArray list = shots.toArray();
    for (qsizetype i = 0; i < list.size(); ++i) {
      const QString at = QStringLiteral("shots[%1]").arg(i);
      if (!list[i].isObject()) fail(ErrorKind::format, (at + ": not an object").toStdString());
      Shot shot = shotFromJson(list[i].toObject(), at);
      if (ids.contains(shot.id)) fail(ErrorKind::format, (at + ".id: used by two shots").toStdString());
      ids.insert(shot.id);
      contents.shots.append(std::move(shot));
    }
  } catch (const Error& e) {
    damaged(where, QString::fromStdString(e.what()));
  }
  return contents;
}

void writeProjectFile(const QString& path, const ProjectContents& contents) {
  QSaveFile file(path);
  const QByteArray bytes = projectToBytes(contents);
  if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
    fail(ErrorKind::io, QStringLiteral("Cannot save %1: %2. The file on disk was not changed.")
                            .arg(path, file.errorString())
                            .toStdString());
}

ProjectContents readProjectFile(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly))
    fail(ErrorKind::io, QStringLiteral("Cannot open %1: %2.").arg(path, file.errorString()).toStdString());
  return projectFromBytes(file.readAll(), QFileInfo(path).fileName());
}

}  // namespace kinema::studio
