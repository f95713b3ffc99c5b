// The timeline's undo commands: each redo/undo is one call to a TimelineModel mutator.
#include "commands/shot_commands.h"

#include <QObject>

namespace kinema::studio {

AddShotCommand::AddShotCommand(TimelineModel* model, int row, Shot shot, const QString& text)
    : QUndoCommand(text), model_(model), row_(row), shot_(std::move(shot)) {}

void AddShotCommand::redo() { model_->insertShot(row_, shot_); }
void AddShotCommand::undo() { model_->removeShot(row_); }

DeleteShotCommand::DeleteShotCommand(TimelineModel* model, int row)
    : QUndoCommand(QObject::tr("Delete shot %1").arg(row + 1)), model_(model), row_(row), shot_(model->shot(row)) {}

void DeleteShotCommand::redo() { shot_ = model_->removeShot(row_); }
void DeleteShotCommand::undo() { model_->insertShot(row_, shot_); }

MoveShotCommand::MoveShotCommand(TimelineModel* model, int from, int to)
    : QUndoCommand(QObject::tr("Move shot %1 to %2").arg(from + 1).arg(to + 1)), model_(model), from_(from), to_(to) {}

void MoveShotCommand::redo() { model_->moveShot(from_, to_); }
void MoveShotCommand::undo() { model_->moveShot(to_, from_); }

EditShotCommand::EditShotCommand(TimelineModel* model, const QString& shotId, const ShotSettings& before,
                                 const ShotSettings& after, const QString& field)
    : QUndoCommand(QObject::tr("Edit %1").arg(field)),
      model_(model),
      shotId_(shotId),
      field_(field),
      before_(before),
      after_(after) {}

void EditShotCommand::apply(const ShotSettings& settings) {
  if (const int row = model_->rowOf(shotId_); row >= 0) model_->setSettings(row, settings);
}

void EditShotCommand::redo() { apply(after_); }
void EditShotCommand::undo() { apply(before_); }

bool EditShotCommand::mergeWith(const QUndoCommand* other) {
  const auto* edit = static_cast<const EditShotCommand*>(other);
  if (edit->shotId_ != shotId_ || edit->field_ != field_) return false;
  after_ = edit->after_;
  setObsolete(after_ == before_);
  return true;
}

AddTakeCommand::AddTakeCommand(TimelineModel* model, const QString& shotId, const Take& take)
    : QUndoCommand(QObject::tr("New take")), model_(model), shotId_(shotId), take_(take) {}

void AddTakeCommand::redo() {
  const int row = model_->rowOf(shotId_);
  if (row < 0) return;
  const Shot& shot = model_->shot(row);
  previousCurrent_ = shot.currentTake;
  index_ = static_cast<int>(shot.takes.size());
  model_->insertTake(row, index_, take_, index_);
}

void AddTakeCommand::undo() {
  const int row = model_->rowOf(shotId_);
  if (row < 0 || index_ < 0) return;
  model_->removeTake(row, index_, previousCurrent_);
}

SetCurrentTakeCommand::SetCurrentTakeCommand(TimelineModel* model, const QString& shotId, int from, int to)
    : QUndoCommand(QObject::tr("Switch to take %1").arg(to + 1)), model_(model), shotId_(shotId), from_(from), to_(to) {}

void SetCurrentTakeCommand::redo() {
  if (const int row = model_->rowOf(shotId_); row >= 0) model_->setCurrentTake(row, to_);
}

void SetCurrentTakeCommand::undo() {
  if (const int row = model_->rowOf(shotId_); row >= 0) model_->setCurrentTake(row, from_);
}

}  // namespace kinema::studio
