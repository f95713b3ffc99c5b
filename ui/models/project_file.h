// The project file: versioned JSON holding the timeline; the takes live in a media folder beside it.
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include "models/shot.h"

namespace kinema::studio {

inline constexpr int kProjectFormatVersion = 1;
inline constexpr char kProjectFormatName[] = "kinema-studio-project";
inline constexpr char kProjectSuffix[] = "kinema";

struct ProjectContents {
  QList<Shot> shots;
  QString mediaFolder;  // folder name beside the project file
  // The invisible watermark's generation id that every take of the project carries (0: none yet). One id
  // for all takes, so that the assembled export carries one watermark, not several that overlap.
  quint32 watermarkId = 0;
};

// "<name>.media" for "<dir>/<name>.kinema".
QString mediaFolderNameFor(const QString& projectPath);

QByteArray projectToBytes(const ProjectContents& contents);

// Parses a project file's bytes. Throws kinema::Error (format) with a message for the user: not JSON,
// not a Kinema Studio project, written by a newer version, or a damaged key (named).
ProjectContents projectFromBytes(const QByteArray& bytes, const QString& where);

// Writes atomically (QSaveFile): on any failure the file at path is as it was. Throws kinema::Error (io).
void writeProjectFile(const QString& path, const ProjectContents& contents);

// Throws kinema::Error: io when the file cannot be read, format as projectFromBytes.
ProjectContents readProjectFile(const QString& path);

}  // namespace kinema::studio
