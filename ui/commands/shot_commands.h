// Every edit of the timeline as an undo command: shots added, inserted, duplicated, deleted, moved,
// their settings edited, takes added and chosen. Commands find shots by id, so a command that arrives
// late (a take from a finished generation) lands on the right shot wherever it has moved.
#pragma once

#include <QUndoCommand>

#include "models/shot.h"
#include "models/timeline_model.h"

namespace kinema::studio {

// Puts `shot` at `row`: Add (at the end), Insert (before the selection) and Duplicate (a copy after it).
class AddShotCommand : public QUndoCommand {
 public:
  AddShotCommand(TimelineModel* model, int row, Shot shot, const QString& text);
  void redo() override;
  void undo() override;

 private:
  TimelineModel* model_;
  int row_;
  Shot shot_;
};

class DeleteShotCommand : public QUndoCommand {
 public:
  DeleteShotCommand(TimelineModel* model, int row);
  void redo() override;
  void undo() override;

 private:
  TimelineModel* model_;
  int row_;
  Shot shot_;
};

// Moves the shot at `from` so that it ends up at row `to`.
class MoveShotCommand : public QUndoCommand {
 public:
  MoveShotCommand(TimelineModel* model, int from, int to);
  void redo() override;
  void undo() override;

 private:
  TimelineModel* model_;
  int from_, to_;
};

// A change to one shot's settings. Successive changes of the same field of the same shot (typing a
// prompt, spinning a number) merge into one step of the undo history.
class EditShotCommand : public QUndoCommand {
 public:
  static constexpr int kId = 1001;
  EditShotCommand(TimelineModel* model, const QString& shotId, const ShotSettings& before, const ShotSettings& after,
                  const QString& field);
  void redo() override;
  void undo() override;
  int id() const override { return kId; }
  bool mergeWith(const QUndoCommand* other) override;

 private:
  void apply(const ShotSettings& settings);
  TimelineModel* model_;
  QString shotId_, field_;
  ShotSettings before_, after_;
};

// A new take of a shot becomes its current take; undo goes back to the take shown before.
class AddTakeCommand : public QUndoCommand {
 public:
  AddTakeCommand(TimelineModel* model, const QString& shotId, const Take& take);
  void redo() override;
  void undo() override;

 private:
  TimelineModel* model_;
  QString shotId_;
  Take take_;
  int previousCurrent_ = -1;
  int index_ = -1;
};

// Switches a shot back (or forward) to another of its takes.
class SetCurrentTakeCommand : public QUndoCommand {
 public:
  SetCurrentTakeCommand(TimelineModel* model, const QString& shotId, int from, int to);
  void redo() override;
  void undo() override;

 private:
  TimelineModel* model_;
  QString shotId_;
  int from_, to_;
};

}  // namespace kinema::studio
