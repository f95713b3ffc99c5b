// The timeline's list model: rows are shots; thumbnails come from the media library as takes decode.
#include "models/timeline_model.h"

#include <QDataStream>
#include <QMimeData>

#include "models/media_library.h"

namespace kinema::studio {

TimelineModel::TimelineModel(QObject* parent) : QAbstractListModel(parent) {
  connect(this, &QAbstractItemModel::rowsInserted, this, &TimelineModel::shotsChanged);
  connect(this, &QAbstractItemModel::rowsRemoved, this, &TimelineModel::shotsChanged);
  connect(this, &QAbstractItemModel::rowsMoved, this, &TimelineModel::shotsChanged);
  connect(this, &QAbstractItemModel::modelReset, this, &TimelineModel::shotsChanged);
}

void TimelineModel::setMediaLibrary(MediaLibrary* library) {
  if (library_) disconnect(library_, nullptr, this, nullptr);
  library_ = library;
  if (!library_) return;
  const auto refresh = [this](const QString& file) {
    for (int row = 0; row < shots_.size(); ++row)
      for (const Take& take : shots_[row].takes)
        if (take.file == file) emitRowChanged(row);
  };
  connect(library_, &MediaLibrary::clipReady, this, [this, refresh](const QString& file) {
    refresh(file);
    emit shotsChanged();
  });
  connect(library_, &MediaLibrary::clipFailed, this, refresh);
}

int TimelineModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : shots_.size(); }

QVariant TimelineModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= shots_.size()) return {};
  const Shot& shot = shots_[index.row()];
  const Take* take = shot.current();
  switch (role) {
    case Qt::DisplayRole:
      return tr("Shot %1").arg(index.row() + 1);
    case Qt::ToolTipRole:
      if (take && exportBlocks_.contains(take->id))
        return shot.settings.prompt + QStringLiteral("\n\n") + exportBlocks_.value(take->id);
      return shot.settings.prompt;
    case PromptRole:
      return shot.settings.prompt;
    case ExportBlockRole:
      return take ? exportBlocks_.value(take->id) : QString();
    case ShotIdRole:
      return shot.id;
    case SecondsRole:
      return take ? take->shownSeconds() : shot.settings.seconds;
    case ThumbnailRole:
      return take && library_ ? library_->thumbnail(take->file, take->heldFrames) : QImage();
    case TakeCountRole:
      return static_cast<int>(shot.takes.size());
    case CurrentTakeRole:
      return shot.currentTake;
    case HasTakeRole:
      return take != nullptr;
    case ModeRole:
      return take ? take->mode : QString();
    case StatusRole: {
      const QString transient = status_.value(shot.id);
      if (!transient.isEmpty()) return transient;
      if (take && library_ && !library_->failure(take->file).isEmpty()) return tr("media missing");
      if (take && exportBlocks_.contains(take->id)) return tr("cameo revoked: not exportable");
      return take ? QString() : tr("not generated");
    }
    default:
      return {};
  }
}

Qt::ItemFlags TimelineModel::flags(const QModelIndex& index) const {
  if (!index.isValid()) return Qt::ItemIsDropEnabled;
  return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled;
}

QHash<int, QByteArray> TimelineModel::roleNames() const {
  auto names = QAbstractListModel::roleNames();
  names.insert(ShotIdRole, "shotId");
  names.insert(PromptRole, "prompt");
  names.insert(SecondsRole, "seconds");
  names.insert(ThumbnailRole, "thumbnail");
  names.insert(TakeCountRole, "takeCount");
  names.insert(CurrentTakeRole, "currentTake");
  names.insert(StatusRole, "status");
  names.insert(HasTakeRole, "hasTake");
  names.insert(ModeRole, "mode");
  names.insert(ExportBlockRole, "exportBlock");
  return names;
}

QMimeData* TimelineModel::mimeData(const QModelIndexList& indexes) const {
  QStringList ids;
  for (const QModelIndex& index : indexes)
    if (index.isValid()) ids << shots_[index.row()].id;
  auto* data = new QMimeData;
  data->setData(QString::fromLatin1(kMimeType), ids.join('\n').toUtf8());
  return data;
}

QStringList TimelineModel::shotIdsIn(const QMimeData* data) {
  if (!data || !data->hasFormat(QString::fromLatin1(kMimeType))) return {};
  return QString::fromUtf8(data->data(QString::fromLatin1(kMimeType))).split('\n', Qt::SkipEmptyParts);
}

int TimelineModel::rowOf(const QString& shotId) const {
  for (int row = 0; row < shots_.size(); ++row)
    if (shots_[row].id == shotId) return row;
  return -1;
}

int TimelineModel::frameCount() const {
  int frames = 0;
  for (const Shot& shot : shots_)
    if (const Take* take = shot.current()) frames += take->shownFrames();
  return frames;
}

void TimelineModel::resetShots(QList<Shot> shots) {
  beginResetModel();
  shots_ = std::move(shots);
  status_.clear();
  endResetModel();
}

void TimelineModel::insertShot(int row, const Shot& shot) {
  row = std::clamp(row, 0, static_cast<int>(shots_.size()));
  beginInsertRows({}, row, row);
  shots_.insert(row, shot);
  endInsertRows();
}

Shot TimelineModel::removeShot(int row) {
  beginRemoveRows({}, row, row);
  Shot shot = shots_.takeAt(row);
  endRemoveRows();
  status_.remove(shot.id);
  return shot;
}

void TimelineModel::moveShot(int from, int to) {
  if (from == to || from < 0 || to < 0 || from >= shots_.size() || to >= shots_.size()) return;
  // Qt's destination is the row the item goes before, counted before the move.
  beginMoveRows({}, from, from, {}, to > from ? to + 1 : to);
  shots_.move(from, to);
  endMoveRows();
  // Every row's number ("Shot 3") between the two places changed.
  emit dataChanged(index(std::min(from, to)), index(std::max(from, to)));
}

void TimelineModel::setSettings(int row, const ShotSettings& settings) {
  shots_[row].settings = settings;
  emitRowChanged(row);
}

void TimelineModel::insertTake(int row, int takeIndex, const Take& take, int currentTake) {
  Shot& shot = shots_[row];
  shot.takes.insert(std::clamp(takeIndex, 0, static_cast<int>(shot.takes.size())), take);
  shot.currentTake = currentTake;
  emitRowChanged(row);
  emit shotsChanged();
}

void TimelineModel::removeTake(int row, int takeIndex, int currentTake) {
  Shot& shot = shots_[row];
  shot.takes.removeAt(takeIndex);
  shot.currentTake = currentTake;
  emitRowChanged(row);
  emit shotsChanged();
}

void TimelineModel::setCurrentTake(int row, int takeIndex) {
  shots_[row].currentTake = takeIndex;
  emitRowChanged(row);
  emit shotsChanged();
}

void TimelineModel::setStatus(const QString& shotId, const QString& status) {
  if (status_.value(shotId) == status) return;
  if (status.isEmpty())
    status_.remove(shotId);
  else
    status_.insert(shotId, status);
  if (const int row = rowOf(shotId); row >= 0) emitRowChanged(row);
}

void TimelineModel::setExportBlocks(QHash<QString, QString> blocks) {
  if (blocks == exportBlocks_) return;
  exportBlocks_ = std::move(blocks);
  if (!shots_.isEmpty()) emit dataChanged(index(0), index(static_cast<int>(shots_.size()) - 1));
}

void TimelineModel::emitRowChanged(int row) { emit dataChanged(index(row), index(row)); }

}  // namespace kinema::studio
