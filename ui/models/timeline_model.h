// The timeline: one track of shots, as a Qt list model. Widgets only view it; edits come through the
// undo commands (commands/shot_commands.h), which call the mutators below.
#pragma once

#include <QAbstractListModel>
#include <QHash>
#include <QImage>
#include <QList>

#include "models/shot.h"

namespace kinema::studio {

class MediaLibrary;

class TimelineModel : public QAbstractListModel {
  Q_OBJECT
 public:
  enum Role {
    ShotIdRole = Qt::UserRole + 1,
    PromptRole,
    SecondsRole,     // double: shown length of the current take, or the asked length without a take
    ThumbnailRole,   // QImage of the current take's first shown frame (null while loading or none)
    TakeCountRole,
    CurrentTakeRole,  // index, -1 without takes
    StatusRole,       // QString: "queued", "step 3/20", "media missing", ...
    HasTakeRole,
    ModeRole,         // QString: the current take's generation mode ("guided", "free"), empty if unknown
    ExportBlockRole,  // QString: why the current take cannot be exported (a cameo's grant is gone), empty if it can
  };
  static constexpr char kMimeType[] = "application/x-kinema-shot-ids";

  explicit TimelineModel(QObject* parent = nullptr);

  void setMediaLibrary(MediaLibrary* library);  // where thumbnails come from
  MediaLibrary* mediaLibrary() const { return library_; }

  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  Qt::ItemFlags flags(const QModelIndex& index) const override;
  QHash<int, QByteArray> roleNames() const override;
  Qt::DropActions supportedDragActions() const override { return Qt::MoveAction; }
  Qt::DropActions supportedDropActions() const override { return Qt::MoveAction; }
  QStringList mimeTypes() const override { return {QString::fromLatin1(kMimeType)}; }
  QMimeData* mimeData(const QModelIndexList& indexes) const override;
  // The shot ids a drag carries (for the view's drop handling).
  static QStringList shotIdsIn(const QMimeData* data);

  const QList<Shot>& shots() const { return shots_; }
  const Shot& shot(int row) const { return shots_.at(row); }
  int rowOf(const QString& shotId) const;  // -1 if none
  int frameCount() const;                  // frames of all current takes shown

  // Mutators for undo commands and for loading a project; each emits the matching model signals.
  void resetShots(QList<Shot> shots);
  void insertShot(int row, const Shot& shot);
  Shot removeShot(int row);
  void moveShot(int from, int to);  // `to` is the row the shot ends up at
  void setSettings(int row, const ShotSettings& settings);
  void insertTake(int row, int takeIndex, const Take& take, int currentTake);
  void removeTake(int row, int takeIndex, int currentTake);
  void setCurrentTake(int row, int takeIndex);

  // Transient state that is not part of the document (generation progress, missing media).
  void setStatus(const QString& shotId, const QString& status);
  QString status(const QString& shotId) const { return status_.value(shotId); }
  // Takes that used a cameo whose grant no longer allows export (revoked, expired), by take id, with the
  // reason; they are marked and cannot be exported until regenerated or a grant is restored.
  void setExportBlocks(QHash<QString, QString> blocks);
  QString exportBlock(const QString& takeId) const { return exportBlocks_.value(takeId); }

 signals:
  void shotsChanged();  // anything the player or the autosave cares about changed

 private:
  void emitRowChanged(int row);
  QList<Shot> shots_;
  QHash<QString, QString> status_;
  QHash<QString, QString> exportBlocks_;
  MediaLibrary* library_ = nullptr;
};

}  // namespace kinema::studio
