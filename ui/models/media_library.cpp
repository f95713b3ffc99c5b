// Decoding takes with the engine's MP4 reader on Qt's thread pool; results come back as signals.
#include "models/media_library.h"

#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFutureWatcher>
#include <QThread>
#include <QThreadPool>
#include <QtConcurrent>

#include "core/error.h"
#include "media/mp4_reader.h"

namespace kinema::studio {
namespace {

struct Decoded {
  ClipPtr clip;
  QString error;
};

Decoded decode(const QString& path) {
  try {
    auto file = media::read_mp4(path.toStdString());
    return {std::make_shared<const media::Clip>(std::move(file.clip)), {}};
  } catch (const std::exception& e) {
    return {nullptr, QString::fromStdString(e.what())};
  }
}

}  // namespace

QImage frameImage(const media::Clip& clip, int frame) {
  if (frame < 0 || frame >= clip.frame_count()) return {};
  return QImage(clip.frame(frame), clip.width, clip.height, clip.width * 3, QImage::Format_RGB888).copy();
}

MediaLibrary::MediaLibrary(QObject* parent) : QObject(parent) {}

MediaLibrary::~MediaLibrary() {
  QThreadPool::globalInstance()->waitForDone();
}

void MediaLibrary::setFolder(const QString& folder) {
  folder_ = folder;
  failures_.clear();  // a file missing from the old folder may be in the new one
}

QString MediaLibrary::pathOf(const QString& file) const { return QDir(folder_).filePath(file); }

ClipPtr MediaLibrary::clip(const QString& file) {
  if (const auto it = clips_.constFind(file); it != clips_.constEnd()) return *it;
  if (loading_.contains(file) || failures_.contains(file) || file.isEmpty()) return nullptr;
  loading_.insert(file);
  auto* watcher = new QFutureWatcher<Decoded>(this);
  connect(watcher, &QFutureWatcher<Decoded>::finished, this, [this, watcher, file] {
    const Decoded result = watcher->result();
    watcher->deleteLater();
    loading_.remove(file);
    if (result.clip) {
      clips_.insert(file, result.clip);
      emit clipReady(file);
    } else {
      failures_.insert(file, result.error);
      emit clipFailed(file, result.error);
    }
  });
  watcher->setFuture(QtConcurrent::run(decode, pathOf(file)));
  return nullptr;
}

void MediaLibrary::adopt(const QString& file, ClipPtr clip) {
  clips_.insert(file, std::move(clip));
  failures_.remove(file);
  emit clipReady(file);
}

QImage MediaLibrary::thumbnail(const QString& file, int frame, int height) {
  const QString key = QStringLiteral("%1#%2@%3").arg(file).arg(frame).arg(height);
  if (const auto it = thumbnails_.constFind(key); it != thumbnails_.constEnd()) return *it;
  const ClipPtr c = clip(file);
  if (!c) return {};
  QImage image = frameImage(*c, std::clamp(frame, 0, std::max(0, c->frame_count() - 1)));
  if (image.height() > height) image = image.scaledToHeight(height, Qt::SmoothTransformation);
  thumbnails_.insert(key, image);
  return image;
}

void MediaLibrary::clear() {
  clips_.clear();
  failures_.clear();
  thumbnails_.clear();
}

bool MediaLibrary::waitForLoads(int timeoutMs) {
  QElapsedTimer timer;
  timer.start();
  while (!loading_.isEmpty() && timer.elapsed() < timeoutMs) {
    QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    QThread::msleep(2);
  }
  return loading_.isEmpty();
}

}  // namespace kinema::studio
