// The takes' media: MP4s in the project's media folder, decoded off the GUI thread and kept in memory.
#pragma once

#include <QHash>
#include <QImage>
#include <QObject>
#include <QSet>
#include <QString>

#include <memory>

#include "media/clip.h"

namespace kinema::studio {

using ClipPtr = std::shared_ptr<const media::Clip>;

// One frame of a clip as an image (a copy).
QImage frameImage(const media::Clip& clip, int frame);

class MediaLibrary : public QObject {
  Q_OBJECT
 public:
  explicit MediaLibrary(QObject* parent = nullptr);
  ~MediaLibrary() override;  // waits for decodes under way

  // The folder take files live in. Clips already decoded stay (take file names are unique).
  void setFolder(const QString& folder);
  QString folder() const { return folder_; }
  QString pathOf(const QString& file) const;

  // The clip of a take file if it is decoded; otherwise starts decoding it (once) and returns null.
  ClipPtr clip(const QString& file);
  bool loading(const QString& file) const { return loading_.contains(file); }
  QString failure(const QString& file) const { return failures_.value(file); }
  // A clip that is already in memory (the generation worker read it back after writing it).
  void adopt(const QString& file, ClipPtr clip);
  // A small picture of one frame, scaled to at most `height` pixels high; null while decoding.
  QImage thumbnail(const QString& file, int frame, int height = 90);
  void clear();
  // Waits (running the event loop) until nothing is being decoded; for tests and export.
  bool waitForLoads(int timeoutMs);

 signals:
  void clipReady(const QString& file);
  void clipFailed(const QString& file, const QString& message);

 private:
  QString folder_;
  QHash<QString, ClipPtr> clips_;
  QHash<QString, QString> failures_;
  QSet<QString> loading_;
  QHash<QString, QImage> thumbnails_;
};

}  // namespace kinema::studio
