// The player without an audio device (OpenAL finds no backend): the wall clock drives the picture, the
// window says so in its status bar; and the transport: Space, Left/Right, J/K/L, loop, scrubbing across
// a cut, through the main window's shortcuts.
#include <QLabel>
#include <QStatusBar>
#include <QTemporaryDir>

#include "app/main_window.h"
#include "helpers/synthetic_takes.h"
#include "helpers/ui_test_main.h"
#include "models/project.h"
#include "models/sequence.h"
#include "playback/player_controller.h"
#include "widgets/player_widget.h"
#include "widgets/prompt_panel.h"
#include "widgets/timeline_view.h"

using namespace kinema::studio;
using namespace kinema::studio::testing;

namespace {

// Two shots at 12 fps: 12 frames of red 60, then 12 shown frames of red 200 (2 held frames hidden).
void fillTimeline(TimelineModel& model, MediaLibrary& media) {
  model.resetShots({shotWithTake(media, "a", numberedClip(12, 12, 60)), shotWithTake(media, "b", numberedClip(14, 12, 200), 2)});
}

int redAt(const PlayerController& player) { return qRed(player.image().pixel(0, 0)); }
int numberAt(const PlayerController& player) { return qGreen(player.image().pixel(0, 0)); }

}  // namespace

class PlayerTest : public QObject {
  Q_OBJECT

 private slots:
  void withoutADeviceItPlaysOnTheWallClock() {
    TimelineModel model;
    MediaLibrary media;
    fillTimeline(model, media);
    PlayerController player;
    QVERIFY(!player.hasAudioDevice());
    QVERIFY2(player.audioStatus().startsWith("no audio device"), qPrintable(player.audioStatus()));
    player.setSequence(buildSequence(model, media));
    QCOMPARE(player.frameCount(), 24);
    QElapsedTimer wall;
    wall.start();
    player.play();
    QTest::qWait(500);
    const int expected = static_cast<int>(wall.elapsed() * 12 / 1000);
    QVERIFY2(std::abs(player.frame() - expected) <= 2, qPrintable(QString("frame %1, expected about %2").arg(player.frame()).arg(expected)));
    QTRY_VERIFY_WITH_TIMEOUT(!player.isPlaying(), 4000);
    QCOMPARE(player.frame(), 23);
    QCOMPARE(redAt(player), 200);
    QCOMPARE(numberAt(player), 13);  // the second take's last frame
  }

  void stepsShuttleAndLoop() {
    TimelineModel model;
    MediaLibrary media;
    fillTimeline(model, media);
    PlayerController player;
    player.setSequence(buildSequence(model, media));
    player.stepForward();
    player.stepForward();
    QCOMPARE(player.frame(), 2);
    player.stepBackward();
    QCOMPARE(player.frame(), 1);
    player.stepBackward();
    player.stepBackward();
    QCOMPARE(player.frame(), 0);  // stops at the start

    player.shuttleForward();  // L
    QVERIFY(player.isPlaying());
    QCOMPARE(player.speed(), 1.0);
    player.shuttleForward();  // L again: faster
    QCOMPARE(player.speed(), 2.0);
    QTest::qWait(300);
    QVERIFY(player.frame() >= 5);
    player.shuttleStop();  // K
    QVERIFY(!player.isPlaying());
    const int held = player.frame();
    QTest::qWait(100);
    QCOMPARE(player.frame(), held);
    player.shuttleBackward();  // J
    QCOMPARE(player.speed(), -1.0);
    QTest::qWait(250);
    QVERIFY2(player.frame() < held, qPrintable(QString("%1 !< %2").arg(player.frame()).arg(held)));
    player.shuttleStop();

    player.setLoop(true);
    player.seekFrame(20);
    int wrapped = 0, last = player.frame();
    connect(&player, &PlayerController::frameChanged, this, [&](int frame, const QImage&) {
      if (frame < last) ++wrapped;
      last = frame;
    });
    player.play();
    QTest::qWait(700);
    QVERIFY(player.isPlaying());
    QVERIFY2(wrapped >= 1, "looping did not go back to the start");
    player.pause();
  }

