// Timeline edits with undo and redo: add, insert, duplicate, delete, reorder by drag on the view,
// settings edits that merge while typing, takes added and switched; the prompt pickers; the sequence's
// continuous sound across cuts.
#include <QMimeData>
#include <QUndoStack>

#include "commands/shot_commands.h"
#include "models/media_library.h"
#include "models/prompt_presets.h"
#include "models/sequence.h"
#include "models/timeline_model.h"
#include "helpers/synthetic_takes.h"
#include "helpers/ui_test_main.h"
#include "widgets/timeline_view.h"

using namespace kinema::studio;
using namespace kinema::studio::testing;

namespace {

// A drag of `data` entering the view's viewport, moving to `pos` and dropping there, as Qt delivers
// one (a drop goes to the widget that accepted the drag's entry).
bool dragAndDrop(QListView& view, const QMimeData* data, QPointF pos) {
  QDragEnterEvent enter(pos.toPoint(), Qt::MoveAction, data, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(view.viewport(), &enter);
  if (!enter.isAccepted()) return false;
  QDragMoveEvent move(pos.toPoint(), Qt::MoveAction, data, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(view.viewport(), &move);
  QDropEvent drop(pos, Qt::MoveAction, data, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(view.viewport(), &drop);
  return drop.isAccepted();
}

Shot named(const QString& prompt) {
  Shot shot;
  shot.id = newShotId();
  shot.settings.prompt = prompt;
  return shot;
}

QStringList prompts(const TimelineModel& model) {
  QStringList out;
  for (const Shot& shot : model.shots()) out << shot.settings.prompt;
  return out;
}

}  // namespace

class TimelineTest : public QObject {
  Q_OBJECT

 private slots:
  void addInsertDuplicateDeleteUndoAndRedo() {
    TimelineModel model;
    QUndoStack stack;
    stack.push(new AddShotCommand(&model, 0, named("a"), "add"));
    stack.push(new AddShotCommand(&model, 1, named("b"), "add"));
    stack.push(new AddShotCommand(&model, 1, named("inserted"), "insert"));
    Shot copy = model.shot(0);
    copy.id = newShotId();
    stack.push(new AddShotCommand(&model, 1, copy, "duplicate"));
    QCOMPARE(prompts(model), QStringList({"a", "a", "inserted", "b"}));
    QVERIFY(model.shot(0).id != model.shot(1).id);
    stack.push(new DeleteShotCommand(&model, 2));
    QCOMPARE(prompts(model), QStringList({"a", "a", "b"}));

    stack.undo();  // the delete
    QCOMPARE(prompts(model), QStringList({"a", "a", "inserted", "b"}));
    stack.undo();  // the duplicate
    stack.undo();  // the insert
    QCOMPARE(prompts(model), QStringList({"a", "b"}));
    stack.redo();
    stack.redo();
    stack.redo();
    QCOMPARE(prompts(model), QStringList({"a", "a", "b"}));
    while (stack.canUndo()) stack.undo();
    QCOMPARE(model.rowCount(), 0);
  }

  void deleteRestoresTheShotWithItsTakes() {
    TimelineModel model;
    MediaLibrary media;
    QUndoStack stack;
    model.resetShots({shotWithTake(media, "x", numberedClip(4, 8, 10)), named("y")});
    const Shot before = model.shot(0);
    stack.push(new DeleteShotCommand(&model, 0));
    QCOMPARE(prompts(model), QStringList({"y"}));
    stack.undo();
    QCOMPARE(model.shot(0), before);
  }

  void dragOnTheViewReordersAndUndoPutsItBack() {
    TimelineModel model;
    QUndoStack stack;
    model.resetShots({named("a"), named("b"), named("c")});
    TimelineView view;
    view.resize(700, 220);
    view.setModel(&model);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    connect(&view, &TimelineView::moveRequested, &stack,
            [&](int from, int to) { stack.push(new MoveShotCommand(&model, from, to)); });

    // Drop shot "a" on the right half of "c": it goes after "c".
    std::unique_ptr<QMimeData> data(model.mimeData({model.index(0)}));
    const QRect target = view.visualRect(model.index(2));
    QVERIFY(dragAndDrop(view, data.get(), QPointF(target.center().x() + target.width() / 4, target.center().y())));
    QCOMPARE(prompts(model), QStringList({"b", "c", "a"}));
    stack.undo();
    QCOMPARE(prompts(model), QStringList({"a", "b", "c"}));
    stack.redo();
    QCOMPARE(prompts(model), QStringList({"b", "c", "a"}));

    // Drop "a" (now last) on the left half of "b": it goes first.
    data.reset(model.mimeData({model.index(2)}));
    const QRect first = view.visualRect(model.index(0));
    QVERIFY(dragAndDrop(view, data.get(), QPointF(first.left() + 5, first.center().y())));
    QCOMPARE(prompts(model), QStringList({"a", "b", "c"}));
    QCOMPARE(stack.count(), 2);
  }

  void typingMergesIntoOneUndoStepPerField() {
    TimelineModel model;
    QUndoStack stack;
    model.resetShots({named("")});
    const QString id = model.shot(0).id;
    ShotSettings s = model.shot(0).settings;
    for (const char* text : {"a", "a r", "a red", "a red ball"}) {
      ShotSettings next = s;
      next.prompt = text;
      stack.push(new EditShotCommand(&model, id, s, next, "prompt"));
      s = next;
    }
    ShotSettings stepped = s;
    stepped.steps = 12;
    stack.push(new EditShotCommand(&model, id, s, stepped, "steps"));
    QCOMPARE(stack.count(), 2);
    QCOMPARE(model.shot(0).settings.steps, 12);
    stack.undo();
    QCOMPARE(model.shot(0).settings.steps, 0);
    QCOMPARE(model.shot(0).settings.prompt, QString("a red ball"));
    stack.undo();
    QCOMPARE(model.shot(0).settings.prompt, QString(""));
    stack.redo();
    QCOMPARE(model.shot(0).settings.prompt, QString("a red ball"));
  }

  void newTakesBecomeCurrentAndEarlierOnesStaySelectable() {
    TimelineModel model;
    QUndoStack stack;
    model.resetShots({named("a")});
    const QString id = model.shot(0).id;
    Take first, second;
    first.id = "t1";
    first.file = "t1.mp4";
    second.id = "t2";
    second.file = "t2.mp4";
    stack.push(new AddTakeCommand(&model, id, first));
    stack.push(new AddTakeCommand(&model, id, second));
    QCOMPARE(model.shot(0).takes.size(), 2);
    QCOMPARE(model.shot(0).current()->id, QString("t2"));
    stack.push(new SetCurrentTakeCommand(&model, id, 1, 0));
    QCOMPARE(model.shot(0).current()->id, QString("t1"));
    stack.undo();
    QCOMPARE(model.shot(0).current()->id, QString("t2"));
    stack.undo();  // the second take
    QCOMPARE(model.shot(0).takes.size(), 1);
    QCOMPARE(model.shot(0).current()->id, QString("t1"));
    stack.redo();
    QCOMPARE(model.shot(0).current()->id, QString("t2"));
  }

  void aLateTakeFindsItsShotAfterAMove() {
    TimelineModel model;
    QUndoStack stack;
    model.resetShots({named("a"), named("b")});
    const QString id = model.shot(0).id;
    stack.push(new MoveShotCommand(&model, 0, 1));
    Take take;
    take.id = "late";
    take.file = "late.mp4";
    stack.push(new AddTakeCommand(&model, id, take));
    QCOMPARE(model.shot(1).settings.prompt, QString("a"));
    QCOMPARE(model.shot(1).current()->id, QString("late"));
    QVERIFY(model.shot(0).takes.isEmpty());
  }

  void pickersWriteOnePhrasePerKindIntoThePrompt() {
    QString prompt = "a red ball bounces";
    prompt = applyPreset(prompt, PresetKind::style, "cartoon style");
    QCOMPARE(prompt, QString("a red ball bounces, cartoon style"));
    prompt = applyPreset(prompt, PresetKind::timeOfDay, "at night");
    prompt = applyPreset(prompt, PresetKind::style, "neon style");
    QCOMPARE(prompt, QString("a red ball bounces, at night, neon style"));
    QCOMPARE(presetIn(prompt, PresetKind::style), 3);
    QCOMPARE(presetIn(prompt, PresetKind::camera), -1);
    prompt = applyPreset(prompt, PresetKind::timeOfDay, "");
    QCOMPARE(prompt, QString("a red ball bounces, neon style"));
    QCOMPARE(applyPreset("at sunset a ball falls", PresetKind::timeOfDay, "at night"), QString("a ball falls, at night"));
  }

  void sequenceSoundIsContinuousAcrossCutsAndSkipsHeldFrames() {
    TimelineModel model;
    MediaLibrary media;
    kinema::media::Clip a = numberedClip(8, 8, 100, 8000, 1);
    kinema::media::Clip b = numberedClip(9, 8, 200, 8000, 1);
    for (size_t i = 0; i < a.audio.size(); ++i) a.audio[i] = 0.25f;
    for (size_t i = 0; i < b.audio.size(); ++i) b.audio[i] = i < 2000 ? -0.5f : 0.5f;  // held part: -0.5
    model.resetShots({shotWithTake(media, "a", a), shotWithTake(media, "b", b, 2)});
    const Sequence s = buildSequence(model, media);
    QCOMPARE(s.segments.size(), 2);
    QCOMPARE(s.frameCount(), 8 + 7);
    // Pictures: shot b is shown from its third frame.
    QCOMPARE(qGreen(s.image(8).pixel(0, 0)), 2);
    QCOMPARE(qRed(s.image(8).pixel(0, 0)), 200);
    QCOMPARE(qRed(s.image(7).pixel(0, 0)), 100);
    // Sound: exactly as long as the pictures, shot a's to the cut, then b's from after its held frames.
    const auto sound = s.audio(8000, 1);
    QCOMPARE(static_cast<qsizetype>(sound.size()), qsizetype(15 * 1000));
    QCOMPARE(sound[7999], 0.25f);
    QCOMPARE(sound[8000], 0.5f);
    QCOMPARE(sound.back(), 0.5f);
    // Other rates and channel counts are converted, keeping the length.
    QCOMPARE(static_cast<qsizetype>(s.audio(48000, 2).size()), qsizetype(15 * 6000 * 2));
    const kinema::media::Clip whole = s.assemble();
    QCOMPARE(whole.frame_count(), 15);
    QCOMPARE(whole.audio_samples(), int64_t{15000});
  }
};

KINEMA_UI_TEST_MAIN(TimelineTest)
#include "timeline_test.moc"