  void scrubbingCrossesTheCut() {
    TimelineModel model;
    MediaLibrary media;
    fillTimeline(model, media);
    PlayerController player;
    PlayerWidget widget(&player);
    widget.resize(600, 400);
    widget.show();
    QVERIFY(QTest::qWaitForWindowExposed(&widget));
    player.setSequence(buildSequence(model, media));
    ScrubBar* bar = widget.scrubBar();
    // Drag from the first shot into the second: pictures follow across the cut.
    QTest::mousePress(bar, Qt::LeftButton, {}, QPoint(bar->xOf(3), bar->height() / 2));
    QCOMPARE(redAt(player), 60);
    QCOMPARE(numberAt(player), 3);
    QTest::mouseMove(bar, QPoint(bar->xOf(14), bar->height() / 2));
    QCOMPARE(player.frame(), 14);
    QCOMPARE(redAt(player), 200);
    QCOMPARE(numberAt(player), 4);  // frame 2 of the second shot's shown part starts after 2 held frames
    QTest::mouseRelease(bar, Qt::LeftButton, {}, QPoint(bar->xOf(14), bar->height() / 2));
    QVERIFY(!player.isPlaying());
    // Scrubbing while playing pauses and plays on afterwards.
    player.play();
    QTest::mousePress(bar, Qt::LeftButton, {}, QPoint(bar->xOf(6), bar->height() / 2));
    QVERIFY(!player.isPlaying());
    QTest::mouseRelease(bar, Qt::LeftButton, {}, QPoint(bar->xOf(6), bar->height() / 2));
    QVERIFY(player.isPlaying());
    player.pause();
  }

  void windowShortcutsDriveThePlayerAndTheStatusBarNamesTheMissingDevice() {
    QTemporaryDir data;
    MainWindowOptions options;
    options.dataFolder = data.path();
    options.offerRecovery = false;
    options.modelFolder = data.filePath("no-model-here");
    MainWindow window(options);
    window.resize(1200, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.findChild<QLabel*>("audioLabel")->text().contains("No audio device"));

    Project* project = window.project();
    fillTimeline(*project->timeline(), *project->media());
    PlayerController* player = window.player();
    QTRY_COMPARE(player->frameCount(), 24);
    window.timelineView()->setFocus();
    QTest::keyClick(&window, Qt::Key_Right);
    QTest::keyClick(&window, Qt::Key_Right);
    QCOMPARE(player->frame(), 2);
    QTest::keyClick(&window, Qt::Key_Left);
    QCOMPARE(player->frame(), 1);
    QTest::keyClick(&window, Qt::Key_Space);
    QVERIFY(player->isPlaying());
    QTest::keyClick(&window, Qt::Key_Space);
    QVERIFY(!player->isPlaying());
    QTest::keyClick(&window, Qt::Key_L);
    QTest::keyClick(&window, Qt::Key_L);
    QCOMPARE(player->speed(), 2.0);
    QTest::keyClick(&window, Qt::Key_K);
    QVERIFY(!player->isPlaying());
    QTest::keyClick(&window, Qt::Key_J);
    QCOMPARE(player->speed(), -1.0);
    QTest::keyClick(&window, Qt::Key_K);

    // In the prompt, the same keys type.
    PromptEdit* prompt = window.promptPanel()->promptEdit();
    prompt->setFocus();
    QTest::keyClicks(prompt, "a ball");
    QTest::keyClick(prompt, Qt::Key_Space);
    QTest::keyClicks(prompt, "jkl");
    QVERIFY(!player->isPlaying());
    QCOMPARE(prompt->toPlainText(), QString("a ball jkl"));
    project->undoStack()->setClean();  // no "save changes?" question on close
  }
};

KINEMA_UI_TEST_MAIN(PlayerTest)
#include "player_test.moc"
